import type { Evaluation } from '../engine/evaluate.js';
import type { PortfolioColumns } from '../engine/portfolio.js';
import type { CompiledPolicy, CompiledPolicySet } from '../policies/compile.js';
import type { ValidationRequest } from '../schemas/validation.js';
import { LinearizeContext } from './constraints/context.js';
import { LINEARIZERS } from './constraints/registry.js';
import { LOOSE, addLotVariables, otherRoundings, roundTrades } from './lots.js';
import { TradeModel, type TradeVariable } from './model.js';
import { reduce, type ModelSize } from './program.js';
import { solveModel, type ModelSolution } from './solve.js';
import type { ProgramSolverName, SolveStatus, SolverName } from './solvers/solver.js';
import { distance, proposedTrades, type ProposedTrade } from './trades.js';
import { listWords } from './explain.js';
import { resizedResponder } from './verify.js';

/** Bisection steps when the trades are scaled back as a last resort (2⁻¹⁶ of the trade). */
const SCALE_STEPS = 16;

export interface AdjustOptions {
  /** The first solver to try (GLPK also backs HiGHS up when it fails). */
  readonly solver?: SolverName;
}

/**
 * How the final quantities were found: the optimum rounded to lots; the optimum over whole lots
 * (a MIP, when rounding broke a limit); or, as a last resort, the trades scaled back uniformly
 * until the engine accepts them (compliant, but not necessarily the closest).
 */
export type AdjustmentMethod = 'optimal' | 'lots' | 'scaled';

export interface Adjustment {
  readonly status: 'adjusted' | 'impossible' | Exclude<SolveStatus, 'optimal' | 'feasible'>;
  readonly trades: readonly ProposedTrade[];
  /** Final signed quantity per trade (status adjusted). */
  readonly quantities?: Float64Array;
  readonly method?: AdjustmentMethod;
  readonly model: TradeModel;
  /** The continuous optimum (full model vector): which rows bind there explains each change. */
  readonly solution?: Float64Array;
  /** Why no resizing can comply (status impossible). */
  readonly reasons: readonly string[];
  readonly solver?: ProgramSolverName;
  readonly size?: { readonly full: ModelSize; readonly reduced: ModelSize };
  readonly cuts?: number;
  /** Σ |q′ₛ − qₛ| · markₛ of the final quantities, in base currency. */
  readonly distance?: number;
  /** The solver's optimum of the same sum over continuous quantities, in base currency. */
  readonly objective?: number;
  /** Whether the solver proved that optimum (not a time-limited incumbent or a cutting-plane bound). */
  readonly proven?: boolean;
  readonly detail?: string;
}

/**
 * Tie-break between equally close trade lists. Σ |Δqₛ|·markₛ is often flat across many optima
 * (reducing one 12 % buy or dropping forty small ones can cost the same); a cost of
 * TIE_BREAK · (total notional) per whole trade removed picks the one that changes each trade by
 * the smallest fraction. It moves the objective by at most TIE_BREAK × trades, relatively.
 */
const TIE_BREAK = 1e-9;

/**
 * The model of section 7 for a decision: one column per traded symbol with box
 * [min(0, q), max(0, q)] (a trade may shrink toward zero, never grow or change side: the
 * adjustment never trades more than the decision asked), cost markₛ per unit of shrinkage
 * (plus the tie-break), and every strict policy's checks as rows and bounds.
 */
export function buildAdjustmentModel(
  portfolio: PortfolioColumns,
  trades: readonly ProposedTrade[],
  policies: readonly CompiledPolicy[],
  keepCarriers = false,
): TradeModel {
  const scale = portfolio.preNav;
  // A zero mark would make shrinking free; a negligible weight still prefers the proposed size.
  const weight = (t: ProposedTrade) => Math.max(portfolio.mark[t.slot], Number.EPSILON * scale) / scale;
  // With keepCarriers, a trade that carries data its held symbol lacks elsewhere keeps at least a lot.
  const least = (t: ProposedTrade) => (keepCarriers && t.carriesData ? Math.sign(t.quantity) * Math.min(t.lot, Math.abs(t.quantity)) : 0);
  const total = trades.reduce((sum, t) => sum + Math.abs(t.quantity) * weight(t), 0);
  const unitCost = (t: ProposedTrade) => weight(t) + (TIE_BREAK * total) / Math.abs(t.quantity);
  const variables: TradeVariable[] = trades.map((t) => ({
    slot: t.slot,
    settlement: t.settlement,
    lower: Math.min(least(t), t.quantity),
    upper: Math.max(least(t), t.quantity),
    cost: -Math.sign(t.quantity) * unitCost(t),
  }));
  const model = new TradeModel(portfolio, variables);
  model.offset = trades.reduce((sum, t) => sum + Math.abs(t.quantity) * unitCost(t), 0);
  linearizePolicies(model, policies);
  return model;
}

/** Every strict policy through its type's linearizer; types without one are reported. */
export function linearizePolicies(model: TradeModel, policies: readonly CompiledPolicy[]): void {
  for (const policy of policies) {
    const { name, type, enforcement } = policy.identity;
    if (enforcement !== 'strict') continue;
    const linearizer = LINEARIZERS[type];
    if (linearizer) linearizer(policy.definition.rules, new LinearizeContext(model, name));
    else model.notCovered.push(`${name} (no linear form for ${type})`);
  }
}

