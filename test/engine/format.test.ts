import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amount, decimal, percent } from '../../src/engine/format.js';

describe('number formats in violation texts and recommendations', () => {
  it('write amounts with thousands separators and up to two decimals', () => {
    expect(amount(1234567.891)).toBe('1,234,567.89');
    expect(amount(-300)).toBe('-300');
    expect(amount(0.005)).toBe('0.01');
  });

  it('write decimals without grouping and with up to four decimals', () => {
    expect(decimal(1234567)).toBe('1234567');
    expect(decimal(1.23456)).toBe('1.2346');
    expect(decimal(0.5)).toBe('0.5');
  });

  it('write percentages with two decimals, and a negative zero as 0.00%', () => {
    expect(percent(0.124)).toBe('12.40%');
    expect(percent(-0.00001)).toBe('0.00%');
  });

  it('match toLocaleString in en-US with the same options on any double', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        expect(amount(value)).toBe(value.toLocaleString('en-US', { maximumFractionDigits: 2 }));
        expect(decimal(value)).toBe(value.toLocaleString('en-US', { maximumFractionDigits: 4, useGrouping: false }));
      }),
      { numRuns: 2_000 },
    );
  });
});
