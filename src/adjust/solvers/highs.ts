import { createRequire } from 'node:module';
import type { Highs, Model, ModelData } from 'highs';
import type { LinearProgram, RowBlock } from '../program.js';
import { LP_SECONDS, MIP_SECONDS, isMixedInteger, type SolveResult, type Solver, type SolverSession } from './solver.js';

// The package's types describe its CommonJS build, whose export is the loader itself.
const highsLoader = createRequire(import.meta.url)('highs') as () => Promise<Highs>;

/** Loaded once per thread (≈40 ms) and reused: a fresh instance per solve costs 15–30 ms. */
let loading: Promise<Highs> | undefined;
export function loadHighs(): Promise<Highs> {
  loading ??= highsLoader();
  return loading as Promise<Highs>;
}

/** Time limits of a solve (tests shorten them). */
export interface SolveLimits {
  readonly lpSeconds: number;
  readonly mipSeconds: number;
}

/**
 * Matrix entries below this are kept in cut rows (HiGHS drops them otherwise). The programme
 * itself is passed at HiGHS's default (1e-9): kept, entries of 1e-12 made the MIP of a UCITS limit
 * of 5e-10 miss its optimum by 1.7 % of NAV (adjustment property test, seed 135073747).
 */
const CUT_SMALL_MATRIX_VALUE = 1e-12;

/**
 * Options for every run. Presolve is off for LPs (the reduced models are small: presolve costs
 * more than it saves, PERFORMANCE-NOTES.md) and on for MIPs; tolerances are tightened so that a
 * solution on a limit stays within the engine's 1e-9, and MIPs are solved to optimality.
 */
function options(mixedInteger: boolean, limits: SolveLimits) {
  return {
    output_flag: false,
    presolve: mixedInteger ? 'on' : 'off',
    primal_feasibility_tolerance: 1e-10,
    dual_feasibility_tolerance: 1e-10,
    mip_feasibility_tolerance: 1e-9,
    mip_rel_gap: 0,
    mip_abs_gap: 1e-12,
    time_limit: mixedInteger ? limits.mipSeconds : limits.lpSeconds,
  } as const;
}

function toModelData(highs: Highs, lp: LinearProgram): ModelData {
  const mixedInteger = isMixedInteger(lp);
  return {
    numCols: lp.numCols,
    numRows: lp.numRows,
    sense: highs.constants.objectiveSense.minimize,
    offset: lp.offset,
    colCost: lp.colCost,
    colLower: lp.colLower,
    colUpper: lp.colUpper,
    rowLower: lp.lower,
    rowUpper: lp.upper,
    matrix: { format: 'csr', numRows: lp.numRows, numCols: lp.numCols, starts: lp.starts, indices: lp.indices, values: lp.values },
    ...(mixedInteger ? { integrality: Int32Array.from(lp.integer) } : {}),
  };
}

/**
 * HiGHS through its model API: typed-array CSR in, a persistent model kept for re-solves.
 *
 * The native instances are reused, one per option set: creating one and setting its options
 * took ~180 µs of the ~360 µs a small LP cost; passing the next model to a kept one takes ~10 µs.
 * Between programmes an instance is emptied with releaseMemory(), which also resets the clocks
 * that time_limit reads. clearModel() leaves them running: reused that way, after 0.05 s of
 * solves in all every run stopped at a 0.05 s limit.
 */
const DEFAULT_LIMITS: SolveLimits = { lpSeconds: LP_SECONDS, mipSeconds: MIP_SECONDS };

