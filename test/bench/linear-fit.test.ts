import { describe, expect, it } from 'vitest';
import { addedPolicyCostNs, fitCostModel, largestSizeGrowth, positionsOnlyError, type CostPoint } from '../../bench/support/linear-fit.js';

const SIZES = [100, 1_000, 10_000, 100_000];
const COUNTS = [1, 10, 100];
/** Cells of t = c + a·n + b·n·p (ms), optionally bent by `bend`. */
const cells = (bend: (pt: CostPoint) => number = (pt) => pt.ms): CostPoint[] =>
  SIZES.flatMap((positions) => COUNTS.map((policies) => {
    const pt = { positions, policies, ms: 0.01 + (50 * positions + 20 * positions * policies) / 1e6 };
    return { ...pt, ms: bend(pt) };
  }));

describe('the engine\'s cost model (the linear-cost target)', () => {
  it('fits linear cells exactly and finds their coefficients', () => {
    const fit = fitCostModel(cells());
    expect(fit.maxRelativeError).toBeLessThan(1e-9);
    expect(fit.perPositionNs).toBeCloseTo(50, 6);
    expect(fit.perPositionPolicyNs).toBeCloseTo(20, 6);
    expect(positionsOnlyError(cells())).toBeLessThan(1e-9);
  });

  it('finds a largest size that costs more per position, and by how much', () => {
    const slower = cells((pt) => (pt.positions === 100_000 ? pt.ms * 1.5 : pt.ms));
    expect(fitCostModel(slower).maxRelativeError).toBeGreaterThan(0.1);
    const growth = largestSizeGrowth(slower);
    expect(growth.map((g) => [g.policies, g.from, g.to])).toEqual([[1, 10_000, 100_000], [10, 10_000, 100_000], [100, 10_000, 100_000]]);
    // The fixed 0.01 ms weighs a little at 10,000 positions: the ratio is just under 1.5.
    for (const g of growth) expect(g.ratio).toBeGreaterThan(1.45);
    for (const g of largestSizeGrowth(cells())) expect(g.ratio).toBeLessThan(1);
  });

  it('gives what each added policy costs per position, equal steps when policies cost alike', () => {
    expect(addedPolicyCostNs(cells(), 10_000).map((s) => [s.from, s.to, +s.ns.toFixed(6)])).toEqual([[1, 10, 20], [10, 100, 20]]);
    // Policies that share work: the hundred cost 70 % of what the linear model gives.
    const sharing = cells((pt) => (pt.policies === 100 ? pt.ms * 0.7 : pt.ms));
    const [first, second] = addedPolicyCostNs(sharing, 10_000);
    expect(first.ns).toBeCloseTo(20, 6);
    expect(second.ns).toBeLessThan(first.ns);
  });
});
