import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { CLOCK_TICKS_PER_SECOND, statFields } from './proc-stat.js';

/** What a thread of the service does; `http` is the thread the HTTP server runs on. */
export type ThreadRole = 'http' | 'validation' | 'database' | 'other';
export const THREAD_ROLES: readonly ThreadRole[] = ['http', 'validation', 'database', 'other'];

/**
 * The names the service's own threads give themselves (15 bytes at most, the kernel's limit).
 * `top -H`, `ps -L` and /proc show them, and the CPU figures below read them. The main thread keeps
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

/** The calling thread's id as the kernel knows it (Linux), else undefined. */
function currentThreadId(): number | undefined {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return undefined;
  }
}

const ROLE_OF_NAME = new Map<string, ThreadRole>([[THREAD_NAMES.validation, 'validation'], [THREAD_NAMES.database, 'database']]);

/** A live thread: its role, its CPU so far (clock ticks, user + system) and when it started (ticks since boot). */
interface ThreadTicks {
  readonly tid: number;
  readonly role: ThreadRole;
  readonly ticks: number;
  readonly startedAt: number;
}

/** The live threads of process `pid`, `httpTid` being the HTTP thread; undefined without /proc. */
function readThreads(pid: number, httpTid: number): ThreadTicks[] | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const threads: ThreadTicks[] = [];
  for (const tid of tids) {
    // Fields 14, 15 and 22 of stat(5): utime, stime, starttime.
    const fields = statFields(`/proc/${pid}/task/${tid}/stat`);
    const name = readName(`/proc/${pid}/task/${tid}/comm`);
    if (!fields || name === undefined) continue; // the thread ended meanwhile
    const role = Number(tid) === httpTid ? 'http' : (ROLE_OF_NAME.get(name) ?? 'other');
    threads.push({ tid: Number(tid), role, ticks: fields[11] + fields[12], startedAt: fields[19] });
  }
  return threads;
}

function readName(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trimEnd();
  } catch {
    return undefined;
  }
}

/** Seconds per role from clock ticks per role. */
const toSeconds = (ticks: Record<ThreadRole, number>) =>
  Object.fromEntries(THREAD_ROLES.map((role) => [role, ticks[role] / CLOCK_TICKS_PER_SECOND])) as Record<ThreadRole, number>;

/**
 * CPU seconds so far of the live threads of process `pid` by role, its main thread being the HTTP
 * thread (the benchmarks take two of these around a window). Threads that have ended are not in
 * it. Undefined without /proc (not Linux).
 */
export function cpuSecondsByRole(pid: number): Record<ThreadRole, number> | undefined {
  const threads = readThreads(pid, pid);
  if (!threads) return undefined;
  const ticks = { http: 0, validation: 0, database: 0, other: 0 };
  for (const thread of threads) ticks[thread.role] += thread.ticks;
  return toSeconds(ticks);
}

/**
 * The CPU this process's threads used between one call and the next, by role, for a counter:
 * each thread's time counts once, under the role it has when counted. A thread that ended
 * keeps what was counted of it (a worker replaced after a crash does not take its past out), a
 * thread that named itself after a call keeps its earlier time in `other`, and a thread id the
 * kernel reuses starts from zero (its start time differs). The figures are the whole process's:
 * several apps in one process each see all the process's threads.
 */
export class ThreadCpuMeter {
  private readonly counted = new Map<number, { readonly ticks: number; readonly startedAt: number }>();

  /** The HTTP thread: the one that builds the meter (the app's), not necessarily the process's main thread. */
  private readonly httpTid = currentThreadId() ?? process.pid;

  /** Seconds per role since the last call (since each thread started, the first time); undefined without /proc. */
  sinceLast(): Record<ThreadRole, number> | undefined {
    const threads = readThreads(process.pid, this.httpTid);
    if (!threads) return undefined;
    const used = { http: 0, validation: 0, database: 0, other: 0 };
    const live = new Set<number>();
    for (const { tid, role, ticks, startedAt } of threads) {
      live.add(tid);
      const before = this.counted.get(tid);
      used[role] += Math.max(0, ticks - (before?.startedAt === startedAt ? before.ticks : 0));
      this.counted.set(tid, { ticks, startedAt });
    }
    for (const tid of this.counted.keys()) if (!live.has(tid)) this.counted.delete(tid);
    return toSeconds(used);
  }
}
