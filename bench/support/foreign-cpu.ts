import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CLOCK_TICKS_PER_SECOND, statFields } from '../../src/observability/proc-stat.js';

/**
 * How much of the machine other processes used while a scenario ran. The load average only says
 * afterwards, coarsely, that something else ran; a run disturbed that way once reported a fifth
 * of the service's throughput. This compares the machine's busy time (/proc/stat, steal included:
 * a neighbour on the host) with this process's and its reaped descendants' (/proc/self/stat):
 * every scenario, server and load generator of the suite is a descendant, waited for on exit.
 * A PostgreSQL server on the machine counts as the suite's own: scenarios load it on purpose.
 */

export interface CpuSample {
  readonly atMs: number;
  readonly machineBusyTicks: number;
  readonly ownTicks: number;
}

/** Undefined where /proc is not there (not Linux). */
export function sampleCpu(): CpuSample | undefined {
  try {
    const [user, nice, system, , , irq, softirq, steal = 0] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    let ownTicks = ticksOf('self') ?? 0;
    for (const pid of readdirSync('/proc')) {
      if (/^\d+$/.test(pid) && commandOf(pid) === 'postgres') ownTicks += ticksOf(pid) ?? 0;
    }
    return { atMs: performance.now(), machineBusyTicks: user + nice + system + irq + softirq + steal, ownTicks };
  } catch {
    return undefined;
  }
}

/** CPU of a process and of its children it waited for (utime + stime + cutime + cstime); undefined once it is gone. */
function ticksOf(pid: string): number | undefined {
  const fields = statFields(`/proc/${pid}/stat`);
  return fields && fields[11] + fields[12] + fields[13] + fields[14];
}

function commandOf(pid: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Share of all cores that processes outside this tree kept busy between two samples (0 when none). */
export function foreignShare(before: CpuSample, after: CpuSample): number {
  const capacityTicks = ((after.atMs - before.atMs) / 1000) * CLOCK_TICKS_PER_SECOND * cpus().length;
  if (capacityTicks <= 0) return 0;
  const foreignTicks = after.machineBusyTicks - before.machineBusyTicks - (after.ownTicks - before.ownTicks);
  // Tick rounding can make a quiet machine look slightly negative.
  return Math.max(0, foreignTicks / capacityTicks);
}
