/** Cost of one engine cell: n positions, p policies of `types` distinct types, t milliseconds. */
export interface CostPoint {
  readonly positions: number;
  readonly policies: number;
  readonly types: number;
  readonly ms: number;
}

export interface CostModel {
  /** t ≈ fixedMs + (perPositionNs·n + perPositionTypeNs·n·types + perPositionPolicyNs·n·p) / 10⁶ */
  readonly fixedMs: number;
  readonly perPositionNs: number;
  /**
   * What the policies of one type share, per position: their groups and columns are built once
   * per request (PortfolioColumns' caches), whatever the number of policies reading them. 0 when
   * fitted without it, or when every cell has the same types (the term is then part of perPositionNs).
   */
  readonly perPositionTypeNs: number;
  readonly perPositionPolicyNs: number;
  /** The largest |fit − measured| / measured over the points. */
  readonly maxRelativeError: number;
}

/**
 * Fits t = c + a·n + d·n·types + b·n·p by least squares on relative errors (each row divided by
 * t, so a 0.02 ms cell counts as much as a 300 ms one). Linear cost means this model fits every
 * cell. `{ byType: false }` fits t = c + a·n + b·n·p, as if every policy cost the same.
 */
export function fitCostModel(points: readonly CostPoint[], { byType = true } = {}): CostModel {
  const withTypes = byType && new Set(points.map((pt) => pt.types)).size > 1;
  const terms = (pt: CostPoint) => [1, pt.positions, pt.positions * pt.policies, ...(withTypes ? [pt.positions * pt.types] : [])];
  const rows = points.map((pt) => terms(pt).map((x) => x / pt.ms));
  const k = rows[0].length;
  // Normal equations AᵀA x = Aᵀ1 (each row's target is t / t = 1).
  const ata = range(k).map((i) => range(k).map((j) => rows.reduce((s, r) => s + r[i] * r[j], 0)));
  const atb = range(k).map((i) => rows.reduce((s, r) => s + r[i], 0));
  const [c, a, b, d = 0] = solveLinear(ata, atb);
  const model = { fixedMs: c, perPositionNs: a * 1e6, perPositionTypeNs: d * 1e6, perPositionPolicyNs: b * 1e6 };
  const maxRelativeError = Math.max(...points.map((pt) => Math.abs(predict(model, pt) - pt.ms) / pt.ms));
  return { ...model, maxRelativeError };
}

/** The model's time (ms) for a cell; a model from before the types term counts it as 0. */
export function predict(model: Omit<CostModel, 'maxRelativeError'>, { positions, policies, types }: Omit<CostPoint, 'ms'>): number {
  const perPositionNs = model.perPositionNs + (model.perPositionTypeNs ?? 0) * types + model.perPositionPolicyNs * policies;
  return model.fixedMs + (perPositionNs * positions) / 1e6;
}

const range = (k: number) => Array.from({ length: k }, (_, i) => i);

/** Gaussian elimination with partial pivoting. */
function solveLinear(matrix: number[][], rhs: number[]): number[] {
  const k = rhs.length;
  const m = matrix.map((row, i) => [...row, rhs[i]]);
  for (let col = 0; col < k; col++) {
    const pivot = range(k).filter((r) => r >= col).reduce((best, r) => (Math.abs(m[r][col]) > Math.abs(m[best][col]) ? r : best));
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const factor = m[r][col] / m[col][col];
      for (let c = col; c <= k; c++) m[r][c] -= factor * m[col][c];
    }
  }
  return m.map((row, i) => row[k] / row[i]);
}
