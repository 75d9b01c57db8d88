import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { availableCores, CGROUP_V1_PERIOD, CGROUP_V1_QUOTA, CGROUP_V2_CPU_MAX } from '../src/cpu-cores.js';

/** A file system holding only `files`. */
const only = (files: Record<string, string>) => (path: string) => files[path];
const machine = availableParallelism();

describe('the cores the process may use', () => {
  it('are the machine\'s without a cgroup CPU quota, or with an unlimited one', () => {
    expect(availableCores(only({}))).toBe(machine);
    expect(availableCores(only({ [CGROUP_V2_CPU_MAX]: 'max 100000\n' }))).toBe(machine);
    expect(availableCores(only({ [CGROUP_V1_QUOTA]: '-1\n', [CGROUP_V1_PERIOD]: '100000\n' }))).toBe(machine);
  });

  it('follow a container\'s quota below the machine\'s cores, fractions kept (cgroup v2, then v1)', () => {
    expect(availableCores(only({ [CGROUP_V2_CPU_MAX]: '50000 100000\n' }))).toBe(Math.min(machine, 0.5));
    expect(availableCores(only({ [CGROUP_V1_QUOTA]: '25000\n', [CGROUP_V1_PERIOD]: '100000\n' }))).toBe(Math.min(machine, 0.25));
    // v2 wins where both are mounted.
    expect(availableCores(only({ [CGROUP_V2_CPU_MAX]: '50000 100000', [CGROUP_V1_QUOTA]: '25000', [CGROUP_V1_PERIOD]: '100000' }))).toBe(Math.min(machine, 0.5));
  });

  it('never exceed the machine\'s, and ignore what does not parse', () => {
    expect(availableCores(only({ [CGROUP_V2_CPU_MAX]: `${(machine + 8) * 100000} 100000` }))).toBe(machine);
    for (const text of ['', 'garbage', '100000', '100000 0', '0 100000']) expect(availableCores(only({ [CGROUP_V2_CPU_MAX]: text }))).toBe(machine);
  });
});
