import { describe, expect, it } from 'vitest';
import { parseServerTiming, tailBreakdown, type TimedAnswer } from '../../bench/support/tail-breakdown.js';

const answer = (totalMs: number, phases: Record<string, number> = {}, sendLagMs = 0): TimedAnswer => ({ totalMs, sendLagMs, phases });

describe('reading Server-Timing', () => {
  it('reads each named duration, as the service writes them', () => {
    expect(parseServerTiming('read;dur=0.05, pool;dur=0.61, worker;dur=0.31, commit;dur=0.78')).toEqual({ read: 0.05, pool: 0.61, worker: 0.31, commit: 0.78 });
  });

  it('leaves out metrics without a usable duration, whatever their other parameters', () => {
    expect(parseServerTiming('cache;desc="hit", db;dur=abc, empty;dur=, app;desc="x";dur=2.5,')).toEqual({ app: 2.5 });
  });

  it('reads a duration however the parameter is spelt: any case, spaces around =, quoted', () => {
    expect(parseServerTiming('a;DUR=1.5, b; dur = 2, c;dur="3.25"')).toEqual({ a: 1.5, b: 2, c: 3.25 });
  });
});

describe('where the slowest answers\' time went', () => {
  it('splits the slowest answers\' mean time into generator lateness, queue, worker, commit and the rest, which add up to the total', () => {
    const answers = [
      ...Array.from({ length: 99 }, (_, i) => answer(2 + i / 100, { read: 0.1, pool: 1, worker: 0.5, commit: 0.4 })),
      answer(30, { read: 0.2, pool: 8, worker: 1, commit: 15 }, 3),
    ];
    const { slowest, middle } = tailBreakdown(answers)!;
    expect(slowest).toMatchObject({ answers: 1, share: 0.01, totalMs: 30, generatorMs: 3, readMs: 0.2, queueMs: 7, workerMs: 1, commitMs: 15 });
    expect(slowest.elsewhereMs).toBeCloseTo(30 - 3 - 0.2 - 8 - 15, 9);
    expect(middle.answers).toBe(10);
    expect(middle.totalMs).toBeCloseTo(2.495, 9);
    expect(middle.queueMs).toBeCloseTo(0.5, 9);
  });

  it('takes at least one answer as the slowest, and none from an empty run', () => {
    expect(tailBreakdown([answer(5), answer(7)])!.slowest).toMatchObject({ answers: 1, totalMs: 7 });
    expect(tailBreakdown([])).toBeUndefined();
  });
});
