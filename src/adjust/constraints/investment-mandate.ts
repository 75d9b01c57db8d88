import type { Static } from '@sinclair/typebox';
import type { GroupAttribute } from '../../engine/portfolio.js';
import { issuerColumn } from '../../rules/holdings.js';
import { investmentMandate as mandateRule } from '../../rules/investment-mandate.js';
import { ratingRank } from '../../rules/rating-scale.js';
import { Affine } from '../affine.js';
import { heldAtLeast, heldAtMost, type LinearizeContext, type Linearizer } from './context.js';

/** The rules as the rule module's schema defines them (one source for the shape). */
type MandateRules = Static<typeof mandateRule.rulesSchema>;

/** Traded slots whose attribute puts them on (or, for an allow-list, off) a list may hold nothing new. */
function listed(context: LinearizeContext, attribute: GroupAttribute, key: string, list: readonly string[], allow: boolean, violationType: string): void {
  const { model, portfolio } = context;
  const set = new Set(list);
  const { codes, labels } = portfolio.group(attribute);
  for (let i = 0; i < portfolio.n; i++) {
    const symbol = portfolio.symbols[i];
    if (codes[i] < 0) {
      if (portfolio.preQty[i] !== 0 || model.columnOf[i] >= 0) {
        context.missing(i, portfolio.preQty[i] !== 0, context.tag('MISSING_DATA', symbol), `${symbol} has no ${attribute}, which ${key} needs`);
      }
    } else if (model.columnOf[i] >= 0 && set.has(labels[codes[i]]) !== allow) {
      context.forbidHolding(i, context.tag(violationType, symbol));
    }
  }
}

/** Ratings below the minimum may hold nothing new; an unrated BOND or an off-scale rating fails closed. */
function rating(context: LinearizeContext, minimum: string): void {
  const { model, portfolio } = context;
  const floor = ratingRank(minimum)!;
  for (let i = 0; i < portfolio.n; i++) {
    if (portfolio.preQty[i] === 0 && model.columnOf[i] < 0) continue;
    const symbol = portfolio.symbols[i];
    const value = portfolio.attribute(i, 'rating');
    const rank = value === undefined ? undefined : ratingRank(value);
    const missing = value === undefined ? portfolio.attribute(i, 'asset_class') === 'BOND' : rank === undefined;
    if (missing) context.missing(i, portfolio.preQty[i] !== 0, context.tag('MISSING_DATA', symbol), `${symbol} has no usable rating for min_rating`);
    else if (rank !== undefined && rank > floor && model.columnOf[i] >= 0) context.forbidHolding(i, context.tag('RATING_BELOW_MINIMUM', symbol));
  }
}

/**
 * count(qᵢ ≠ 0) ≤ max_positions. Counting is not convex: each traded slot that can be zero or not
 * on the box gets a binary z (|x| ≤ M·z), and base + Σ z ≤ limit (held at the pre-trade count).
 */
function positionCount(context: LinearizeContext, maximum: number): void {
  const { model, portfolio } = context;
  let pre = 0;
  let base = 0;
  const open: number[] = [];
  for (let i = 0; i < portfolio.n; i++) {
    if (portfolio.preQty[i] !== 0) pre++;
    const [low, high] = model.quantityRange(i);
    if (low > 0 || high < 0) base++;
    else if (low < 0 || high > 0) open.push(i);
  }
  const limit = heldAtMost(pre, maximum);
  const tag = context.tag('MAX_POSITIONS_EXCEEDED', 'positions');
  model.fullRows++;
  if (base + open.length <= limit) return;
  const count = new Affine(base);
  for (const i of open) {
    const c = model.columnOf[i];
    const [low, high] = model.quantityRange(i);
    const held = model.addColumn(0, 1, 0, true);
    const pre = portfolio.preQty[i];
    if (high > 0) model.addRow(new Affine(pre).add(c, 1).add(held, -high), Number.NEGATIVE_INFINITY, 0, tag);
    if (low < 0) model.addRow(new Affine(pre).add(c, 1).add(held, -low), 0, Number.POSITIVE_INFINITY, tag);
    count.add(held, 1);
  }
  model.addRow(count, Number.NEGATIVE_INFINITY, limit, tag);
  model.memberSlots(tag, open);
}

/** INVESTMENT_MANDATE: each key present is one check, expressed as bounds, rows or binaries. */
export const investmentMandate: Linearizer = (raw, context) => {
  const rules = raw as MandateRules;
  const { model, portfolio } = context;
  if (rules.allowed_asset_classes) listed(context, 'asset_class', 'allowed_asset_classes', rules.allowed_asset_classes, true, 'ASSET_CLASS_NOT_ALLOWED');
  if (rules.excluded_sectors) listed(context, 'sector', 'excluded_sectors', rules.excluded_sectors, false, 'EXCLUDED_INSTRUMENT');
  if (rules.excluded_countries) listed(context, 'country', 'excluded_countries', rules.excluded_countries, false, 'EXCLUDED_INSTRUMENT');
  if (rules.excluded_symbols || rules.excluded_issuers) {
    const symbols = new Set(rules.excluded_symbols ?? []);
    const issuers = new Set(rules.excluded_issuers ?? []);
    const { codes, labels } = issuerColumn(portfolio);
    for (const i of model.slotOf) {
      const symbol = portfolio.symbols[i];
      if (symbols.has(symbol) || issuers.has(labels[codes[i]])) context.forbidHolding(i, context.tag('EXCLUDED_INSTRUMENT', symbol));
    }
  }
  if (rules.long_only) for (const i of model.slotOf) context.forbidShort(i, context.tag('SHORT_POSITION_NOT_ALLOWED', portfolio.symbols[i]));
  const preCash = portfolio.preCash / portfolio.preNav;
  if (rules.min_cash_weight !== undefined) context.ratioMin(model.cash(), heldAtLeast(preCash, rules.min_cash_weight), context.tag('CASH_MIN_BREACHED', 'cash'));
  if (rules.max_cash_weight !== undefined) context.ratioMax(model.cash(), heldAtMost(preCash, rules.max_cash_weight), context.tag('CASH_MAX_EXCEEDED', 'cash'));
  for (const type of ['CASH_MIN_BREACHED', 'CASH_MAX_EXCEEDED']) model.memberSlots(context.tag(type, 'cash'), model.slotOf);
  if (rules.max_positions !== undefined) positionCount(context, rules.max_positions);
  if (rules.min_rating !== undefined) rating(context, rules.min_rating);
};
