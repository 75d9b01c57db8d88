import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { CLOCK_TICKS_PER_SECOND, statFields } from './proc-stat.js';

/** What a thread of the service does; the HTTP thread is the process's main thread. */
export type ThreadRole = 'http' | 'validation' | 'database' | 'other';

/**
 * The names the service's own threads give themselves (15 bytes at most, the kernel's limit).
 * `top -H`, `ps -L` and /proc show them, and cpuSecondsByRole reads them. The main thread keeps
 * its name: renamed, the process would no longer show as node. The validation threads write their
 * name in workers/validation.entry.cts, a CommonJS file that cannot load this module at once.
 */
export const THREAD_NAMES = { validation: 'pes-validation', database: 'pes-database' } as const;

/**
 * Names the calling thread (Linux: /proc/thread-self/comm). Elsewhere, or with /proc not mounted,
 * nothing happens: the names are for people and measurements, never for the service itself.
 */
export function nameThisThread(name: (typeof THREAD_NAMES)[keyof typeof THREAD_NAMES]): void {
  try {
    writeFileSync('/proc/thread-self/comm', name);
  } catch {
    // not Linux: nothing to name
  }
}

const ROLE_OF_NAME = new Map<string, ThreadRole>([[THREAD_NAMES.validation, 'validation'], [THREAD_NAMES.database, 'database']]);

/**
 * CPU seconds (user + system) used so far by the threads of process `pid`, per role: its main
 * thread is `http`; threads that named themselves (THREAD_NAMES) are theirs; the rest (V8's
 * garbage-collection helpers, libuv's pool) are `other`. Threads that have ended are not counted.
 * Undefined where there is no /proc (not Linux).
 */
export function cpuSecondsByRole(pid: number): Record<ThreadRole, number> | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const seconds: Record<ThreadRole, number> = { http: 0, validation: 0, database: 0, other: 0 };
  for (const tid of tids) {
    const fields = statFields(`/proc/${pid}/task/${tid}/stat`);
    if (!fields) continue; // the thread ended meanwhile
    const role = Number(tid) === pid ? 'http' : (ROLE_OF_NAME.get(threadName(pid, tid)) ?? 'other');
    seconds[role] += fields[11] + fields[12];
  }
  // Summed in clock ticks (integers), divided once: no rounding error.
  for (const role of Object.keys(seconds) as ThreadRole[]) seconds[role] /= CLOCK_TICKS_PER_SECOND;
  return seconds;
}

function threadName(pid: number, tid: string): string {
  try {
    return readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trimEnd();
  } catch {
    return '';
  }
}
