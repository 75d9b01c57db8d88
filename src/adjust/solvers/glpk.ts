import GLPK, { type GLPK as Glpk, type LP } from 'glpk.js/node';
import type { LinearProgram, RowBlock } from '../program.js';
import { LP_SECONDS, MIP_SECONDS, isMixedInteger, type SolveResult, type Solver, type SolverSession } from './solver.js';

let loading: Promise<Glpk> | undefined;
/** glpk.js loads once per thread, on first use: it is the second solver. */
export function loadGlpk(): Promise<Glpk> {
  loading ??= GLPK();
  return loading as Promise<Glpk>;
}

/** A GLPK error aborts its WebAssembly instance for good: the next solve loads a fresh one. */
function discardAfterAbort(error: unknown): void {
  if ((error as Error)?.name === 'RuntimeError' || String((error as Error)?.message).includes('Aborted')) loading = undefined;
}

/** GLPK bound type for lower ≤ v ≤ upper. */
function bounds(glpk: Glpk, lower: number, upper: number): { type: number; lb: number; ub: number } {
  const hasLower = lower !== Number.NEGATIVE_INFINITY;
  const hasUpper = upper !== Number.POSITIVE_INFINITY;
  if (hasLower && hasUpper) return { type: lower === upper ? glpk.GLP_FX : glpk.GLP_DB, lb: lower, ub: upper };
  if (hasLower) return { type: glpk.GLP_LO, lb: lower, ub: 0 };
  if (hasUpper) return { type: glpk.GLP_UP, lb: 0, ub: upper };
  return { type: glpk.GLP_FR, lb: 0, ub: 0 };
}

/**
 * Rows as GLPK constraints. A row without coefficients is left out (GLPK's scaling aborts on
 * one): it holds when 0 is within its bounds, and `emptyInfeasible` records when it is not.
 */
function rowsOf(glpk: Glpk, rows: RowBlock, first: number, state: { emptyInfeasible: boolean }): LP['subjectTo'] {
  const out: LP['subjectTo'] = [];
  for (let r = 0; r < rows.lower.length; r++) {
    if (rows.starts[r] === rows.starts[r + 1]) {
      if (rows.lower[r] > 0 || rows.upper[r] < 0) state.emptyInfeasible = true;
      continue;
    }
    const vars = [];
    for (let k = rows.starts[r]; k < rows.starts[r + 1]; k++) vars.push({ name: `x${rows.indices[k]}`, coef: rows.values[k] });
    out.push({ name: `r${first + r}`, vars, bnds: bounds(glpk, rows.lower[r], rows.upper[r]) });
  }
  return out;
}

/**
 * glpk.js through its JSON model (it has no persistent model: each solve rebuilds the problem).
 * LPs run without presolve (faster on small models, and it reports infeasibility precisely);
 * MIPs need it, since glp_intopt without presolve expects an LP basis glpk.js never computes.
 */
export function glpkSolver(glpk: Glpk): Solver {
  return {
    name: 'glpk',
    open(lp: LinearProgram): SolverSession {
      const mixedInteger = isMixedInteger(lp);
      const names = Array.from({ length: lp.numCols }, (_, j) => `x${j}`);
      const state = { emptyInfeasible: false };
      const subjectTo = rowsOf(glpk, lp, 0, state);
      const problem: LP = {
        name: 'adjustment',
        objective: { direction: glpk.GLP_MIN, name: 'distance', vars: names.map((name, j) => ({ name, coef: lp.colCost[j] })) },
        subjectTo,
        bounds: names.map((name, j) => ({ name, ...bounds(glpk, lp.colLower[j], lp.colUpper[j]) })),
        generals: names.filter((_, j) => lp.integer[j] === 1),
      };
      return {
        solve(): SolveResult {
          if (state.emptyInfeasible) return { status: 'infeasible' };
          // GLPK aborts on a problem without columns; with only empty rows left it is solved.
          if (lp.numCols === 0) return { status: 'optimal', x: new Float64Array(0), objective: lp.offset };
          try {
            const tmlim = mixedInteger ? MIP_SECONDS : LP_SECONDS;
            const { result } = glpk.solve(problem, { msglev: glpk.GLP_MSG_OFF, presol: mixedInteger, mipgap: 0, tmlim });
            if (result.status === glpk.GLP_OPT || (mixedInteger && result.status === glpk.GLP_FEAS)) {
              const x = Float64Array.from(names, (name) => result.vars[name] ?? 0);
              return { status: result.status === glpk.GLP_OPT ? 'optimal' : 'feasible', x, objective: result.z + lp.offset };
            }
            if (result.status === glpk.GLP_NOFEAS || result.status === glpk.GLP_INFEAS) return { status: 'infeasible' };
            if (result.status === glpk.GLP_UNBND) return { status: 'unbounded' };
            return { status: 'failed', detail: `GLPK status ${result.status}` };
          } catch (error) {
            discardAfterAbort(error);
            return { status: 'failed', detail: `GLPK: ${(error as Error).message}` };
          }
        },
        addRows(rows: RowBlock): void {
          subjectTo.push(...rowsOf(glpk, rows, subjectTo.length, state));
        },
        close(): void {},
      };
    },
  };
}
