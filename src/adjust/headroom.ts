import { TypeCompiler } from '@sinclair/typebox/compiler';
import { evaluateRequest, resolvePolicies } from '../engine/evaluate.js';
import { buildPortfolio, type PortfolioColumns } from '../engine/portfolio.js';
import { ServiceError, pointer } from '../errors.js';
import type { CompiledPolicy, CompiledPolicySet } from '../policies/compile.js';
import { parseCheckedBody } from '../schemas/checked-body.js';
import { HeadroomRequest, type HeadroomResponse, type SymbolHeadroom } from '../schemas/headroom.js';
import type { PolicyViolation, ValidationRequest, ValidationResponse } from '../schemas/validation.js';
import { linearizePolicies } from './adjust.js';
import { TradeModel } from './model.js';
import { solveModel } from './solve.js';
import type { SolverName } from './solvers/solver.js';

/** The search box: a position worth ten times NAV, beyond anything a policy set would allow. */
const CAP_NAVS = 10;
/** Fraction of a lot under which a lot count counts as whole. */
const WHOLE_LOT = 1e-6;

const checker = TypeCompiler.Compile(HeadroomRequest);

/** Parses and schema-checks a headroom body; 400 with JSON-pointer paths otherwise. */
export function parseHeadroomRequest(body: Uint8Array | string): HeadroomRequest {
  return parseCheckedBody(body, checker).value;
}

/** A validation request trading `quantity` of one symbol (none for 0) from the same state. */
function single(request: HeadroomRequest, symbol: string, quantity: number): ValidationRequest {
  const trades = quantity > 0 ? [{ symbol, side: request.side, quantity }] : [];
  return { decision: { decision_id: 'headroom', trades }, portfolio_state: request.portfolio_state, applicable_policies: request.applicable_policies };
}

/** The engine's verdict, or the 422 it raises (e.g. a NAV that would not stay positive). */
function verdict(request: HeadroomRequest, set: CompiledPolicySet, symbol: string, quantity: number): ValidationResponse | ServiceError {
  try {
    return evaluateRequest(single(request, symbol, quantity), set).response;
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
}

const passes = (outcome: ValidationResponse | ServiceError) => !(outcome instanceof ServiceError) && outcome.is_compliant;

/** Every symbol needs a mark from the state itself: the trade it is sized for has no price. */
function checkPrices(request: HeadroomRequest): void {
  const state = request.portfolio_state;
  const priced = new Set(state.positions.filter((p) => p.price !== undefined).map((p) => p.symbol));
  request.symbols.forEach((symbol, s) => {
    const instrument = state.instruments && Object.hasOwn(state.instruments, symbol) ? state.instruments[symbol] : undefined;
    if (!priced.has(symbol) && instrument?.price === undefined) {
      throw new ServiceError('PES_MISSING_PRICE', `No price for ${symbol} on its position or in instruments`, [{ path: pointer('symbols', s), message: `no price for ${symbol}` }]);
    }
  });
}

/**
 * Largest whole-lot count k with accepts(k), starting from the solver's estimate: gallop up from
 * an accepted count until one is rejected, bisect down from a rejected one. The result is
 * accepted and k + 1 is not (or k reaches the cap: undefined, unlimited). Assumes accepts(0).
 */
function largestAccepted(estimate: number, cap: number, accepts: (k: number) => boolean): number | undefined {
  if (accepts(estimate)) {
    let low = estimate;
    for (let step = 1; ; step *= 2) {
      if (low + step > cap) return accepts(cap) ? undefined : bisect(low, cap, accepts);
      if (!accepts(low + step)) return bisect(low, low + step, accepts);
      low += step;
    }
  }
  return bisect(0, estimate, accepts);
}

function bisect(low: number, high: number, accepts: (k: number) => boolean): number {
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (accepts(mid)) low = mid;
    else high = mid;
  }
  return low;
}

function bindingOf(outcome: ValidationResponse | ServiceError): Pick<SymbolHeadroom, 'binding_policy' | 'binding_violation_type' | 'binding_subject' | 'binding_description'> {
  if (outcome instanceof ServiceError) return { binding_policy: null, binding_description: outcome.message };
  const violation: PolicyViolation | undefined = outcome.violations.find((v) => v.enforcement_level === 'strict');
  if (!violation) return { binding_policy: null };
  return {
    binding_policy: violation.policy_name,
    binding_violation_type: violation.violation_type,
    ...(violation.subject === undefined ? {} : { binding_subject: violation.subject }),
    binding_description: violation.description,
  };
}

