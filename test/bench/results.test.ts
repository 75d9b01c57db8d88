import { describe, expect, it } from 'vitest';
import { median } from '../../bench/support/results.js';

describe('the median the benchmarks report', () => {
  it('is the middle value, the upper middle one for an even count, and leaves its input as it was', () => {
    const values = [30, 10, 20];
    expect(median(values)).toBe(20);
    expect(values).toEqual([30, 10, 20]);
    expect(median([4, 1, 3, 2])).toBe(3);
  });
});
