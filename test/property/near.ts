import fc from 'fast-check';

/**
 * Limits drawn near values the portfolio actually has, so that both sides of every boundary are
 * hit often: exactly at a value, within and just beyond the 1e-9 tolerance, at the severity band
 * edges (a value 10 % and 50 % above the limit) and a little either side; sometimes anywhere.
 */
const FACTORS = [0.5, 0.9, 0.95, 0.999, 1.001, 1.05, 1.1, 1.5, 2, 1 / 1.1, 1 / 1.5];
const OFFSETS = [-3e-9, -5e-10, 5e-10, 3e-9];

export function near(values: number[], anywhere: fc.Arbitrary<number>): fc.Arbitrary<number> {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return anywhere;
  const value = fc.constantFrom(...finite);
  return fc.oneof(
    { weight: 3, arbitrary: value },
    { weight: 4, arbitrary: fc.tuple(value, fc.constantFrom(...FACTORS)).map(([v, f]) => v * f) },
    { weight: 2, arbitrary: fc.tuple(value, fc.constantFrom(...OFFSETS)).map(([v, d]) => v + d) },
    { weight: 2, arbitrary: anywhere },
  );
}

/** A non-negative limit near the values. */
export const nearNonNegative = (values: number[], anywhere: fc.Arbitrary<number>) => near(values, anywhere).map((v) => Math.abs(v));

/** A fraction in [0, 1] near the values. */
export const nearFraction = (values: number[]) =>
  nearNonNegative(values, fc.double({ min: 0, max: 1, noNaN: true })).map((v) => Math.min(1, v));

export const fraction = (max = 1) => fc.double({ min: 0, max, noNaN: true });
