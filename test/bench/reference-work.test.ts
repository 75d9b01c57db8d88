import { describe, expect, it } from 'vitest';
import { referenceWork, timeReferenceWork } from '../../bench/support/reference-work.js';

describe('the reference task that measures the machine', () => {
  it('does the same work every time: its checksum never changes', () => {
    const first = referenceWork();
    expect(first).toBeGreaterThan(0);
    expect(referenceWork()).toBe(first);
  });

  it('reports a median between the fastest and the slowest of its timings', () => {
    const timing = timeReferenceWork(3);
    expect(timing.minMs).toBeGreaterThan(0);
    expect(timing.minMs).toBeLessThanOrEqual(timing.medianMs);
    expect(timing.medianMs).toBeLessThanOrEqual(timing.maxMs);
  });
});
