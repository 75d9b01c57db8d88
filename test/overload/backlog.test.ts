import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMISSION_INTERVAL_MS, AdmissionControl, type AdmissionOptions } from '../../src/http/admission.js';
import { MIN_SETTLED } from '../../src/http/cpu-per-validation.js';
import { holdInFlight } from '../support/in-flight.js';

describe('the backlog check: validations in flight × CPU per validation ÷ cores', () => {
  /** The process's CPU time as the admission control reads it, moved by the test. */
  let cpuMicros = 0;
  let admission: AdmissionControl;

  /** One interval in which `settled` validations are admitted and answered, and the process spends `cpuMs` of CPU in all. */
  async function interval(settled: number, cpuMs: number, control = admission): Promise<void> {
    for (let i = 0; i < settled; i++) await control.admitted(async () => undefined);
    cpuMicros += cpuMs * 1000;
    vi.advanceTimersByTime(ADMISSION_INTERVAL_MS);
  }

  /**
   * Started on the test's CPU clock with only the backlog check (40 ms of work on 2 cores), but for
   * `options`; `beforeStart` runs between its construction and its start.
   */
  function started(options: Partial<AdmissionOptions> = {}, beforeStart = () => {}): AdmissionControl {
    const control = new AdmissionControl({
      maxLagMs: 0, maxCommitWaitMs: 0, maxStandingWaitMs: 0, maxBacklogMs: 40, minInFlight: 2, cores: 2,
      cpuUsage: () => ({ user: cpuMicros, system: 0 }), ...options,
    });
    beforeStart();
    control.start();
    // Intervals close at the first 10 ms probe after ADMISSION_INTERVAL_MS: line them up with interval().
    vi.advanceTimersByTime(10);
    return control;
  }

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'performance'] });
    cpuMicros = 0;
    admission = started();
  });
  afterEach(() => {
    admission.close();
    vi.useRealTimers();
  });

  it('refuses once those in flight hold more work for the cores than its bound', async () => {
    await interval(10, 20); // 2 ms a validation: each in flight is 1 ms of work for 2 cores
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
    await interval(MIN_SETTLED - 1, 1_000); // a checkpoint's CPU in an interval that settled 9
    expect(admission.cpuPerValidationMs).toBe(0);
    expect(admission.behind()).toBeUndefined();
    await interval(MIN_SETTLED, 10); // 1 ms each: 200 in flight are 100 ms of work
    expect(admission.cpuPerValidationMs).toBe(1);
    expect(admission.behind()).toMatchObject({ cause: 'backlog' });
    await held();
  });

  it('charges none of the CPU spent before it started (the start-up\'s warm-up) to the first validations', async () => {
    // 300 warm-up validations between building the app and listening.
    const late = started({}, () => (cpuMicros += 5_000_000));
    await interval(10, 20, late);
    expect(late.cpuPerValidationMs).toBe(2);
    late.close();
  });

  it('follows the cost as it changes, over the last few intervals', async () => {
    await interval(10, 20);
    await interval(10, 40); // 4 ms each from now on
    const afterOne = admission.cpuPerValidationMs;
    expect(afterOne).toBeGreaterThan(2);
    expect(afterOne).toBeLessThan(3);
    for (let i = 0; i < 20; i++) await interval(10, 40);
    expect(admission.cpuPerValidationMs).toBeCloseTo(4, 1);
  });

  it('counts every admitted validation, whatever its answer: a rejected one cost CPU too', async () => {
    for (let i = 0; i < 10; i++) await admission.admitted(() => Promise.reject(new Error('422'))).catch(() => undefined);
    cpuMicros += 20_000;
    vi.advanceTimersByTime(ADMISSION_INTERVAL_MS);
    expect(admission.cpuPerValidationMs).toBe(2);
  });

  it('names a container\'s fraction of the cores as a caller can read it', async () => {
    const third = started({ cores: 1 / 3 });
    await interval(10, 10, third); // 1 ms each: each in flight is 3 ms of work for a third of a core
    const held = holdInFlight(third, 14);
    expect(third.behind()).toEqual({ cause: 'backlog', reason: 'the 14 validations in flight hold ~42 ms of work for its 0.33 cores' });
    await held();
    third.close();
  });

  it('sees no backlog in fewer validations than the threads, nor with its bound at 0', async () => {
    await interval(10, 10_000); // 1 s of CPU each
    const one = holdInFlight(admission, 1);
    expect(admission.behind()).toBeUndefined();
    await one();

    // Another check keeps the intervals running, so the cost is measured: only the bound is off.
    const off = started({ maxLagMs: 1_000, maxBacklogMs: 0 });
    await interval(10, 10_000, off);
    expect(off.cpuPerValidationMs).toBe(1_000);
    const many = holdInFlight(off, 1_000);
    expect(off.behind()).toBeUndefined();
    await many();
    off.close();
  });
});
