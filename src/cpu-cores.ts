import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Where a container's CPU quota is read: cgroup v2, then v1 (the paths a container sees as its own). */
export const CGROUP_V2_CPU_MAX = '/sys/fs/cgroup/cpu.max';
export const CGROUP_V1_QUOTA = '/sys/fs/cgroup/cpu/cpu.cfs_quota_us';
export const CGROUP_V1_PERIOD = '/sys/fs/cgroup/cpu/cpu.cfs_period_us';

/**
 * The cores this process may use: the machine's as Node sees them (os.availableParallelism(),
 * which follows CPU affinity), or fewer where a CPU quota limits the container (Kubernetes' CPU
 * limits, `docker run --cpus`), which Node does not read. Fractional: a quota of 1.5 CPUs is 1.5.
 * Without it, the worker count and the backlog check's bound would follow the host's cores, say
 * 64, while the container may use 2.
 */
export function availableCores(read: (path: string) => string | undefined = readText): number {
  const quota = cgroupQuota(read);
  const machine = availableParallelism();
  return quota === undefined ? machine : Math.min(machine, quota);
}

function cgroupQuota(read: (path: string) => string | undefined): number | undefined {
  // "max 100000" (no quota) or "150000 100000" (quota and period, µs).
  const v2 = read(CGROUP_V2_CPU_MAX);
  if (v2 !== undefined) {
    const [quota, period] = v2.trim().split(/\s+/);
    return ratio(quota, period);
  }
  // -1 means no quota.
  return ratio(read(CGROUP_V1_QUOTA), read(CGROUP_V1_PERIOD));
}

function ratio(quota: string | undefined, period: string | undefined): number | undefined {
  const q = Number(quota?.trim());
  const p = Number(period?.trim());
  return q > 0 && p > 0 && Number.isFinite(q / p) ? q / p : undefined;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
