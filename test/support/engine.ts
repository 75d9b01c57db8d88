import { evaluateRequest } from '../../src/engine/evaluate.js';
import { compilePolicySet } from '../../src/policies/compile.js';
import { toPolicyDefinition } from '../../src/policies/validate-definition.js';
import type { PolicyInput } from '../../src/schemas/policy.js';
import type { Position, Trade, ValidationRequest, ValidationResponse } from '../../src/schemas/validation.js';

/** Runs the engine directly (no HTTP, no pool) on a request against the given policies. */
export function runEngine(request: ValidationRequest, policies: PolicyInput[]): ValidationResponse {
  const set = compilePolicySet(1, policies.map((p) => toPolicyDefinition(p)));
  return evaluateRequest(request, set).response;
}

/** A request for a fund with the given cash, positions and trades, checked against every policy given. */
export function request(cash: number, positions: Position[], trades: Trade[] = [], extra: Partial<ValidationRequest['portfolio_state']> = {}): ValidationRequest {
  return {
    decision: { decision_id: 'test', portfolio_id: 'fund', trades },
    portfolio_state: { portfolio_id: 'fund', cash, positions, ...extra },
    applicable_policies: [],
  };
}

export const buy = (symbol: string, quantity: number, price?: number): Trade => ({ symbol, side: 'BUY', quantity, ...(price === undefined ? {} : { price }) });
export const sell = (symbol: string, quantity: number, price?: number): Trade => ({ symbol, side: 'SELL', quantity, ...(price === undefined ? {} : { price }) });
