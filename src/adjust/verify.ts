import { evaluateRequest } from '../engine/evaluate.js';
import { ServiceError } from '../errors.js';
import type { CompiledPolicySet } from '../policies/compile.js';
import type { AdjustedTrade, ValidationRequest, ValidationResponse } from '../schemas/validation.js';

/** The same request with the decision's trades replaced: what a caller re-validates. */
export function withTrades(request: ValidationRequest, trades: readonly AdjustedTrade[]): ValidationRequest {
  return { ...request, decision: { ...request.decision, trades: trades.map(({ original_quantity: _, ...trade }) => trade) } };
}

/** The real engine's verdict on a trade list (a request it rejects counts as not compliant). */
export function revalidate(request: ValidationRequest, set: CompiledPolicySet, trades: readonly AdjustedTrade[]): ValidationResponse | undefined {
  try {
    return evaluateRequest(withTrades(request, trades), set).response;
  } catch (error) {
    if (error instanceof ServiceError) return undefined;
    throw error;
  }
}

export function isCompliant(request: ValidationRequest, set: CompiledPolicySet, trades: readonly AdjustedTrade[]): boolean {
  return revalidate(request, set, trades)?.is_compliant === true;
}