/**
 * The compliant trade list closest to the decision (contract section 7): solve, round to lots,
 * and re-validate with the real engine; repair over whole lots if rounding broke a limit; scale
 * back as a last resort. What is returned as adjusted has passed the engine. A dropped trade
 * loses the attributes it carried: if that is what the engine rejects, the trades carrying
 * data are kept at one lot at least and the model is solved again.
 */
export async function adjustDecision(
  request: ValidationRequest,
  evaluation: Evaluation,
  set: CompiledPolicySet,
  options: AdjustOptions = {},
): Promise<Adjustment> {
  const trades = proposedTrades(request, evaluation.portfolio);
  const respond = resizedResponder(request, set, evaluation, trades);
  const accepts = (q: Float64Array) => respond(q)?.is_compliant === true;
  const first = await attempt(evaluation, trades, accepts, options, false);
  if ((first.status === 'adjusted' && first.method !== 'scaled') || !trades.some((t) => t.carriesData)) return first;
  const second = await attempt(evaluation, trades, accepts, options, true);
  if (second.status !== 'adjusted') {
    if (first.status === 'adjusted') return first;
    const carriers = listWords(trades.filter((t) => t.carriesData).map((t) => t.symbol));
    const reason = `dropping the ${carriers} trade would lose data only the trade gives (attributes or its price), and no smaller trade complies`;
    return { ...second, reasons: [...second.reasons, reason] };
  }
  if (first.status !== 'adjusted' || second.method !== 'scaled' || second.distance! <= first.distance!) return second;
  return first;
}

async function attempt(
  evaluation: Evaluation,
  trades: readonly ProposedTrade[],
  accepts: (q: Float64Array) => boolean,
  options: AdjustOptions,
  keepCarriers: boolean,
): Promise<Adjustment> {
  const { portfolio, policies } = evaluation;
  const model = buildAdjustmentModel(portfolio, trades, policies, keepCarriers);
  if (model.impossible.length > 0) return { status: 'impossible', trades, model, reasons: model.impossible };
  if (trades.length === 0) return { status: 'impossible', trades, model, reasons: ['the decision has no trades to resize'] };

  const solved = await solveModel(model, options.solver);
  const found = {
    solver: solved.solver,
    size: solved.size,
    cuts: solved.cuts,
    ...(solved.objective === undefined ? {} : { objective: solved.objective * model.scale, proven: solved.status === 'optimal' }),
    ...(solved.detail ? { detail: solved.detail } : {}),
  };
  if (solved.status !== 'optimal' && solved.status !== 'feasible') return { status: solved.status, trades, model, reasons: [], ...found };

  const rounded = roundTrades(trades, portfolio, solved.x!);
  const nearer = roundTrades(trades, portfolio, solved.x!, LOOSE);
  let quantities: Float64Array | undefined = nearer.some((q, c) => q !== rounded[c]) && accepts(nearer) ? nearer : rounded;
  let method: AdjustmentMethod = 'optimal';
  if (quantities === rounded && !accepts(rounded)) {
    method = 'lots';
    quantities = otherRoundings(model, trades, rounded).find(accepts);
    if (!quantities) {
      const whole = await wholeLots(model, trades, portfolio, options);
      quantities = whole && accepts(whole) ? whole : undefined;
    }
    if (!quantities) {
      quantities = scaleBack(trades, portfolio, solved.x!, accepts);
      method = 'scaled';
    }
  }
  if (!quantities) return { status: 'infeasible', trades, model, reasons: ['even without any trade the portfolio fails a strict policy'], ...found };
  return { status: 'adjusted', trades, quantities, method, model, solution: solved.x!, reasons: [], distance: distance(trades, portfolio, quantities), ...found };
}

/** Re-solves with integer lot counts on the columns the solver can move. */
async function wholeLots(model: TradeModel, trades: readonly ProposedTrade[], portfolio: PortfolioColumns, options: AdjustOptions): Promise<Float64Array | undefined> {
  const { programColumn } = reduce(model);
  const movable = trades.map((_, c) => c).filter((c) => programColumn[c] >= 0);
  addLotVariables(model, trades, movable);
  const repaired: ModelSolution = await solveModel(model, options.solver);
  return repaired.x ? roundTrades(trades, portfolio, repaired.x) : undefined;
}

/** Largest λ (bisection) for which λ·q, rounded to lots, passes the engine; undefined if not even 0 does. */
function scaleBack(trades: readonly ProposedTrade[], portfolio: PortfolioColumns, x: Float64Array, accepts: (q: Float64Array) => boolean): Float64Array | undefined {
  const at = (lambda: number) => roundTrades(trades, portfolio, Float64Array.from(trades, (_, c) => lambda * x[c]));
  let best = at(0);
  if (!accepts(best)) return undefined;
  let low = 0;
  let high = 1;
  for (let step = 0; step < SCALE_STEPS; step++) {
    const mid = (low + high) / 2;
    const candidate = at(mid);
    if (accepts(candidate)) {
      low = mid;
      best = candidate;
    } else high = mid;
  }
  return best;
}
