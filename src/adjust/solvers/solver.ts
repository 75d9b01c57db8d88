import type { LinearProgram, RowBlock } from '../program.js';

export type SolverName = 'highs' | 'glpk';
/** A solver that answered: one of those, or the exact one-row solver HiGHS hands its commonest programmes to. */
export type ProgramSolverName = SolverName | 'single-row';

/**
 * How a solve ended: optimal, or feasible (a MIP stopped at its time limit with an incumbent).
 * The others become recommendations, never an HTTP error.
 */
export type SolveStatus = 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'failed';

/**
 * Safety valves, not expected to bind (the reduced models solve in milliseconds): a pathological
 * MIP (e.g. an equality over whole lots) settles for its incumbent instead of stalling a worker.
 */
export const LP_SECONDS = 2;
export const MIP_SECONDS = 1;

export interface SolveResult {
  readonly status: SolveStatus;
  /** Column values (optimal or feasible). */
  readonly x?: Float64Array;
  /** Objective including the offset (optimal or feasible). */
  readonly objective?: number;
  /** What went wrong, for the logs and the recommendation. */
  readonly detail?: string;
}

/** One programme kept open for re-solves after rows are added (cutting planes). */
export interface SolverSession {
  solve(): SolveResult;
  addRows(rows: RowBlock): void;
  /** Frees the solver's native memory; the session is unusable afterwards. */
  close(): void;
}

export interface Solver {
  readonly name: ProgramSolverName;
  open(lp: LinearProgram): SolverSession;
}

/** Whether a programme has integer columns (then it is a MIP). */
export const isMixedInteger = (lp: LinearProgram): boolean => lp.integer.some((flag) => flag === 1);
