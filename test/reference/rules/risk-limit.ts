import type { RiskModel } from '../../../src/schemas/validation.js';
import type { Check } from '../judge.js';
import { TOLERANCE } from '../judge.js';
import { ReferenceRejection, type Holding, type ReferenceState } from '../state.js';
import { held } from './holdings.js';

export type RiskMetricName = 'beta' | 'gross_exposure' | 'net_exposure' | 'hhi' | 'volatility' | 'var' | 'liquidity_days';

export interface RiskLimitRules {
  metric: RiskMetricName;
  max?: number;
  min?: number;
  confidence?: 0.95 | 0.99;
  horizon_days?: number;
  participation?: number;
}

/** A metric before and after the trades, or the attribute it lacks. */
export type MetricValue = { pre: number; post: number } | { missing: true };

const Z_SCORE = { 0.95: 1.6449, 0.99: 2.3263 } as const;
const TRADING_DAYS = 252;

/** Holdings with a non-zero quantity before or after the trades: the ones a metric needs data for. */
const heldOnly = (state: ReferenceState) => state.holdings.filter(held);

function sumOf(state: ReferenceState, f: (weight: number, h: Holding) => number): { pre: number; post: number } {
  let pre = 0;
  let post = 0;
  for (const h of state.holdings) {
    pre += f(h.preWeight, h);
    post += f(h.postWeight, h);
  }
  return { pre, post };
}

/**
 * The covariance as a lookup symbol → row, checked as the contract describes it (square,
 * symmetric, one row per symbol); a model that is not a covariance makes the request impossible.
 */
function covarianceOf(model: RiskModel): (a: string, b: string) => number {
  const rowOf = new Map<string, number>();
  const reasons: string[] = [];
  model.symbols.forEach((symbol, row) => {
    if (rowOf.has(symbol)) reasons.push(`duplicate ${symbol}`);
    rowOf.set(symbol, row);
  });
  const k = model.symbols.length;
  const c = model.covariance;
  if (c.length !== k || c.some((row) => row.length !== k)) reasons.push('not square');
  for (let i = 0; i < k && reasons.length === 0; i++) {
    if (c[i][i] < 0) reasons.push('negative variance');
    for (let j = 0; j < k; j++) if (Math.abs(c[i][j] - c[j][i]) > TOLERANCE) reasons.push('not symmetric');
  }
  if (reasons.length > 0) throw new ReferenceRejection(['PES_INVALID_RISK_MODEL']);
  return (a, b) => c[rowOf.get(a)!][rowOf.get(b)!];
}

/**
 * √(wᵀΣw) before and after the trades, "with risk_model": missing without one (even for a
 * portfolio of cash alone), or when a held symbol is not in it.
 */
function volatility(state: ReferenceState, model: RiskModel | undefined): MetricValue {
  if (!model) return { missing: true };
  const sigma = covarianceOf(model);
  const held = heldOnly(state);
  if (held.some((h) => !model.symbols.includes(h.symbol))) return { missing: true };
  let preVariance = 0;
  let postVariance = 0;
  for (const a of held) {
    for (const b of held) {
      preVariance += a.preWeight * sigma(a.symbol, b.symbol) * b.preWeight;
      postVariance += a.postWeight * sigma(a.symbol, b.symbol) * b.postWeight;
    }
  }
  // A covariance is positive semi-definite: a clearly negative variance is not a covariance.
  if (preVariance < -TOLERANCE || postVariance < -TOLERANCE) throw new ReferenceRejection(['PES_INVALID_RISK_MODEL']);
  return { pre: Math.sqrt(Math.max(0, preVariance)), post: Math.sqrt(Math.max(0, postVariance)) };
}

/** Section 3's metrics, w = weights of the non-cash positions. */
export function riskMetric(rules: RiskLimitRules, state: ReferenceState, model: RiskModel | undefined): MetricValue {
  switch (rules.metric) {
    case 'beta': {
      // Σ wᵢ βᵢ; a held position without beta cannot be measured.
      if (heldOnly(state).some((h) => h.attributes.beta === undefined)) return { missing: true };
      return sumOf(state, (w, h) => (w === 0 ? 0 : w * h.attributes.beta!));
    }
    case 'gross_exposure':
      return sumOf(state, (w) => Math.abs(w));
    case 'net_exposure':
      return sumOf(state, (w) => w);
    case 'hhi':
      return sumOf(state, (w) => w * w);
    case 'volatility':
      return volatility(state, model);
    case 'var': {
      // z · volatility · √(horizon_days / 252)
      const vol = volatility(state, model);
      if ('missing' in vol) return vol;
      const factor = Z_SCORE[rules.confidence ?? 0.95] * Math.sqrt((rules.horizon_days ?? 1) / TRADING_DAYS);
      return { pre: factor * vol.pre, post: factor * vol.post };
    }
    case 'liquidity_days': {
      // max over positions of |quantity| / (participation × adv)
      const participation = rules.participation ?? 0.2;
      let pre = 0;
      let post = 0;
      for (const h of heldOnly(state)) {
        // An adv of 0 gives no finite number of days; like a missing adv it fails closed.
        const adv = h.attributes.adv;
        if (adv === undefined || adv <= 0) return { missing: true };
        if (h.preQty !== 0) pre = Math.max(pre, Math.abs(h.preQty) / (participation * adv));
        if (h.postQty !== 0) post = Math.max(post, Math.abs(h.postQty) / (participation * adv));
      }
      return { pre, post };
    }
  }
}

/** RISK_LIMIT: min ≤ metric ≤ max, subject = the metric. */
export function riskLimitChecks(rules: RiskLimitRules, state: ReferenceState, model: RiskModel | undefined): Check[] {
  const value = riskMetric(rules, state, model);
  if ('missing' in value) return [{ bound: 'missing', subject: rules.metric }];
  const checks: Check[] = [];
  if (rules.max !== undefined) checks.push({ bound: 'max', violation_type: 'RISK_MAX_EXCEEDED', subject: rules.metric, ...value, limit: rules.max });
  if (rules.min !== undefined) checks.push({ bound: 'min', violation_type: 'RISK_MIN_BREACHED', subject: rules.metric, ...value, limit: rules.min });
  return checks;
}
