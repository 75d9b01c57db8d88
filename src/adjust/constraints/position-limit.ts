import { heldAtLeast, heldAtMost, type LinearizeContext, type Linearizer } from './context.js';

export interface PositionRules {
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
    if (model.columnOf[i] < 0) untradedSlot(rules, context, i);
    else slotChecks(rules, context, i);
  }
};

/** Every check on one slot, as rows and bounds (a traded slot's; exported for the tests' slot-by-slot model). */
export function slotChecks(rules: PositionRules, context: LinearizeContext, i: number): void {
  const { model, portfolio } = context;
  const symbol = portfolio.symbols[i];
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

/**
 * A slot the decision does not trade: its weight moves only with NAV, so its rows are built only
 * when NAV's range can carry it past the limit. Most of a 10,000-position portfolio comes here,
 * and building (then dropping) two rows and a tag for each was most of the model's time.
 */
function untradedSlot(rules: PositionRules, context: LinearizeContext, i: number): void {
  const { model, portfolio } = context;
  // marketValue(i)'s constant: the same decision as its rows would get.
  const value = model.preValue(i);
  if (rules.max_weight !== undefined) {
    const limit = heldAtMost(Math.abs(value), rules.max_weight);
    if (context.constantCanExceed(Math.abs(value), limit)) {
      const tag = context.tag('MAX_WEIGHT_EXCEEDED', portfolio.symbols[i]);
      context.ratioMax(model.marketValue(i), limit, tag);
      context.ratioMax(model.marketValue(i, -1), limit, tag);
    } else model.fullRows += 2;
  }
  if (rules.min_weight !== undefined) {
    const limit = heldAtLeast(portfolio.preWeight[i], rules.min_weight);
    if (context.constantCanFallBelow(value, limit)) context.ratioMin(model.marketValue(i), limit, context.tag('MIN_WEIGHT_BREACHED', portfolio.symbols[i]));
    else model.fullRows++;
  }
  // Quantity and notional limits are bounds on trade columns: an untraded slot has none to bound.
  if (rules.max_quantity !== undefined) model.fullRows += 2;
  if (rules.max_notional !== undefined && portfolio.mark[i] > 0) model.fullRows += 2;
}
