import type { Affine } from './affine.js';
import { SUPPORT_TAG, type ModelRow, type TradeModel } from './model.js';

/** Rows in compressed sparse row form over a program's columns. */
export interface RowBlock {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly starts: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/** A solver-neutral (mixed-integer) linear programme: minimise costᵀx + offset. */
export interface LinearProgram extends RowBlock {
  readonly numCols: number;
  readonly numRows: number;
  readonly colCost: Float64Array;
  readonly colLower: Float64Array;
  readonly colUpper: Float64Array;
  /** 1 = integer column. */
  readonly integer: Uint8Array;
  readonly offset: number;
}

export interface ModelSize {
  readonly rows: number;
  readonly columns: number;
  readonly nonzeros: number;
}

/** The programme a solver sees, and how its columns map back to the model's. */
export interface ReducedProgram {
  readonly lp: LinearProgram;
  /** Programme column → model column. */
  readonly columns: Int32Array;
  /** Model column → programme column, −1 when the column is fixed outside the programme. */
  readonly programColumn: Int32Array;
  /** A full model vector holding each fixed column's value (programme columns are overwritten). */
  readonly fixed: Float64Array;
  /** Model column = programme column × scale (continuous columns span [−1, 1] in the programme). */
  readonly columnScale: Float64Array;
  readonly rows: readonly ModelRow[];
  /** The full model (every check a row, buy and sell parts per traded symbol) and the reduced one. */
  readonly size: { readonly full: ModelSize; readonly reduced: ModelSize };
}

/** A row can bind when its activity range over the box leaves [lower, upper]. */
function canBind(row: ModelRow, lower: readonly number[], upper: readonly number[]): boolean {
  let low = 0;
  let high = 0;
  for (let k = 0; k < row.cols.length; k++) {
    const a = row.coefs[k] * lower[row.cols[k]];
    const b = row.coefs[k] * upper[row.cols[k]];
    low += Math.min(a, b);
    high += Math.max(a, b);
  }
  return high > row.upper || low < row.lower;
}

/**
 * A row over one column is a bound on it (a symbol's own weight limit while NAV does not move):
 * it tightens the box instead of entering the programme.
 */
function tightenBySingletons(rows: readonly ModelRow[], lower: number[], upper: number[]): void {
  for (const row of rows) {
    if (row.cols.length !== 1 || row.tag === SUPPORT_TAG) continue;
    const c = row.cols[0];
    const a = row.coefs[0];
    const low = (a > 0 ? row.lower : row.upper) / a;
    const high = (a > 0 ? row.upper : row.lower) / a;
    if (low > lower[c]) lower[c] = low;
    if (high < upper[c]) upper[c] = high;
    // q = 0 satisfies every row, so only round-off can cross the bounds.
    if (lower[c] > upper[c]) lower[c] = upper[c];
  }
}

/**
 * Keeps only what can matter: single-column rows become bounds; rows that can bind somewhere on
 * the box, the epigraph rows of the auxiliary columns those rows use, and the columns they (or
 * a cone) touch stay. Every other column is independent of the rest, so it sits at the cheaper
 * end of its box, and needs no solver.
 */
export function reduce(model: TradeModel): ReducedProgram {
  const { cost } = model;
  const lower = [...model.lower];
  const upper = [...model.upper];
  tightenBySingletons(model.rows, lower, upper);
  const n = model.columnCount;
  const kept: ModelRow[] = [];
  const used = new Uint8Array(n);
  for (const row of model.rows) {
    if (row.tag === SUPPORT_TAG || row.cols.length === 1 || !canBind(row, lower, upper)) continue;
    kept.push(row);
    for (const c of row.cols) used[c] = 1;
  }
  for (const row of model.rows) {
    if (row.tag === SUPPORT_TAG && row.defines !== undefined && used[row.defines]) {
      kept.push(row);
      for (const c of row.cols) used[c] = 1;
    }
  }
  for (const cone of model.cones) for (const c of cone.columns) used[c] = 1;

  const fixed = new Float64Array(n);
  const programColumn = new Int32Array(n).fill(-1);
  const columnScale = new Float64Array(n).fill(1);
  const columns: number[] = [];
  for (let c = 0; c < n; c++) {
    if (used[c]) {
      programColumn[c] = columns.length;
      columns.push(c);
      // Quantities run to thousands with costs of mark/NAV (1e-8 and less): scaled to their box,
      // every column is O(1), so neither solver mistakes a real reduced cost for round-off.
      const extent = Math.max(Math.abs(lower[c]), Math.abs(upper[c]));
      if (!model.integer[c] && Number.isFinite(extent) && extent > 0) columnScale[c] = extent;
    } else {
      fixed[c] = cost[c] > 0 ? lower[c] : cost[c] < 0 ? upper[c] : Math.min(Math.max(0, lower[c]), upper[c]);
    }
  }
  const block = toRowBlock(kept.map((row) => ({ cols: row.cols, coefs: row.coefs, lower: row.lower, upper: row.upper })), programColumn, columnScale);
  let offset = model.offset;
  for (let c = 0; c < n; c++) if (!used[c]) offset += cost[c] * fixed[c];
  const colCost = Float64Array.from(columns, (c) => cost[c] * columnScale[c]);
  // The objective scaled to a largest cost of 1, for the same reason (it only changes its unit).
  const largestCost = colCost.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const objectiveScale = largestCost > 0 ? 1 / largestCost : 1;
  for (let j = 0; j < colCost.length; j++) colCost[j] *= objectiveScale;
  const lp: LinearProgram = {
    numCols: columns.length,
    numRows: kept.length,
    colCost,
    colLower: Float64Array.from(columns, (c) => lower[c] / columnScale[c]),
    colUpper: Float64Array.from(columns, (c) => upper[c] / columnScale[c]),
    integer: Uint8Array.from(columns, (c) => (model.integer[c] ? 1 : 0)),
    ...block,
    offset: offset * objectiveScale,
  };
  const fullNonzeros = model.rows.reduce((sum, row) => sum + row.cols.length, 0);
  return {
    lp,
    columns: Int32Array.from(columns),
    programColumn,
    fixed,
    columnScale,
    rows: kept,
    size: {
      full: { rows: Math.max(model.fullRows, model.rows.length), columns: 2 * model.tradeCount + (n - model.tradeCount), nonzeros: fullNonzeros },
      reduced: { rows: lp.numRows, columns: lp.numCols, nonzeros: lp.indices.length },
    },
  };
}

/**
 * Below this a scaled coefficient or bound is round-off (columns span [−1, 1] and the largest
 * coefficient of a row is 1): kept, it only makes one solver call a model infeasible that the
 * other solves (values like 1e-216 from positions of 1e-300 units).
 */
const NEGLIGIBLE = 1e-13;

/** Rows over model columns → scaled CSR over programme columns (every column must be in the programme). */
export function toRowBlock(
  rows: ReadonlyArray<{ cols: ArrayLike<number>; coefs: ArrayLike<number>; lower: number; upper: number }>,
  programColumn: Int32Array,
  columnScale: Float64Array,
): RowBlock {
  const starts = new Int32Array(rows.length + 1);
  const nonzeros = rows.reduce((sum, row) => sum + row.cols.length, 0);
  const indices = new Int32Array(nonzeros);
  const values = new Float64Array(nonzeros);
  const lower = new Float64Array(rows.length);
  const upper = new Float64Array(rows.length);
  let at = 0;
  rows.forEach((row, r) => {
    // Each row scaled to a largest coefficient of 1: solvers drop coefficients below ~1e-9
    // (HiGHS's small_matrix_value), and weights of small holdings in a large NAV are that small.
    let largest = 0;
    for (let k = 0; k < row.cols.length; k++) largest = Math.max(largest, Math.abs(row.coefs[k] * columnScale[row.cols[k]]));
    const scale = largest > 0 ? 1 / largest : 1;
    for (let k = 0; k < row.cols.length; k++) {
      const value = row.coefs[k] * columnScale[row.cols[k]] * scale;
      if (Math.abs(value) < NEGLIGIBLE) continue;
      indices[at] = programColumn[row.cols[k]];
      values[at++] = value;
    }
    starts[r + 1] = at;
    lower[r] = Math.abs(row.lower * scale) < NEGLIGIBLE ? 0 : row.lower * scale;
    upper[r] = Math.abs(row.upper * scale) < NEGLIGIBLE ? 0 : row.upper * scale;
  });
  return { lower, upper, starts, indices: indices.slice(0, at), values: values.slice(0, at) };
}

/** A cut (expr ≤ 0 over model columns) as one CSR row over the programme's columns. */
export function cutRow(cut: Affine, program: ReducedProgram): RowBlock {
  const merged = new Map<number, number>();
  let constant = cut.constant;
  for (let k = 0; k < cut.cols.length; k++) {
    const c = cut.cols[k];
    if (program.programColumn[c] < 0) constant += cut.coefs[k] * program.fixed[c];
    else merged.set(c, (merged.get(c) ?? 0) + cut.coefs[k]);
  }
  return toRowBlock([{ cols: [...merged.keys()], coefs: [...merged.values()], lower: Number.NEGATIVE_INFINITY, upper: -constant }], program.programColumn, program.columnScale);
}

/** The full model vector for a programme solution. */
export function expand(program: ReducedProgram, x: ArrayLike<number>): Float64Array {
  const full = Float64Array.from(program.fixed);
  for (let j = 0; j < program.columns.length; j++) full[program.columns[j]] = x[j] * program.columnScale[program.columns[j]];
  return full;
}
