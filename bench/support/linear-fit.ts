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
  const rows = points.map((pt) => [1 / pt.ms, pt.positions / pt.ms, (pt.positions * pt.policies) / pt.ms]);
  // Normal equations AᵀA x = Aᵀ1 (each row's target is t / t = 1).
  const ata = [0, 1, 2].map((i) => [0, 1, 2].map((j) => rows.reduce((s, r) => s + r[i] * r[j], 0)));
  const atb = [0, 1, 2].map((i) => rows.reduce((s, r) => s + r[i], 0));
  const [c, a, b] = solve3(ata, atb);
  const fitted = (pt: CostPoint) => c + a * pt.positions + b * pt.positions * pt.policies;
  const maxRelativeError = Math.max(...points.map((pt) => Math.abs(fitted(pt) - pt.ms) / pt.ms));
  return { fixedMs: c, perPositionNs: a * 1e6, perPositionPolicyNs: b * 1e6, maxRelativeError };
}

export function predict(model: CostModel, positions: number, policies: number): number {
  return model.fixedMs + (model.perPositionNs * positions + model.perPositionPolicyNs * positions * policies) / 1e6;
}

/** Gaussian elimination with partial pivoting for a 3×3 system. */
function solve3(matrix: number[][], rhs: number[]): number[] {
  const m = matrix.map((row, i) => [...row, rhs[i]]);
  for (let col = 0; col < 3; col++) {
    const pivot = [col, col + 1, col + 2].filter((r) => r < 3).reduce((best, r) => (Math.abs(m[r][col]) > Math.abs(m[best][col]) ? r : best));
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = 0; r < 3; r++) {
      if (r === col) continue;
      const factor = m[r][col] / m[col][col];
      for (let k = col; k < 4; k++) m[r][k] -= factor * m[col][k];
    }
  }
  return m.map((row, i) => row[3] / row[i]);
}
