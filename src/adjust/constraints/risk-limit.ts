import { Affine } from '../affine.js';
import { covarianceCone, hhiCone } from '../cone.js';
import { heldAtLeast, heldAtMost, type LinearizeContext, type Linearizer } from './context.js';

interface RiskRules {
  metric: string;
  max?: number;
  min?: number;
  confidence?: number;
  horizon_days?: number;
  participation?: number;
}

/** One-sided normal quantiles, as the VaR metric uses them. */
const Z_SCORES: Record<number, number> = { 0.95: 1.6449, 0.99: 2.3263 };
const TRADING_DAYS = 252;

/** Σᵢ wᵢ·factorᵢ (every factor 1 without factor; |wᵢ| when absolute): a linear metric before the trade. */
function preSum(context: LinearizeContext, factor?: Float64Array, absolute = false): number {
  const weight = context.portfolio.preWeight;
  let pre = 0;
  for (let i = 0; i < weight.length; i++) pre += (absolute ? Math.abs(weight[i]) : weight[i]) * (factor ? factor[i] : 1);
  return pre;
}

/** A linear metric m = numerator/NAV between min and max, each held at its pre-trade level. */
function bounded(context: LinearizeContext, rules: RiskRules, numerator: Affine, pre: number): void {
  const { model } = context;
  if (rules.max !== undefined) context.ratioMax(numerator, heldAtMost(pre, rules.max), context.tag('RISK_MAX_EXCEEDED', rules.metric));
  if (rules.min !== undefined) context.ratioMin(numerator, heldAtLeast(pre, rules.min), context.tag('RISK_MIN_BREACHED', rules.metric));
  for (const type of ['RISK_MAX_EXCEEDED', 'RISK_MIN_BREACHED']) model.memberSlots(context.tag(type, rules.metric), model.slotOf);
}

const METRICS: Record<string, (context: LinearizeContext, rules: RiskRules) => void> = {
  /** beta = Σ wᵢβᵢ; a slot without beta must hold nothing (else the check fails closed). */
  beta(context, rules) {
    const { model, portfolio } = context;
    const beta = portfolio.numeric('beta');
    const missing = context.tag('MISSING_DATA', rules.metric);
    const known = new Float64Array(portfolio.n);
    for (let i = 0; i < portfolio.n; i++) {
      if (Number.isNaN(beta[i])) context.missing(i, portfolio.preQty[i] !== 0, missing, `beta is missing for ${portfolio.symbols[i]}, which the portfolio holds`);
      else known[i] = beta[i];
    }
    bounded(context, rules, model.valueSums('value', 1, undefined, known)[0], preSum(context, known));
  },
  /** gross = Σ |wᵢ|; a minimum keeps each traded slot on its side of zero. */
  gross_exposure(context, rules) {
    const { model } = context;
    const pre = preSum(context, undefined, true);
    if (rules.max !== undefined) bounded(context, { ...rules, min: undefined }, model.valueSums('absolute')[0], pre);
    if (rules.min !== undefined) bounded(context, { ...rules, max: undefined }, model.valueSums('value', 1, undefined, model.keepSides())[0], pre);
  },
  /** net = Σ wᵢ */
  net_exposure(context, rules) {
    bounded(context, rules, context.model.valueSums('value')[0], preSum(context));
  },
  /** hhi = Σ wᵢ² ≤ max: a cone, met by tangent cuts. A minimum is not convex. */
  hhi(context, rules) {
    const { model, portfolio } = context;
    if (rules.min !== undefined) context.notCovered('a minimum hhi is not convex');
    if (rules.max === undefined) return;
    let pre = 0;
    for (let i = 0; i < portfolio.n; i++) pre += portfolio.preWeight[i] ** 2;
    const tag = context.tag('RISK_MAX_EXCEEDED', rules.metric);
    model.fullRows++;
    model.cones.push(hhiCone(model, tag, heldAtMost(pre, rules.max)));
    model.memberSlots(tag, model.slotOf);
  },
  volatility: (context, rules) => covarianceLimit(context, rules, 1),
  var: (context, rules) => covarianceLimit(context, rules, Z_SCORES[rules.confidence ?? 0.95] * Math.sqrt((rules.horizon_days ?? 1) / TRADING_DAYS)),
  /** liquidity_days = maxᵢ |qᵢ| / (participation·advᵢ) ≤ max: a quantity bound per traded slot. */
  liquidity_days(context, rules) {
    const { model, portfolio } = context;
    const adv = portfolio.numeric('adv');
    const perDay = rules.participation ?? 0.2;
    const missing = context.tag('MISSING_DATA', rules.metric);
    let pre = 0;
    for (let i = 0; i < portfolio.n; i++) {
      if (!(adv[i] > 0)) context.missing(i, portfolio.preQty[i] !== 0, missing, `adv is missing or 0 for ${portfolio.symbols[i]}, which the portfolio holds`);
      else if (portfolio.preQty[i] !== 0) pre = Math.max(pre, Math.abs(portfolio.preQty[i]) / (perDay * adv[i]));
    }
    if (rules.min !== undefined) context.notCovered('a minimum liquidity_days is not convex');
    if (rules.max === undefined) return;
    const days = heldAtMost(pre, rules.max);
    const tag = context.tag('RISK_MAX_EXCEEDED', rules.metric);
    for (const i of model.slotOf) if (adv[i] > 0) context.absoluteQuantityAtMost(i, days * perDay * adv[i], tag);
  },
};

/** scale·√(wᵀΣw) ≤ max as a covariance cone; slots outside the risk model must hold nothing. */
function covarianceLimit(context: LinearizeContext, rules: RiskRules, scale: number): void {
  const { model, portfolio } = context;
  const covariance = portfolio.covariance();
  if (!covariance) {
    model.impossible.push(`${context.policy}: the request has no portfolio_state.risk_model, so ${rules.metric} cannot be computed`);
    return;
  }
  const missing = context.tag('MISSING_DATA', rules.metric);
  for (let i = 0; i < portfolio.n; i++) {
    if (covariance.row[i] < 0) context.missing(i, portfolio.preQty[i] !== 0, missing, `the risk model lacks ${portfolio.symbols[i]}, which the portfolio holds`);
  }
  if (rules.min !== undefined) context.notCovered(`a minimum ${rules.metric} is not convex`);
  if (rules.max === undefined) return;
  const tag = context.tag('RISK_MAX_EXCEEDED', rules.metric);
  model.fullRows++;
  model.cones.push(covarianceCone(model, tag, covariance, scale, heldAtMost(scale * covariance.volatilities(portfolio.preWeight, portfolio.preWeight).pre, rules.max)));
  model.memberSlots(tag, model.slotOf);
}

/** RISK_LIMIT: dispatches on the metric; a metric without a linear form is reported, not skipped. */
export const riskLimit: Linearizer = (raw, context) => {
  const rules = raw as unknown as RiskRules;
  const metric = METRICS[rules.metric];
  if (metric) metric(context, rules);
  else context.notCovered(`metric ${rules.metric} has no linear form`);
};
