import { TOLERANCE, type Check } from '../judge.js';
import type { Holding, ReferenceState } from '../state.js';
import { held, issuerOf, noHolding, noShort } from './holdings.js';

export type RegulatoryRules =
  | { rule: 'UCITS_5_10_40'; issuer_max?: number; threshold?: number; aggregate_max?: number }
  | { rule: 'DIVERSIFIED_75_5_10' }
  | { rule: 'RESTRICTED_LIST'; symbols?: string[]; issuers?: string[] }
  | { rule: 'SHORT_SALE_BAN'; symbols?: string[] }
  | { rule: 'OWNERSHIP_LIMIT'; max_fraction?: number };

/** Subjects of the two portfolio-wide checks (the contract does not name them). */
export const AGGREGATE_SUBJECT = 'issuers_above_threshold';
export const BUCKET_SUBJECT = 'non_diversified_bucket';

const isGovernment = (h: Holding) => h.attributes.is_government === true;

/** Σ of the long weights of each issuer's holdings, government securities left out. */
function longWeightByIssuer(state: ReferenceState): Map<string, { pre: number; post: number }> {
  const issuers = new Map<string, { pre: number; post: number }>();
  for (const h of state.holdings) {
    if (isGovernment(h)) continue;
    const sums = issuers.get(issuerOf(h)) ?? { pre: 0, post: 0 };
    sums.pre += Math.max(h.preWeight, 0);
    sums.post += Math.max(h.postWeight, 0);
    issuers.set(issuerOf(h), sums);
  }
  return issuers;
}

/** UCITS: each issuer ≤ issuer_max; Σ of issuers strictly above threshold ≤ aggregate_max. */
function ucits(rules: { issuer_max?: number; threshold?: number; aggregate_max?: number }, state: ReferenceState): Check[] {
  const issuerMax = rules.issuer_max ?? 0.1;
  const threshold = rules.threshold ?? 0.05;
  const aggregateMax = rules.aggregate_max ?? 0.4;
  const checks: Check[] = [];
  let preAggregate = 0;
  let postAggregate = 0;
  for (const [issuer, weight] of longWeightByIssuer(state)) {
    checks.push({ bound: 'max', violation_type: 'ISSUER_LIMIT_EXCEEDED', subject: issuer, pre: weight.pre, post: weight.post, limit: issuerMax });
    // "Above" is strict: an issuer at exactly the threshold (within 1e-9) does not count.
    if (weight.pre > threshold + TOLERANCE) preAggregate += weight.pre;
    if (weight.post > threshold + TOLERANCE) postAggregate += weight.post;
  }
  checks.push({ bound: 'max', violation_type: 'AGGREGATE_LIMIT_EXCEEDED', subject: AGGREGATE_SUBJECT, pre: preAggregate, post: postAggregate, limit: aggregateMax });
  return checks;
}

/**
 * s.5(b)(1): total assets TA = max(cash, 0) + Σ long market values; an issuer's whole long holding
 * is in the non-diversified bucket when it is above 5 % of TA or one of its long holdings is above
 * 10 % of its shares_outstanding (government securities and funds outside); bucket / TA ≤ 25 %.
 * The 10 % test needs shares_outstanding for every long holding in scope: fails closed without it.
 */
function diversified(state: ReferenceState): Check[] {
  const inScope = state.holdings.filter((h) => !isGovernment(h) && h.attributes.is_fund !== true);
  const checks: Check[] = inScope
    .filter((h) => (h.preQty > 0 || h.postQty > 0) && h.attributes.shares_outstanding === undefined)
    .map((h) => ({ bound: 'missing', subject: h.symbol }));
  const bucketShare = (quantity: (h: Holding) => number, cash: number) => {
    let totalAssets = Math.max(cash, 0);
    for (const h of state.holdings) totalAssets += Math.max(quantity(h) * h.mark, 0);
    const issuers = new Map<string, { value: number; overOwned: boolean }>();
    for (const h of inScope) {
      const entry = issuers.get(issuerOf(h)) ?? { value: 0, overOwned: false };
      const q = quantity(h);
      entry.value += Math.max(q * h.mark, 0);
      const outstanding = h.attributes.shares_outstanding;
      if (outstanding !== undefined && q / outstanding > 0.1 + TOLERANCE) entry.overOwned = true;
      issuers.set(issuerOf(h), entry);
    }
    let bucket = 0;
    for (const { value, overOwned } of issuers.values()) {
      if (overOwned || value / totalAssets > 0.05 + TOLERANCE) bucket += value;
    }
    return bucket / totalAssets;
  };
  const pre = bucketShare((h) => h.preQty, state.preCash);
  const post = bucketShare((h) => h.postQty, state.postCash);
  checks.push({ bound: 'max', violation_type: 'DIVERSIFICATION_FAILED', subject: BUCKET_SUBJECT, pre, post, limit: 0.25 });
  return checks;
}

export function regulatoryChecks(rules: RegulatoryRules, state: ReferenceState): Check[] {
  switch (rules.rule) {
    case 'UCITS_5_10_40':
      return ucits(rules, state);
    case 'DIVERSIFIED_75_5_10':
      return diversified(state);
    case 'RESTRICTED_LIST': {
      const symbols = new Set(rules.symbols ?? []);
      const issuers = new Set(rules.issuers ?? []);
      return state.holdings
        .filter((h) => held(h) && (symbols.has(h.symbol) || issuers.has(issuerOf(h))))
        .map((h) => noHolding('RESTRICTED_INSTRUMENT', h));
    }
    case 'SHORT_SALE_BAN': {
      const scope = rules.symbols ? new Set(rules.symbols) : undefined;
      return state.holdings.filter((h) => held(h) && (!scope || scope.has(h.symbol))).map((h) => noShort('SHORT_SALE_PROHIBITED', h));
    }
    case 'OWNERSHIP_LIMIT': {
      // |quantity| / shares_outstanding ≤ max_fraction; a holding without shares_outstanding fails closed.
      const checks: Check[] = [];
      for (const h of state.holdings.filter(held)) {
        const outstanding = h.attributes.shares_outstanding;
        if (outstanding === undefined) {
          checks.push({ bound: 'missing', subject: h.symbol });
          continue;
        }
        const limit = rules.max_fraction ?? 0.1;
        checks.push({ bound: 'max', violation_type: 'OWNERSHIP_LIMIT_EXCEEDED', subject: h.symbol, pre: Math.abs(h.preQty) / outstanding, post: Math.abs(h.postQty) / outstanding, limit });
      }
      return checks;
    }
  }
}
