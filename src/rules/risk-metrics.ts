import type { CheckKind } from '../engine/checks.js';
import { decimal, percent } from '../engine/format.js';
import type { PortfolioColumns } from '../engine/portfolio.js';

/** The parameters a RISK_LIMIT may carry besides metric, max and min. */
export interface RiskParameters {
  confidence?: number;
  horizon_days?: number;
  participation?: number;
}

/** A metric's pre- and post-trade values, or the data it lacks (which fails closed). */
export type MetricValue = { pre: number; post: number } | { missing: string };

type MetricKind = Omit<CheckKind, 'violationType'>;

export interface RiskMetric {
  /** How the metric reads in descriptions, given the policy's parameters. */
  kind(parameters: RiskParameters): MetricKind;
  compute(portfolio: PortfolioColumns, parameters: RiskParameters): MetricValue;
}

const metricText = (text: string) => () => text;
const weightMetric = (name: string) => (): MetricKind => ({ subjectText: metricText(`Portfolio ${name}`), format: percent, unit: ' of NAV' });

/** Σ f(wᵢ) over positions, pre- and post-trade. */
function sumOverWeights(portfolio: PortfolioColumns, f: (w: number) => number): MetricValue {
  let pre = 0;
  let post = 0;
  for (let i = 0; i < portfolio.n; i++) {
    pre += f(portfolio.preWeight[i]);
    post += f(portfolio.postWeight[i]);
  }
  return { pre, post };
}

/** The metrics a RISK_LIMIT can bound; w = weights of non-cash positions. */
export const RISK_METRICS: Record<string, RiskMetric> = {
  /** beta = Σ wᵢ βᵢ; a held position without beta fails closed. */
  beta: {
    kind: () => ({ subjectText: metricText('Portfolio beta'), format: decimal, unit: '' }),
    compute(portfolio) {
      const beta = portfolio.numeric('beta');
      let pre = 0;
      let post = 0;
      const lacking: string[] = [];
      for (let i = 0; i < portfolio.n; i++) {
        const w0 = portfolio.preWeight[i];
        const w1 = portfolio.postWeight[i];
        if (portfolio.preQty[i] === 0 && portfolio.postQty[i] === 0) continue;
        if (Number.isNaN(beta[i])) {
          lacking.push(portfolio.symbols[i]);
          continue;
        }
        pre += w0 * beta[i];
        post += w1 * beta[i];
      }
      if (lacking.length > 0) return { missing: `beta is missing for ${listSymbols(lacking)}` };
      return { pre, post };
    },
  },
  /** volatility = √(wᵀΣw), Σ the annualised covariance of the request's risk_model. */
  volatility: {
    kind: () => ({ subjectText: metricText('Portfolio volatility'), format: percent, unit: ' annualised' }),
    compute: (p) => volatilityOf(p, 1),
  },
  /** var = z · √(wᵀΣw) · √(horizon_days / 252), z = 1.6449 (confidence 0.95) or 2.3263 (0.99). */
  var: {
    kind: (parameters) => ({
      subjectText: metricText(`Portfolio VaR (${percent(confidenceOf(parameters)).replace('.00', '')}, ${horizonOf(parameters)}-day)`),
      format: percent,
      unit: ' of NAV',
    }),
    compute: (p, parameters) => volatilityOf(p, Z_SCORES[confidenceOf(parameters)] * Math.sqrt(horizonOf(parameters) / TRADING_DAYS)),
  },
  /** liquidity_days = maxᵢ |qᵢ| / (participation × advᵢ), participation default 0.2. */
  liquidity_days: {
    kind: (parameters) => ({
      subjectText: metricText(`Portfolio liquidation at ${percent(participationOf(parameters)).replace('.00', '')} of ADV`),
      format: decimal,
      unit: ' days',
    }),
    compute: liquidityDays,
  },
  /** gross_exposure = Σ |wᵢ| */
  gross_exposure: { kind: weightMetric('gross_exposure'), compute: (p) => sumOverWeights(p, Math.abs) },
  /** net_exposure = Σ wᵢ */
  net_exposure: { kind: weightMetric('net_exposure'), compute: (p) => sumOverWeights(p, (w) => w) },
  /** hhi = Σ wᵢ² (Herfindahl concentration) */
  hhi: {
    kind: () => ({ subjectText: metricText('Portfolio hhi'), format: decimal, unit: '' }),
    compute: (p) => sumOverWeights(p, (w) => w * w),
  },
};

/** One-sided normal quantiles for the confidence levels a VaR limit may use. */
const Z_SCORES: Record<number, number> = { 0.95: 1.6449, 0.99: 2.3263 };
const TRADING_DAYS = 252;
/** Defaults: 95 % one-day VaR; liquidating at 20 % of average daily volume. */
const confidenceOf = (p: RiskParameters) => p.confidence ?? 0.95;
const horizonOf = (p: RiskParameters) => p.horizon_days ?? 1;
const participationOf = (p: RiskParameters) => p.participation ?? 0.2;

/** Symbols held before or after the trade (non-zero weight on either side). */
function heldWithout(portfolio: PortfolioColumns, lacks: (i: number) => boolean): string[] {
  const lacking: string[] = [];
  for (let i = 0; i < portfolio.n; i++) {
    if ((portfolio.preQty[i] !== 0 || portfolio.postQty[i] !== 0) && lacks(i)) lacking.push(portfolio.symbols[i]);
  }
  return lacking;
}

/** scale · √(wᵀΣw), pre- and post-trade; fails closed without a risk model or a held symbol in it. */
function volatilityOf(portfolio: PortfolioColumns, scale: number): MetricValue {
  const covariance = portfolio.covariance();
  if (!covariance) return { missing: 'the request has no portfolio_state.risk_model' };
  const lacking = heldWithout(portfolio, (i) => covariance.row[i] < 0);
  if (lacking.length > 0) return { missing: `the risk model lacks ${listSymbols(lacking)}` };
  const { pre, post } = covariance.volatilities(portfolio.preWeight, portfolio.postWeight);
  return { pre: scale * pre, post: scale * post };
}

function liquidityDays(portfolio: PortfolioColumns, parameters: RiskParameters): MetricValue {
  const adv = portfolio.numeric('adv');
  // An adv of 0 cannot be liquidated at any participation: as unusable as a missing one.
  const lacking = heldWithout(portfolio, (i) => !(adv[i] > 0));
  if (lacking.length > 0) return { missing: `adv is missing or 0 for ${listSymbols(lacking)}` };
  const perDay = participationOf(parameters);
  let pre = 0;
  let post = 0;
  for (let i = 0; i < portfolio.n; i++) {
    if (portfolio.preQty[i] !== 0) pre = Math.max(pre, Math.abs(portfolio.preQty[i]) / (perDay * adv[i]));
    if (portfolio.postQty[i] !== 0) post = Math.max(post, Math.abs(portfolio.postQty[i]) / (perDay * adv[i]));
  }
  return { pre, post };
}

export function listSymbols(symbols: string[], shown = 10): string {
  const head = symbols.slice(0, shown).join(', ');
  return symbols.length > shown ? `${head} and ${symbols.length - shown} more` : head;
}
