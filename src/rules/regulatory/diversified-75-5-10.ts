import { TOLERANCE, type CheckKind, type CheckSink } from '../../engine/checks.js';
import { percent } from '../../engine/format.js';
import type { GroupColumn, PortfolioColumns } from '../../engine/portfolio.js';
import { issuerColumn } from '../holdings.js';
import { defineRegulatoryRule, regulatoryRules } from './rule.js';

/** Investment Company Act s.5(b)(1): 75 % of total assets diversified, so at most 25 % outside. */
const BUCKET_MAX = 0.25;
/** An issuer above 5 % of total assets, or a holding above 10 % of the shares outstanding, is outside. */
const ISSUER_SHARE_OF_ASSETS = 0.05;
const OWNERSHIP_SHARE = 0.1;

/** Subject of the bucket check (one per policy). */
export const BUCKET_SUBJECT = 'non_diversified_bucket';

const DIVERSIFICATION: CheckKind = {
  violationType: 'DIVERSIFICATION_FAILED',
  subjectText: () => 'Non-diversified bucket (issuers above 5% of total assets or 10% of shares outstanding)',
  format: percent,
  unit: ' of total assets',
};

/**
 * Bucket / total assets for one side of the trade. TA = max(cash, 0) + Σ max(qᵢ·pᵢ, 0);
 * issuer g's holding Hg = Σ_{i∈g} max(qᵢ·pᵢ, 0) enters the bucket whole when Hg > 5 % · TA or
 * some qᵢ / shares_outstandingᵢ > 10 %. Funds and government securities are outside.
 */
function bucketShare(portfolio: PortfolioColumns, issuers: GroupColumn, inScope: Uint8Array, quantity: Float64Array, cash: number): number {
  const { codes, labels } = issuers;
  const sharesOutstanding = portfolio.numeric('shares_outstanding');
  const holding = new Float64Array(labels.length);
  const overOwned = new Uint8Array(labels.length);
  let totalAssets = Math.max(cash, 0);
  for (let i = 0; i < portfolio.n; i++) {
    const value = Math.max(quantity[i] * portfolio.mark[i], 0);
    totalAssets += value;
    if (!inScope[i]) continue;
    holding[codes[i]] += value;
    // A missing shares_outstanding (NaN) never triggers here; it is reported as missing data.
    if (quantity[i] / sharesOutstanding[i] > OWNERSHIP_SHARE + TOLERANCE) overOwned[codes[i]] = 1;
  }
  let bucket = 0;
  for (let g = 0; g < labels.length; g++) {
    if (overOwned[g] || holding[g] / totalAssets > ISSUER_SHARE_OF_ASSETS + TOLERANCE) bucket += holding[g];
  }
  return bucket / totalAssets;
}

/** Slots the issuer tests cover: not a fund, not a government security. */
function scope(portfolio: PortfolioColumns): Uint8Array {
  const fund = portfolio.flag('is_fund');
  const government = portfolio.flag('is_government');
  const inScope = new Uint8Array(portfolio.n);
  for (let i = 0; i < portfolio.n; i++) inScope[i] = fund[i] || government[i] ? 0 : 1;
  return inScope;
}

/** The 10 % test needs shares_outstanding for every long holding in scope, before or after. */
function reportMissingShares(portfolio: PortfolioColumns, inScope: Uint8Array, sink: CheckSink): void {
  const sharesOutstanding = portfolio.numeric('shares_outstanding');
  for (let i = 0; i < portfolio.n; i++) {
    if (!inScope[i] || !Number.isNaN(sharesOutstanding[i])) continue;
    if (portfolio.preQty[i] > 0 || portfolio.postQty[i] > 0) {
      sink.missing(portfolio.symbols[i], `${portfolio.symbols[i]} has no shares_outstanding; the 10% ownership test of DIVERSIFIED_75_5_10 cannot be applied`);
    }
  }
}

/** DIVERSIFIED_75_5_10: the non-diversified bucket ≤ 25 % of total assets. */
export const diversified75510 = defineRegulatoryRule({
  rule: 'DIVERSIFIED_75_5_10',
  rulesSchema: regulatoryRules('DIVERSIFIED_75_5_10', {}, 'US diversified fund test (Investment Company Act s.5(b)(1))'),
  compile() {
    return (portfolio, sink) => {
      const inScope = scope(portfolio);
      reportMissingShares(portfolio, inScope, sink);
      const issuers = issuerColumn(portfolio);
      const pre = bucketShare(portfolio, issuers, inScope, portfolio.preQty, portfolio.preCash);
      const post = bucketShare(portfolio, issuers, inScope, portfolio.postQty, portfolio.postCash);
      sink.max(DIVERSIFICATION, BUCKET_SUBJECT, pre, post, BUCKET_MAX);
    };
  },
});