export function highsSolver(highs: Highs, limits: SolveLimits = DEFAULT_LIMITS): Solver {
  const status = highs.constants.modelStatus;
  const idle: { lp?: Model; mip?: Model } = {};
  let defaultSmallMatrixValue: number | undefined;
  /** HiGHS's own default, read from the first instance before anything changes it. */
  const passedSmallMatrixValue = (model: Model): number => (defaultSmallMatrixValue ??= model.options.get('small_matrix_value') as number);
  return {
    name: 'highs',
    open(lp: LinearProgram): SolverSession {
      const mixedInteger = isMixedInteger(lp);
      const kind = mixedInteger ? 'mip' : 'lp';
      // Sessions run one after another on a thread; should one still be open, this one gets its own.
      let model = idle[kind];
      idle[kind] = undefined;
      let healthy = true;
      try {
        if (!model) {
          model = highs.createModel();
          model.options.set(options(mixedInteger, limits));
        }
        model.options.set({ small_matrix_value: passedSmallMatrixValue(model) });
        model.passModel(toModelData(highs, lp));
        model.options.set({ small_matrix_value: CUT_SMALL_MATRIX_VALUE });
      } catch (error) {
        model?.dispose();
        throw error;
      }
      const session = model;
      return {
        solve(): SolveResult {
          // Nothing to optimise (every column fixed by the reduction): HiGHS would not report optimal.
          if (lp.numCols === 0) return { status: 'optimal', x: new Float64Array(0), objective: lp.offset };
          try {
            const { modelStatus } = session.run();
            if (modelStatus === status.optimal) {
              return { status: 'optimal', x: session.getSolution().colValue, objective: session.getObjectiveValue() };
            }
            if (modelStatus === status.timeLimit && mixedInteger && session.info.get('primal_solution_status') === highs.constants.solutionStatus.feasible) {
              return { status: 'feasible', x: session.getSolution().colValue, objective: session.getObjectiveValue() };
            }
            if (modelStatus === status.infeasible) return { status: 'infeasible' };
            if (modelStatus === status.unbounded) return { status: 'unbounded' };
            return { status: 'failed', detail: `HiGHS model status ${modelStatus}` };
          } catch (error) {
            healthy = false;
            return { status: 'failed', detail: `HiGHS: ${(error as Error).message}` };
          }
        },
        addRows(rows: RowBlock): void {
          const count = rows.lower.length;
          try {
            session.addRows({
              lower: rows.lower,
              upper: rows.upper,
              matrix: { format: 'csr', numRows: count, numCols: lp.numCols, starts: rows.starts, indices: rows.indices, values: rows.values },
            });
          } catch (error) {
            healthy = false;
            throw error;
          }
        },
        close(): void {
          // An instance that threw is not trusted with the next programme.
          if (healthy && !idle[kind]) {
            try {
              session.releaseMemory();
              idle[kind] = session;
              return;
            } catch {
              // fall through: dispose it
            }
          }
          session.dispose();
        },
      };
    },
  };
}

/** What a text solve changes from the model API's options. */
export interface TextSolveOptions {
  readonly mixedInteger?: boolean;
  /** Tests turn MIP presolve off to tell its known defects from a wrong translation. */
  readonly presolve?: 'on' | 'off';
  readonly limits?: SolveLimits;
}

/**
 * HiGHS through CPLEX LP text (parsed per solve): kept to measure against the model API, so it
 * runs with the model API's options. With HiGHS's default dual tolerance (1e-7) it stopped short
 * on a programme whose costs are ~1e-6 (solver property test, seed 983562405).
 */
export function solveHighsText(highs: Highs, text: string, numCols: number, { mixedInteger = false, presolve, limits = DEFAULT_LIMITS }: TextSolveOptions = {}): SolveResult {
  const solution = highs.solve(text, { ...options(mixedInteger, limits), ...(presolve ? { presolve } : {}) });
  if (solution.Status !== 'Optimal') {
    if (solution.Status === 'Infeasible') return { status: 'infeasible' };
    if (solution.Status === 'Unbounded') return { status: 'unbounded' };
    return { status: 'failed', detail: `HiGHS: ${solution.Status}` };
  }
  const x = new Float64Array(numCols);
  for (let j = 0; j < numCols; j++) x[j] = solution.Columns[`x${j}`]?.Primal ?? 0;
  return { status: 'optimal', x, objective: solution.ObjectiveValue };
}
