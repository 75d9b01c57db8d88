import { heldAtLeast, heldAtMost, type Linearizer } from './context.js';

interface PositionRules {
  max_weight?: number;
  min_weight?: number;
  max_quantity?: number;
  max_notional?: number;
  symbols?: string[];
}

/**
 * POSITION_LIMIT per symbol in scope: |w| ≤ max_weight as ±mv − U·NAV ≤ 0; w ≥ min_weight as
 * mv − L·NAV ≥ 0; |quantity| ≤ max_quantity and |quantity·mark| ≤ max_notional as column bounds.
 */
export const positionLimit: Linearizer = (raw, context) => {
  const rules = raw as PositionRules;
  const { model, portfolio } = context;
  const scope = rules.symbols ? new Set(rules.symbols) : undefined;
  for (let i = 0; i < portfolio.n; i++) {
    const symbol = portfolio.symbols[i];
    if (scope && !scope.has(symbol)) continue;
    if (rules.max_weight !== undefined) {
      const tag = context.tag('MAX_WEIGHT_EXCEEDED', symbol);
      const limit = heldAtMost(Math.abs(portfolio.preWeight[i]), rules.max_weight);
      context.ratioMax(model.marketValue(i), limit, tag);
      context.ratioMax(model.marketValue(i, -1), limit, tag);
      model.memberSlots(tag, [i]);
    }
    if (rules.min_weight !== undefined) {
      const tag = context.tag('MIN_WEIGHT_BREACHED', symbol);
      context.ratioMin(model.marketValue(i), heldAtLeast(portfolio.preWeight[i], rules.min_weight), tag);
      model.memberSlots(tag, [i]);
    }
    if (rules.max_quantity !== undefined) context.quantityAtMost(i, rules.max_quantity, context.tag('MAX_QUANTITY_EXCEEDED', symbol));
    if (rules.max_notional !== undefined && portfolio.mark[i] > 0) {
      context.quantityAtMost(i, rules.max_notional, context.tag('MAX_NOTIONAL_EXCEEDED', symbol), portfolio.mark[i]);
    }
  }
};
