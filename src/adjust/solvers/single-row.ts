import type { LinearProgram } from '../program.js';
import type { SolveResult, Solver } from './solver.js';

/**
 * An exact solver for the commonest reduced programme: one row, boxed continuous columns
 * (min cᵀx, L ≤ aᵀx ≤ U, l ≤ x ≤ u). A decision usually breaks one limit, and HiGHS spent
 * ~0.19 ms on such a programme, most of a 100-position violating request's adjustment.
 *
 * Each column starts at the end of its box its cost prefers. If the row's activity is then
 * outside [L, U], the excess is taken off column by column, cheapest per unit of activity first,
 * the last one partly: the fractional knapsack, optimal for a single row by LP duality (one
 * multiplier for the row; every column but one at the end of its box its reduced cost prefers).
 */
export const singleRowSolver: Solver = {
  name: 'single-row',
  open(lp) {
    if (!isSingleRow(lp)) throw new Error('the single-row solver takes one row over boxed continuous columns');
    return {
      solve: () => solveSingleRow(lp),
      addRows: () => {
        throw new Error('the single-row solver cannot add rows');
      },
      close: () => undefined,
    };
  },
};

/** Whether the programme is one row over finite, continuous columns. */
export function isSingleRow(lp: LinearProgram): boolean {
  if (lp.numRows !== 1 || lp.numCols === 0) return false;
  for (let j = 0; j < lp.numCols; j++) {
    if (lp.integer[j] || !Number.isFinite(lp.colLower[j]) || !Number.isFinite(lp.colUpper[j]) || lp.colLower[j] > lp.colUpper[j]) return false;
  }
  return true;
}

/**
 * Past its bound by more than this, a row is infeasible: HiGHS's primal feasibility tolerance
 * here (solvers/highs.ts), absolute, as the reduced programmes' rows and columns are scaled to O(1).
 */
const FEASIBILITY = 1e-10;

function solveSingleRow(lp: LinearProgram): SolveResult {
  const n = lp.numCols;
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) x[j] = lp.colCost[j] < 0 ? lp.colUpper[j] : lp.colCost[j] > 0 ? lp.colLower[j] : clamp(0, lp.colLower[j], lp.colUpper[j]);
  const coefficient = new Float64Array(n);
  for (let k = lp.starts[0]; k < lp.starts[1]; k++) coefficient[lp.indices[k]] += lp.values[k];
  let activity = 0;
  for (let j = 0; j < n; j++) activity += coefficient[j] * x[j];
  const [lower, upper] = [lp.lower[0], lp.upper[0]];
  if (!(lower <= upper) || lower === Infinity || upper === -Infinity) return { status: 'infeasible' };
  if (activity > upper) {
    if (!moveActivity(lp, coefficient, x, activity - upper, -1)) return { status: 'infeasible' };
  } else if (activity < lower) {
    if (!moveActivity(lp, coefficient, x, lower - activity, 1)) return { status: 'infeasible' };
  }
  let objective = lp.offset;
  for (let j = 0; j < n; j++) objective += lp.colCost[j] * x[j];
  return { status: 'optimal', x, objective };
}

/**
 * Moves the row's activity by `amount` in `direction` (±1) at the least cost: columns in order of
 * cost per unit of activity, each to the far end of its box, the last one as far as needed.
 * False when even every column at its far end falls short.
 */
function moveActivity(lp: LinearProgram, coefficient: Float64Array, x: Float64Array, amount: number, direction: 1 | -1): boolean {
  const movers: Array<{ column: number; step: number; capacity: number; price: number }> = [];
  for (let j = 0; j < lp.numCols; j++) {
    const a = coefficient[j];
    if (a === 0) continue;
    // The way x_j must go for the activity to move in `direction`, and how far its box lets it.
    const step = Math.sign(a) * direction;
    const room = step > 0 ? lp.colUpper[j] - x[j] : x[j] - lp.colLower[j];
    if (room <= 0) continue;
    movers.push({ column: j, step, capacity: room * Math.abs(a), price: (lp.colCost[j] * step) / Math.abs(a) });
  }
  movers.sort((p, q) => p.price - q.price || p.column - q.column);
  let left = amount;
  for (const { column, step, capacity } of movers) {
    if (capacity >= left) {
      // The last mover goes only part of its room: exactly to the bound, not past it by round-off.
      x[column] = clamp(x[column] + (step * left) / Math.abs(coefficient[column]), lp.colLower[column], lp.colUpper[column]);
      return true;
    }
    x[column] = step > 0 ? lp.colUpper[column] : lp.colLower[column];
    left -= capacity;
  }
  return left <= FEASIBILITY;
}

const clamp = (v: number, low: number, high: number) => Math.min(Math.max(v, low), high);
