import { describe, expect, it } from 'vitest';
import { uuidV7 } from '../src/uuid-v7.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const timeOf = (id: string) => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('uuidV7', () => {
  it('is a version 7, RFC 9562 variant UUID carrying its millisecond time', () => {
    const ms = Date.UTC(2026, 11, 6, 12, 0, 0, 123);
    const id = uuidV7(ms);
    expect(id).toMatch(V7);
    expect(timeOf(id)).toBe(ms);
    expect(timeOf(uuidV7(0))).toBe(0);
    expect(timeOf(uuidV7(2 ** 48 - 1))).toBe(2 ** 48 - 1);
  });

  it('sorts ids of a later millisecond after those of an earlier one, as text and as bytes', () => {
    const earlier = Array.from({ length: 200 }, () => uuidV7(1_700_000_000_000));
    const later = Array.from({ length: 200 }, () => uuidV7(1_700_000_000_001));
    const lastEarlier = earlier.reduce((a, b) => (a > b ? a : b));
    const firstLater = later.reduce((a, b) => (a < b ? a : b));
    expect(lastEarlier < firstLater).toBe(true);
    expect(Buffer.compare(Buffer.from(lastEarlier.replace(/-/g, ''), 'hex'), Buffer.from(firstLater.replace(/-/g, ''), 'hex'))).toBe(-1);
  });

  it('draws the rest at random: ids of one millisecond differ', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => uuidV7(1_700_000_000_000)));
    expect(ids.size).toBe(10_000);
  });

  it('refuses a time that does not fit in 48 bits', () => {
    for (const ms of [-1, 2 ** 48, 1.5, Number.NaN]) expect(() => uuidV7(ms)).toThrow(RangeError);
  });
});
