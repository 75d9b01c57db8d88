import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMISSION_INTERVAL_MS, AdmissionControl } from '../../src/http/admission.js';
import { holdInFlight } from '../support/in-flight.js';

/** One interval in which `answered` validations report `waitMs` each. */
function interval(admission: AdmissionControl, waitMs: number, answered = 10): void {
  for (let i = 0; i < answered; i++) admission.observeWait(waitMs);
  vi.advanceTimersByTime(ADMISSION_INTERVAL_MS);
}

/** 40 in flight through two intervals of 50 ms waits: the limit falls to 30; then they are answered. */
async function lowerLimitTo30(admission: AdmissionControl): Promise<void> {
  const release = holdInFlight(admission, 40);
  interval(admission, 50);
  interval(admission, 50);
  await release();
}

/** The limit stands at exactly `limit`: one fewer in flight leaves room, one more is refused. */
async function expectLimit(admission: AdmissionControl, limit: number): Promise<void> {
  const below = holdInFlight(admission, limit - 1);
  expect(admission.behind()).toBeUndefined();
  const at = holdInFlight(admission, 1);
  expect(admission.behind()).toMatchObject({ cause: 'in_flight_limit', reason: expect.stringMatching(new RegExp(`^${limit} validations are in flight`)) });
  await below();
  await at();
}

describe('the limit on validations in flight', () => {
  let admission: AdmissionControl;
  beforeEach(() => {
    // The admission reads the global performance.now(): faked too, so intervals close on fake time.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'performance'] });
    // Only the standing-wait signal (target 20 ms); a backlog needs at least 2 in flight.
    admission = new AdmissionControl({ maxLagMs: 0, maxCommitWaitMs: 0, maxStandingWaitMs: 20, minInFlight: 2 });
    admission.start();
    // Intervals close at the first 10 ms probe after ADMISSION_INTERVAL_MS: line them up with interval() below.
    vi.advanceTimersByTime(10);
  });
  afterEach(() => {
    admission.close();
    vi.useRealTimers();
  });

  it('admits any number while no queue stands, even through one slow interval', async () => {
    const release = holdInFlight(admission, 40);
    interval(admission, 5);
    interval(admission, 80); // one stall is not a queue
    interval(admission, 5);
    expect(admission.behind()).toBeUndefined();
    await release();
  });

  it('falls to 3/4 of what was in flight while the median wait stands above the target', async () => {
    const release = holdInFlight(admission, 40);
    interval(admission, 50);
    interval(admission, 50);
    expect(admission.behind()).toMatchObject({ cause: 'in_flight_limit', reason: expect.stringMatching(/40 validations are in flight.*waited at least 50 ms/) });
    await release();
    await expectLimit(admission, 30);
  });

  it('sets a limit within 100 ms of a queue standing: what a jump in load lets in before then makes the tail', async () => {
    const release = holdInFlight(admission, 40);
    for (let ms = 0; ms < 100; ms += 10) {
      for (let k = 0; k < 5; k++) admission.observeWait(50);
      vi.advanceTimersByTime(10);
    }
    expect(admission.behind()).toMatchObject({ cause: 'in_flight_limit', reason: expect.stringMatching(/^40 validations are in flight/) });
    await release();
  });

  it('is set by the median, not by the luckiest or the unluckiest validation', async () => {
    const release = holdInFlight(admission, 40);
    for (let i = 0; i < 2; i++) {
      // Most waited 50 ms; a few were lucky (CoDel's least wait would have seen no queue).
      for (let k = 0; k < 3; k++) admission.observeWait(0.5);
      interval(admission, 50, 7);
    }
    expect(admission.behind()).toBeDefined();
    await release();
  });

  it('grows by a quarter each interval while it is reached and waits are short', async () => {
    await lowerLimitTo30(admission);
    const release = holdInFlight(admission, 30);
    interval(admission, 2); // reached and short: 30 → 38
    interval(admission, 2); // 30 in flight, short, but 38 not reached: holds
    await release();
    await expectLimit(admission, 38);
  });

  it('grows back when unreached only after five intervals of short waits', async () => {
    await lowerLimitTo30(admission);
    interval(admission, 15); // neither long nor short: holds (and no longer counts the 40)
    for (let i = 0; i < 4; i++) interval(admission, 2); // short, but unreached: holds at 30
    let held = holdInFlight(admission, 30);
    expect(admission.behind()).toMatchObject({ cause: 'in_flight_limit', reason: expect.stringMatching(/^30 validations are in flight/) });
    await held();
    interval(admission, 2); // the fifth calm interval: 30 → 38
    held = holdInFlight(admission, 37);
    expect(admission.behind()).toBeUndefined();
    await held();
  });

  it('lifts once it has grown unreached past four times the most in flight since it fell', async () => {
    await lowerLimitTo30(admission); // it fell with 40 in flight
    const limits: number[] = [];
    for (let i = 0; i < 30; i++) {
      interval(admission, 2);
      limits.push(admission.limit);
    }
    // 30 → 38 → 48 → 60 → 75 → 94 → 118 → 148, then 185 would pass 4 × 40: no limit, as at start.
    expect(limits.filter(Number.isFinite).at(-1)).toBe(148);
    expect(limits.at(-1)).toBe(Number.POSITIVE_INFINITY);
    const held = holdInFlight(admission, 1_000);
    expect(admission.behind()).toBeUndefined();
    // The next standing queue sets a limit again, from what is in flight then.
    interval(admission, 50);
    interval(admission, 50);
    expect(admission.behind()).toMatchObject({ cause: 'in_flight_limit', reason: expect.stringMatching(/^1000 validations are in flight/) });
    await held();
    await expectLimit(admission, 750);
  });

  it('holds between half the target and the target', async () => {
    await lowerLimitTo30(admission);
    for (let i = 0; i < 5; i++) interval(admission, 15);
    const held = holdInFlight(admission, 30);
    expect(admission.behind()).toMatchObject({ cause: 'in_flight_limit', reason: expect.stringMatching(/^30 validations are in flight/) });
    await held();
  });

  it('never falls below two per thread (one in a worker, one awaiting its commit)', async () => {
    for (let round = 0; round < 10; round++) {
      const release = holdInFlight(admission, 3);
      interval(admission, 500);
      await release();
    }
    await expectLimit(admission, 4);
  });

  it('keeps no waits when the limit is off, whether or not the lag probe runs', () => {
    for (const maxLagMs of [50, 0]) {
      const off = new AdmissionControl({ maxLagMs, maxCommitWaitMs: 0, maxStandingWaitMs: 0, minInFlight: 2 });
      off.start();
      for (let i = 0; i < 1_000; i++) off.observeWait(500);
      vi.advanceTimersByTime(1_000);
      expect(off.limit).toBe(Number.POSITIVE_INFINITY);
      // A list that only grows is a leak a test cannot time: look at it directly.
      expect((off as unknown as { intervalWaits: number[] }).intervalWaits).toHaveLength(0);
      off.close();
    }
  });
});

