import { TOLERANCE } from '../engine/checks.js';
import type { TradeModel } from './model.js';
import { cutRow, expand, reduce, type ModelSize, type ReducedProgram } from './program.js';
import { glpkSolver, loadGlpk } from './solvers/glpk.js';
import { highsSolver, loadHighs } from './solvers/highs.js';
import { isSingleRow, singleRowSolver } from './solvers/single-row.js';
import type { ProgramSolverName, SolveStatus, Solver, SolverName } from './solvers/solver.js';

/** Cutting-plane rounds before settling for the best feasible point found on the way. */
const MAX_CUT_ROUNDS = 50;
/** A cone counts as met within a quarter of the engine's tolerance (its limit already has half). */
export const CONE_TOLERANCE = TOLERANCE / 4;

export interface ModelSolution {
  readonly status: SolveStatus;
  /** Full model vector (trade columns first), when optimal or feasible. */
  readonly x?: Float64Array;
  /** Objective in units of NAV₀. */
  readonly objective?: number;
  readonly solver: ProgramSolverName;
  /** Tangent cuts added for cones (hhi, volatility, VaR). */
  readonly cuts: number;
  readonly size: { readonly full: ModelSize; readonly reduced: ModelSize };
  readonly detail?: string;
}

/** This thread's HiGHS solver: it keeps its native instances between solves. */
let highs: Solver | undefined;

async function solverNamed(name: SolverName): Promise<Solver> {
  if (name === 'glpk') return glpkSolver(await loadGlpk());
  highs ??= highsSolver(await loadHighs());
  return highs;
}

/**
 * Solves the model with HiGHS, or with GLPK when HiGHS fails (or when `solver` asks for it).
 * Infeasible and unbounded are answers, not failures: they are not retried. A programme of one
 * row over boxed continuous columns with no cone (whose cuts would add rows) is solved exactly
 * without HiGHS (solvers/single-row.ts); GLPK, asked for by name, still solves it, and the
 * tests hold the two to the same optimum. q = 0 is feasible in every model, so the exact solver
 * can call one infeasible only by round-off: HiGHS then solves it.
 */
export async function solveModel(model: TradeModel, solver: SolverName = 'highs'): Promise<ModelSolution> {
  const program = reduce(model);
  if (solver === 'highs' && model.cones.length === 0 && isSingleRow(program.lp)) {
    const exact = solveProgram(model, program, singleRowSolver);
    if (exact.status === 'optimal') return exact;
  }
  const first = solveProgram(model, program, await solverNamed(solver));
  if (first.status !== 'failed' || solver === 'glpk') return first;
  const second = solveProgram(model, program, await solverNamed('glpk'));
  return second.status === 'failed' ? { ...second, detail: `${first.detail}; ${second.detail}` } : second;
}

function objectiveOf(model: TradeModel, x: ArrayLike<number>): number {
  let value = model.offset;
  for (let c = 0; c < model.columnCount; c++) value += model.cost[c] * x[c];
  return value;
}

/**
 * Solve, then cut: while a cone is violated at the optimum, add its tangent at that point and
 * re-solve (warm, on the open model). Each round also scales the trades back along the ray to
 * q = 0 (feasible) until every cone holds: a feasible incumbent whose objective, against the
 * LP bound, says when to stop early.
 */
function solveProgram(model: TradeModel, program: ReducedProgram, solver: Solver): ModelSolution {
  const base = { solver: solver.name, size: program.size };
  if (program.lp.numCols === 0) return { ...base, status: 'optimal', x: expand(program, []), objective: objectiveOf(model, program.fixed), cuts: 0 };
  let session;
  try {
    session = solver.open(program.lp);
  } catch (error) {
    return { ...base, status: 'failed', cuts: 0, detail: `${solver.name}: ${(error as Error).message}` };
  }
  let cuts = 0;
  let incumbent: { x: Float64Array; objective: number } | undefined;
  try {
    for (let round = 0; ; round++) {
      const result = session.solve();
      if (!result.x) return { ...base, status: result.status, cuts, ...(result.detail ? { detail: result.detail } : {}) };
      const x = expand(program, result.x);
      const violated = model.cones.filter((cone) => cone.metricAt(x) > cone.limit + CONE_TOLERANCE);
      if (violated.length === 0) return { ...base, status: result.status, x, objective: objectiveOf(model, x), cuts };
      const scale = Math.min(...model.cones.map((cone) => cone.boundary(x)));
      const candidate = Float64Array.from(x);
      for (let c = 0; c < model.tradeCount; c++) candidate[c] *= scale;
      const candidateObjective = objectiveOf(model, candidate);
      if (!incumbent || candidateObjective < incumbent.objective) incumbent = { x: candidate, objective: candidateObjective };
      const bound = objectiveOf(model, x);
      if (incumbent.objective - bound <= 1e-10 + 1e-9 * Math.abs(bound) || round >= MAX_CUT_ROUNDS) {
        return { ...base, status: 'feasible', x: incumbent.x, objective: incumbent.objective, cuts };
      }
      for (const cone of violated) {
        session.addRows(cutRow(cone.cut(x), program));
        cuts++;
      }
    }
  } finally {
    session.close();
  }
}
