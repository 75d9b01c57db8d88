import { describe, expect, it } from 'vitest';
import { timeThreadRoundTrips } from '../../bench/support/thread-round-trip.js';

describe('the thread round trips the suite times beside the reference task', () => {
  it('returns two round trips in µs, each finite and in a plausible range', async () => {
    const { backToBackUs, afterIdleUs } = await timeThreadRoundTrips();
    // At least a few µs, and far below 20 ms on any machine the suite runs on: a figure in ms or in ns would fall outside.
    for (const us of [backToBackUs, afterIdleUs]) {
      expect(Number.isFinite(us)).toBe(true);
      expect(us).toBeGreaterThan(1);
      expect(us).toBeLessThan(20_000);
    }
  });

  it('rejects, rather than hang the suite, when the thread fails or ends without answering', async () => {
    await expect(timeThreadRoundTrips("throw new Error('broken echo')")).rejects.toThrow('broken echo');
    await expect(timeThreadRoundTrips('process.exit(3)')).rejects.toThrow('the echo thread exited (3) before answering');
  });
});