describe('the event-loop lag signal', () => {
  /** Keeps the event loop busy, as a backlog of requests does. */
  const block = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
  };
  /** Lets the 10 ms probe, overdue after a block, run. */
  const probe = () => new Promise((resolve) => setTimeout(resolve, 1));

  it('keeps refusing for the longest lag found: a shorter one meanwhile does not cut it short', async () => {
    const admission = new AdmissionControl({ maxLagMs: 50, maxCommitWaitMs: 0, maxStandingWaitMs: 0, minInFlight: 1 });
    admission.start();
    const release = holdInFlight(admission, 1);
    try {
      await probe();
      block(600);
      await probe();
      expect(admission.behind()).toMatchObject({ cause: 'event_loop_lag', reason: expect.stringMatching(/^its event loop ran \d+ ms late$/) });
      block(80); // late again, by less: the refusal the 600 ms lag started still has ~500 ms to run
      await probe();
      const [, lateMs] = /ran (\d+) ms late/.exec(admission.behind()?.reason ?? '') ?? [];
      expect(Number(lateMs)).toBeGreaterThanOrEqual(550);
    } finally {
      await release();
      admission.close();
    }
  });
});

describe('the audit commit signal', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  /** Two validations in flight, one of them waiting for its commit until `commit` is called. */
  function awaitingCommit(admission: AdmissionControl): { commit: () => Promise<void> } {
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    const release = holdInFlight(admission, 1);
    const waiting = admission.admitted(() => admission.trackCommit(() => committed));
    return { commit: async () => (commit(), await waiting, await release()) };
  }

  it('refuses once the oldest record has waited longer than its own limit, whatever the loop\'s', async () => {
    // No lag probe and no timer at all: the commit's age is read when a validation arrives.
    const admission = new AdmissionControl({ maxLagMs: 0, maxCommitWaitMs: 100, maxStandingWaitMs: 0, minInFlight: 2 });
    admission.start();
    const { commit } = awaitingCommit(admission);
    vi.advanceTimersByTime(100);
    expect(admission.behind()).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(admission.behind()).toMatchObject({ cause: 'commit_wait', reason: expect.stringMatching(/^audit records have waited 101 ms for their commit$/) });
    await commit();
    expect(admission.behind()).toBeUndefined();
    admission.close();
  });

  it('never refuses for a commit with its limit at 0, though the loop\'s is on', async () => {
    const admission = new AdmissionControl({ maxLagMs: 50, maxCommitWaitMs: 0, maxStandingWaitMs: 0, minInFlight: 2 });
    admission.start();
    const { commit } = awaitingCommit(admission);
    vi.advanceTimersByTime(10_000); // the probe keeps running on time: no lag
    expect(admission.behind()).toBeUndefined();
    await commit();
    admission.close();
  });
});
