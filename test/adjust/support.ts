import { adjustDecision, type Adjustment } from '../../src/adjust/adjust.js';
import { withAdjustment } from '../../src/adjust/suggest.js';
import { withTrades } from '../../src/adjust/verify.js';
import type { SolverName } from '../../src/adjust/solvers/solver.js';
import { evaluateRequest, type Evaluation } from '../../src/engine/evaluate.js';
import { ServiceError } from '../../src/errors.js';
import { compilePolicySet, type CompiledPolicySet } from '../../src/policies/compile.js';
import type { PolicyType } from '../../src/schemas/common.js';
import type { PolicyDefinition } from '../../src/schemas/policy.js';
import type { Position, Trade, ValidationRequest, ValidationResponse } from '../../src/schemas/validation.js';

/** One strict policy of a type, named after it. */
export function policy(policy_type: PolicyType, rules: Record<string, unknown>, enforcement_level: 'strict' | 'advisory' = 'strict'): PolicyDefinition {
  return { policy_name: policy_type.toLowerCase(), policy_type, rules, enforcement_level, enabled: true };
}

/** A request over a portfolio with `cash`, the positions and trades given, checked against every policy of the set. */
export function request(cash: number, positions: Position[], trades: Array<Omit<Trade, 'side'> & { side?: 'BUY' | 'SELL' }>, extra: Partial<ValidationRequest['portfolio_state']> = {}): ValidationRequest {
  return {
    decision: { decision_id: 'case', trades: trades.map((t) => ({ side: 'BUY', ...t }) as Trade) },
    portfolio_state: { cash, positions, ...extra },
    applicable_policies: [],
  };
}

export interface Outcome {
  readonly response: ValidationResponse;
  /** The engine's verdict on the adjusted trades, re-validated against the same state and policies. */
  readonly revalidated?: ValidationResponse;
  /** adjusted_trades as symbol → signed quantity. */
  readonly adjusted?: Record<string, number>;
}

/** Validates with the suggested adjustment and re-validates the adjusted trades, as a caller would. */
export async function adjust(req: ValidationRequest, policies: PolicyDefinition[]): Promise<Outcome> {
  const set = compilePolicySet(1, policies);
  const response = await withAdjustment(req, evaluateRequest(req, set), set);
  if (!response.adjusted_trades) return { response };
  const revalidated = evaluateRequest(withTrades(req, response.adjusted_trades), set).response;
  const adjusted = Object.fromEntries(response.adjusted_trades.map((t) => [t.symbol, t.side === 'BUY' ? t.quantity : -t.quantity]));
  return { response, revalidated, adjusted };
}

/** The adjustment itself (solver, method, objective), for checks a response does not show. */
export async function adjustment(req: ValidationRequest, set: CompiledPolicySet, solver: SolverName = 'highs'): Promise<Adjustment> {
  return adjustDecision(req, evaluateRequest(req, set), set, { solver });
}

/** The engine's evaluation, or undefined when it refuses the request (a 4xx: e.g. a price missing, a NAV not positive). */
export function evaluateOrRefused(request: ValidationRequest, set: CompiledPolicySet): Evaluation | undefined {
  try {
    return evaluateRequest(request, set);
  } catch (error) {
    if (error instanceof ServiceError) return undefined;
    throw error;
  }
}
