import { describe, expect, it } from 'vitest';
import { timeThreadRoundTrips } from '../../bench/support/thread-round-trip.js';

describe('the thread round trips the suite times beside the reference task', () => {
  it('gives median round trips in µs, back to back and after idling', async () => {
    const { backToBackUs, afterIdleUs } = await timeThreadRoundTrips();
    // A round trip is at least a few µs and, on any machine the suite runs on, far below 100 ms.
    for (const us of [backToBackUs, afterIdleUs]) {
      expect(Number.isFinite(us)).toBe(true);
      expect(us).toBeGreaterThan(1);
      expect(us).toBeLessThan(100_000);
    }
  });
});
