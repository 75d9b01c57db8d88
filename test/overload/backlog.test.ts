import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMISSION_INTERVAL_MS, AdmissionControl } from '../../src/http/admission.js';
import { MIN_ANSWERED } from '../../src/http/cpu-per-validation.js';
import { holdInFlight } from '../support/in-flight.js';

describe('the backlog check: validations in flight × CPU per validation ÷ cores', () => {
  /** The process's CPU time as the admission control reads it, moved by the test. */
  let cpuMicros = 0;
  let admission: AdmissionControl;

  /** One interval that answers `answered` validations and spends `cpuMs` of CPU in all. */
  function interval(answered: number, cpuMs: number): void {
    for (let i = 0; i < answered; i++) admission.observeWait(1);
    cpuMicros += cpuMs * 1000;
    vi.advanceTimersByTime(ADMISSION_INTERVAL_MS);
  }

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'performance'] });
    cpuMicros = 0;
    // Only the backlog check: 40 ms of work on 2 cores.
    admission = new AdmissionControl({
      maxLagMs: 0, maxCommitWaitMs: 0, maxStandingWaitMs: 0, maxBacklogMs: 40, minInFlight: 2, cores: 2,
      cpuUsage: () => ({ user: cpuMicros, system: 0 }),
    });
    admission.start();
    // Intervals close at the first 10 ms probe after ADMISSION_INTERVAL_MS: line them up with interval().
    vi.advanceTimersByTime(10);
  });
  afterEach(() => {
    admission.close();
    vi.useRealTimers();
  });

  it('refuses once those in flight hold more work for the cores than its bound', async () => {
    interval(10, 20); // 2 ms a validation: each in flight is 1 ms of work for 2 cores
    expect(admission.cpuPerValidationMs).toBe(2);
    const atBound = holdInFlight(admission, 40);
    expect(admission.behind()).toBeUndefined();
    const past = holdInFlight(admission, 1);
    expect(admission.behind()).toEqual({ cause: 'backlog', reason: 'the 41 validations in flight hold ~41 ms of work for its 2 cores' });
    await past();
    expect(admission.behind()).toBeUndefined();
    await atBound();
  });

  it('admits any number until a validation\'s cost is measured, and charges a quiet interval\'s CPU to none', async () => {
    const held = holdInFlight(admission, 200);
    expect(admission.behind()).toBeUndefined();
    interval(MIN_ANSWERED - 1, 1_000); // a checkpoint's CPU in an interval that answered 9
    expect(admission.cpuPerValidationMs).toBe(0);
    expect(admission.behind()).toBeUndefined();
    interval(MIN_ANSWERED, 10); // 1 ms each: 200 in flight are 100 ms of work
    expect(admission.behind()).toMatchObject({ cause: 'backlog' });
    await held();
  });

  it('follows the cost as it changes, over the last few intervals', () => {
    interval(10, 20);
    interval(10, 40); // 4 ms each from now on
    const afterOne = admission.cpuPerValidationMs;
    expect(afterOne).toBeGreaterThan(2);
    expect(afterOne).toBeLessThan(3);
    for (let i = 0; i < 20; i++) interval(10, 40);
    expect(admission.cpuPerValidationMs).toBeCloseTo(4, 1);
  });

  it('sees no backlog in fewer validations than the threads, nor with its bound at 0', async () => {
    interval(10, 10_000); // 1 s of CPU each
    const one = holdInFlight(admission, 1);
    expect(admission.behind()).toBeUndefined();
    await one();

    const off = new AdmissionControl({ maxLagMs: 0, maxCommitWaitMs: 0, maxStandingWaitMs: 0, maxBacklogMs: 0, minInFlight: 2, cores: 2, cpuUsage: () => ({ user: cpuMicros, system: 0 }) });
    off.start();
    for (let i = 0; i < 10; i++) off.observeWait(1);
    cpuMicros += 10_000_000;
    vi.advanceTimersByTime(ADMISSION_INTERVAL_MS + 10);
    const many = holdInFlight(off, 1_000);
    expect(off.behind()).toBeUndefined();
    await many();
    off.close();
  });
});
