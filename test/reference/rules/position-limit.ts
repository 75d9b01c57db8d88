import type { Check } from '../judge.js';
import { holdingOf, type ReferenceState } from '../state.js';

export interface PositionLimitRules {
  max_weight?: number;
  min_weight?: number;
  max_quantity?: number;
  max_notional?: number;
  symbols?: string[];
}

/**
 * POSITION_LIMIT, per symbol in scope (every held or traded symbol when `symbols` is absent):
 * |weight| ≤ max_weight; signed weight ≥ min_weight; |quantity| ≤ max_quantity;
 * |quantity × price| ≤ max_notional. A scoped symbol that is neither held nor traded has 0 of each.
 */
export function positionLimitChecks(rules: PositionLimitRules, state: ReferenceState): Check[] {
  const scope = rules.symbols ?? state.holdings.map((h) => h.symbol);
  const checks: Check[] = [];
  for (const symbol of scope) {
    const h = holdingOf(state, symbol);
    const subject = symbol;
    if (rules.max_weight !== undefined) {
      checks.push({ bound: 'max', violation_type: 'MAX_WEIGHT_EXCEEDED', subject, pre: Math.abs(h.preWeight), post: Math.abs(h.postWeight), limit: rules.max_weight });
    }
    if (rules.min_weight !== undefined) {
      checks.push({ bound: 'min', violation_type: 'MIN_WEIGHT_BREACHED', subject, pre: h.preWeight, post: h.postWeight, limit: rules.min_weight });
    }
    if (rules.max_quantity !== undefined) {
      checks.push({ bound: 'max', violation_type: 'MAX_QUANTITY_EXCEEDED', subject, pre: Math.abs(h.preQty), post: Math.abs(h.postQty), limit: rules.max_quantity });
    }
    if (rules.max_notional !== undefined) {
      const pre = Math.abs(h.preQty * h.mark);
      const post = Math.abs(h.postQty * h.mark);
      checks.push({ bound: 'max', violation_type: 'MAX_NOTIONAL_EXCEEDED', subject, pre, post, limit: rules.max_notional });
    }
  }
  return checks;
}
