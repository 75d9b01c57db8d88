/** Cost of one engine cell: n positions, p policies, t milliseconds. */
export interface CostPoint {
  readonly positions: number;
  readonly policies: number;
  readonly ms: number;
}

export interface CostModel {
  /** t ≈ fixedMs + perPositionNs·n + perPositionPolicyNs·n·p */
  readonly fixedMs: number;
  readonly perPositionNs: number;
  readonly perPositionPolicyNs: number;
  /** The largest |fit − measured| / measured over the points. */
  readonly maxRelativeError: number;
}

/**
 * Fits t = c + a·n + b·n·p by least squares on relative errors (each row divided by t, so a
 * 0.02 ms cell counts as much as a 300 ms one). Linear cost means this model fits every cell.
 */
export function fitCostModel(points: readonly CostPoint[]): CostModel {
  const [c, a, b] = fitRelative(points, (pt) => [1, pt.positions, pt.positions * pt.policies]);
  const model = { fixedMs: c, perPositionNs: a * 1e6, perPositionPolicyNs: b * 1e6 };
  return { ...model, maxRelativeError: worstRelativeError(points, (pt) => predict(model, pt.positions, pt.policies)) };
}

/**
 * The worst cell of t = c + s_p·n, a slope of its own for each policy count: what is left once
 * the cost is allowed any shape in policies is how far it is from linear in positions.
 */
export function positionsOnlyError(points: readonly CostPoint[]): number {
  const counts = [...new Set(points.map((pt) => pt.policies))];
  const terms = (pt: CostPoint) => [1, ...counts.map((p) => (pt.policies === p ? pt.positions : 0))];
  const x = fitRelative(points, terms);
  return worstRelativeError(points, (pt) => terms(pt).reduce((sum, term, i) => sum + term * x[i], 0));
}

/**
 * Per policy count, the time per position at the largest size ÷ that at the next size down: at
 * most 1 where the cost is linear in positions (a little under, as the fixed cost weighs less).
 * Counts measured at fewer than two sizes are left out.
 */
export function largestSizeGrowth(points: readonly CostPoint[]): Array<{ policies: number; from: number; to: number; ratio: number }> {
  const counts = [...new Set(points.map((pt) => pt.policies))];
  return counts.flatMap((policies) => {
    const sized = points.filter((pt) => pt.policies === policies).sort((a, b) => a.positions - b.positions);
    if (sized.length < 2) return [];
    const [below, largest] = sized.slice(-2);
    return [{ policies, from: below.positions, to: largest.positions, ratio: largest.ms / largest.positions / (below.ms / below.positions) }];
  });
}

/**
 * At the given size, the time each added policy costs per position, between consecutive policy
 * counts (ns): equal steps where the cost is linear in policies; falling ones where policies
 * share work, or where the added ones are cheaper kinds.
 */
export function addedPolicyCostNs(points: readonly CostPoint[], positions: number): Array<{ from: number; to: number; ns: number }> {
  const sized = points.filter((pt) => pt.positions === positions).sort((a, b) => a.policies - b.policies);
  return sized.slice(1).map((pt, k) => {
    const prev = sized[k];
    return { from: prev.policies, to: pt.policies, ns: ((pt.ms - prev.ms) * 1e6) / (positions * (pt.policies - prev.policies)) };
  });
}

export function predict(model: Omit<CostModel, 'maxRelativeError'>, positions: number, policies: number): number {
  return model.fixedMs + (model.perPositionNs * positions + model.perPositionPolicyNs * positions * policies) / 1e6;
}

/** Least squares of Σ x_i·term_i(pt) ≈ t on relative errors: each row divided by t, target 1. */
function fitRelative(points: readonly CostPoint[], terms: (pt: CostPoint) => number[]): number[] {
  const rows = points.map((pt) => terms(pt).map((term) => term / pt.ms));
  const k = rows[0].length;
  // Normal equations AᵀA x = Aᵀ1.
  const ata = range(k).map((i) => range(k).map((j) => rows.reduce((s, r) => s + r[i] * r[j], 0)));
  const atb = range(k).map((i) => rows.reduce((s, r) => s + r[i], 0));
  return solveLinear(ata, atb);
}

function worstRelativeError(points: readonly CostPoint[], fitted: (pt: CostPoint) => number): number {
  return Math.max(...points.map((pt) => Math.abs(fitted(pt) - pt.ms) / pt.ms));
}

const range = (k: number) => Array.from({ length: k }, (_, i) => i);

/** Gaussian elimination with partial pivoting; throws on a singular system rather than returning NaN. */
function solveLinear(matrix: number[][], rhs: number[]): number[] {
  const k = rhs.length;
  const m = matrix.map((row, i) => [...row, rhs[i]]);
  for (let col = 0; col < k; col++) {
    const pivot = range(k).filter((r) => r >= col).reduce((best, r) => (Math.abs(m[r][col]) > Math.abs(m[best][col]) ? r : best));
    if (m[pivot][col] === 0) throw new Error('the cost model cannot be fitted: its terms are not independent over these cells');
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const factor = m[r][col] / m[col][col];
      for (let c = col; c <= k; c++) m[r][c] -= factor * m[col][c];
    }
  }
  return m.map((row, i) => row[k] / row[i]);
}
