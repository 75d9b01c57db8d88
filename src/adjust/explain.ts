import { TOLERANCE } from '../engine/checks.js';
import { decimal } from '../engine/format.js';
import { ERRORS, type ErrorCode } from '../errors.js';
import type { AdjustedTrade, PolicyViolation, ValidationResponse } from '../schemas/validation.js';
import type { Adjustment } from './adjust.js';
import { tagKey } from './model.js';
import { adjustedTrades } from './trades.js';

const OUTCOME: Record<Exclude<Adjustment['status'], 'adjusted'>, ErrorCode> = {
  impossible: 'PES_SOLVER_INFEASIBLE',
  infeasible: 'PES_SOLVER_INFEASIBLE',
  unbounded: 'PES_SOLVER_UNBOUNDED',
  failed: 'PES_SOLVER_FAILED',
};

/** A solver outcome as a recommendation: the registry's message, what caused it, and its code. */
export function outcomeText(code: ErrorCode, detail?: string): string {
  return `${ERRORS[code].message}${detail ? `: ${detail}` : ''} (${code})`;
}

/** "a", "a and b", "a, b and c" */
export function listWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

const isStrict = (v: PolicyViolation) => v.enforcement_level === 'strict';
const violationKey = (v: PolicyViolation) => tagKey({ policy: v.policy_name, violationType: v.violation_type, subject: v.subject ?? '' });

/**
 * The policies that hold each trade column where it is, at the continuous optimum: rows and
 * cones active there that the column enters, and the checks that set a bound it sits on.
 */
function bindingPolicies(adjustment: Adjustment): Array<Set<string>> {
  const { model, solution: x } = adjustment;
  const binding = Array.from({ length: model.tradeCount }, () => new Set<string>());
  if (!x) return binding;
  const near = (a: number, b: number) => Number.isFinite(b) && Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(b));
  for (const row of model.rows) {
    if (!row.tag.policy) continue;
    let activity = 0;
    for (let k = 0; k < row.cols.length; k++) activity += row.coefs[k] * x[row.cols[k]];
    if (!near(activity, row.upper) && !near(activity, row.lower)) continue;
    for (const c of row.cols) if (c < model.tradeCount) binding[c].add(row.tag.policy);
  }
  for (const cone of model.cones) {
    if (cone.metricAt(x) < cone.limit - TOLERANCE) continue;
    for (const c of cone.columns) binding[c].add(cone.tag.policy);
  }
  model.boundTags.forEach((tags, c) => {
    if (tags.lower && near(x[c], model.lower[c])) binding[c].add(tags.lower.policy);
    if (tags.upper && near(x[c], model.upper[c])) binding[c].add(tags.upper.policy);
  });
  return binding;
}

/** The policies a change answers: those binding it, else the violated ones it is part of, else all violated. */
function reasonsFor(c: number, binding: Set<string>, adjustment: Adjustment, violations: readonly PolicyViolation[]): string[] {
  if (binding.size > 0) return [...binding];
  const involved = violations.filter((v) => adjustment.model.members.get(violationKey(v))?.has(c)).map((v) => v.policy_name);
  return [...new Set(involved.length > 0 ? involved : violations.map((v) => v.policy_name))];
}

/**
 * Writes an adjustment into a non-compliant response: adjusted_trades, each strict violation's
 * suggested_adjustment (the changed trades it is about, or all of them), and a recommendation
 * per change, e.g. "Reduce the AAPL buy from 440 to 200 to stay within position_limits".
 */
export function applyAdjustment(response: ValidationResponse, adjustment: Adjustment): ValidationResponse {
  const recommendations = [...response.recommendations];
  if (adjustment.status !== 'adjusted') {
    for (const what of adjustment.model.notCovered) recommendations.push(`The adjustment model does not cover ${what}`);
    const detail = adjustment.reasons.length > 0 ? adjustment.reasons.join('; ') : adjustment.detail;
    recommendations.push(outcomeText(OUTCOME[adjustment.status], detail));
    return { ...response, recommendations };
  }
  const { trades } = adjustment;
  const quantities = adjustment.quantities!;
  const strict = response.violations.filter(isStrict);
  const binding = bindingPolicies(adjustment);
  const changed: number[] = [];
  const suggestion = new Map<number, AdjustedTrade>();
  trades.forEach((trade, c) => {
    const q = quantities[c];
    if (q === trade.quantity) return;
    changed.push(c);
    const side = trade.quantity > 0 ? 'BUY' : 'SELL';
    suggestion.set(c, { symbol: trade.symbol, side, quantity: Math.abs(q), original_quantity: Math.abs(trade.quantity) });
    const within = `to stay within ${listWords(reasonsFor(c, binding[c], adjustment, strict))}`;
    const original = decimal(Math.abs(trade.quantity));
    recommendations.push(
      q === 0
        ? `Drop the ${trade.symbol} ${side.toLowerCase()} of ${original} ${within}`
        : `Reduce the ${trade.symbol} ${side.toLowerCase()} from ${original} to ${decimal(Math.abs(q))} ${within}`,
    );
  });
  if (adjustment.method === 'scaled') {
    recommendations.push('These adjusted trades were found by scaling the trades back until every strict policy passed; a closer compliant list may exist');
  }
  for (const what of adjustment.model.notCovered) {
    recommendations.push(`The adjustment model does not cover ${what}; the adjusted trades were re-validated against it, but a closer compliant list may exist`);
  }
  const violations = response.violations.map((violation) => {
    if (!isStrict(violation) || changed.length === 0) return violation;
    const members = adjustment.model.members.get(violationKey(violation));
    const own = changed.filter((c) => members?.has(c));
    return { ...violation, suggested_adjustment: { trades: (own.length > 0 ? own : changed).map((c) => suggestion.get(c)!) } };
  });
  return { ...response, violations, recommendations, adjusted_trades: adjustedTrades(trades, quantities) };
}