/**
 * One symbol: maximise the quantity traded over a one-column model of every strict policy
 * (the same linearizers as the adjustment; UCITS's jump at 5 % is a binary, so the MIP sees
 * it), then settle it in whole lots against the real engine so that the quantity passes and one
 * lot more does not, whatever the model could not express.
 */
async function headroomFor(
  request: HeadroomRequest,
  set: CompiledPolicySet,
  portfolio: PortfolioColumns,
  policies: readonly CompiledPolicy[],
  symbol: string,
  notes: Set<string>,
  solver?: SolverName,
): Promise<SymbolHeadroom> {
  const slot = portfolio.index.get(symbol)!;
  const mark = portfolio.mark[slot];
  const lot = portfolio.attribute(slot, 'lot_size') ?? 1;
  const sign = request.side === 'BUY' ? 1 : -1;
  const cap = mark > 0 ? (CAP_NAVS * portfolio.preNav) / mark : Number.MAX_SAFE_INTEGER;
  const model = new TradeModel(portfolio, [{ slot, settlement: mark, lower: sign > 0 ? 0 : -cap, upper: sign > 0 ? cap : 0, cost: -sign / cap }]);
  linearizePolicies(model, policies);
  for (const what of model.notCovered) notes.add(`The headroom model does not cover ${what}; the quantities were settled against it by re-validation`);
  let estimate = 0;
  if (model.impossible.length === 0) {
    const solved = await solveModel(model, solver);
    if (solved.x) estimate = Math.abs(solved.x[0]);
    else if (solved.status === 'unbounded') estimate = cap;
  }
  const capLots = Math.floor(cap / lot);
  const estimateLots = Math.min(capLots, Math.floor(estimate / lot + WHOLE_LOT));
  const quantityOf = (k: number) => Number.parseFloat((k * lot).toPrecision(15));
  const accepts = (k: number) => passes(verdict(request, set, symbol, quantityOf(k)));
  const lots = model.notCovered.length === 0 && estimateLots === capLots ? undefined : largestAccepted(estimateLots, capLots, accepts);
  if (lots === undefined) {
    return { symbol, quantity: null, lot_size: lot, notional: null, post_trade_weight: null, binding_policy: null };
  }
  const quantity = quantityOf(lots);
  return {
    symbol,
    quantity,
    lot_size: lot,
    notional: quantity * mark,
    post_trade_weight: ((portfolio.preQty[slot] + sign * quantity) * mark) / portfolio.preNav,
    ...bindingOf(verdict(request, set, symbol, quantityOf(lots + 1))),
  };
}

/** POST /api/v1/headroom: per symbol, the most that can be traded alone and the policy that stops it. */
export async function computeHeadroom(request: HeadroomRequest, set: CompiledPolicySet, options: { solver?: SolverName } = {}): Promise<HeadroomResponse> {
  const policies = resolvePolicies(request.applicable_policies, set);
  checkPrices(request);
  const probe = single(request, request.symbols[0], 0);
  probe.decision.trades = request.symbols.map((symbol) => ({ symbol, side: request.side, quantity: 1 }));
  const portfolio = buildPortfolio(probe);
  const policies_checked = policies.map((p) => p.identity.name);
  const before = verdict(request, set, request.symbols[0], 0);
  if (!passes(before)) {
    // Not even holding still passes (data a check needs is missing): nothing can be traded.
    const binding = bindingOf(before);
    const headroom = request.symbols.map((symbol) => ({ symbol, quantity: 0, lot_size: portfolio.attribute(portfolio.index.get(symbol)!, 'lot_size') ?? 1, notional: 0, post_trade_weight: null, ...binding }));
    return { side: request.side, headroom, policies_checked, recommendations: [`The portfolio fails ${binding.binding_policy ?? 'a strict policy'} before any trade: ${binding.binding_description ?? ''}`] };
  }
  const notes = new Set<string>();
  const headroom: SymbolHeadroom[] = [];
  for (const symbol of request.symbols) headroom.push(await headroomFor(request, set, portfolio, policies, symbol, notes, options.solver));
  return { side: request.side, headroom, policies_checked, recommendations: [...notes] };
}
