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

export interface RiskMetric {
  readonly kind: Omit<CheckKind, 'violationType'>;
  compute(portfolio: PortfolioColumns, parameters: RiskParameters): MetricValue;
}

const metricText = (metric: string) => (subject: string) => subject === metric ? `Portfolio ${metric}` : subject;
const weightMetric = (name: string): Omit<CheckKind, 'violationType'> => ({ subjectText: metricText(name), format: percent, unit: ' of NAV' });

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
    kind: { subjectText: metricText('beta'), format: decimal, unit: '' },
    compute(portfolio) {
      const beta = portfolio.numeric('beta');
      let pre = 0;
      let post = 0;
      const lacking: string[] = [];
      for (let i = 0; i < portfolio.n; i++) {
        const w0 = portfolio.preWeight[i];
        const w1 = portfolio.postWeight[i];
        if (w0 === 0 && w1 === 0) continue;
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
  /** gross_exposure = Σ |wᵢ| */
  gross_exposure: { kind: weightMetric('gross_exposure'), compute: (p) => sumOverWeights(p, Math.abs) },
  /** net_exposure = Σ wᵢ */
  net_exposure: { kind: weightMetric('net_exposure'), compute: (p) => sumOverWeights(p, (w) => w) },
  /** hhi = Σ wᵢ² (Herfindahl concentration) */
  hhi: {
    kind: { subjectText: metricText('hhi'), format: decimal, unit: '' },
    compute: (p) => sumOverWeights(p, (w) => w * w),
  },
};

export function listSymbols(symbols: string[], shown = 10): string {
  const head = symbols.slice(0, shown).join(', ');
  return symbols.length > shown ? `${head} and ${symbols.length - shown} more` : head;
}
