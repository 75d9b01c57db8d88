import { evaluateRequest, judgePortfolio, type Evaluation } from '../engine/evaluate.js';
import { ServiceError } from '../errors.js';
import type { CompiledPolicySet } from '../policies/compile.js';
import type { AdjustedTrade, ValidationRequest, ValidationResponse } from '../schemas/validation.js';
import { adjustedTrades, type ProposedTrade } from './trades.js';

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

/**
 * The engine's response to the decision rewritten with resized trades (signed quantities per
 * proposed trade; undefined when the engine rejects the request), as revalidate gives it. When
 * every traded symbol keeps a non-zero trade, the rewritten decision's columns are the original's
 * with other quantities (same slots, marks and attributes: each adjusted trade carries what its
 * symbol's trades gave), so the response comes from the original columns resized; otherwise (a
 * trade dropped, or a symbol whose trades net to zero) from a fresh evaluation. On 10,000
 * positions that saves most of a check's cost (test/adjust/resized.property.test.ts holds the two equal).
 */
export function resizedResponder(
  request: ValidationRequest,
  set: CompiledPolicySet,
  evaluation: Evaluation,
  trades: readonly ProposedTrade[],
): (quantities: ArrayLike<number>) => ValidationResponse | undefined {
  const everySymbolProposed = trades.length === new Set(request.decision.trades.map((t) => t.symbol)).size;
  const { portfolio, policies } = evaluation;
  return (quantities) => {
    if (!everySymbolProposed || trades.some((_, c) => quantities[c] === 0)) return revalidate(request, set, adjustedTrades(trades, quantities));
    const tradeQty = new Float64Array(portfolio.n);
    // Cash as buildPortfolio settles the rewritten trades: in their order, each at its settlement price.
    let cashMove = 0;
    trades.forEach((trade, c) => {
      tradeQty[trade.slot] = quantities[c];
      cashMove -= quantities[c] * trade.settlement;
    });
    try {
      return judgePortfolio(request.decision.decision_id, portfolio.resized(tradeQty, portfolio.preCash + cashMove), policies);
    } catch (error) {
      if (error instanceof ServiceError) return undefined;
      throw error;
    }
  };
}
