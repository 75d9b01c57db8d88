// Utilisation per check, for the what-if bars. Two sources, always labelled:
// - 'service': a violation's observed and limit, as the service computed them;
// - 'page': a passing check recomputed here from the request (post-trade.js), for the rules the page
//   knows: POSITION_LIMIT max_weight / max_quantity / max_notional, SECTOR_LIMIT maxima, and
//   RISK_LIMIT max on gross_exposure / net_exposure / hhi. Everything else is listed as not drawn.
import { isFraction } from './format.js';
import { postTradeState } from './post-trade.js';

const MIN_TYPES = new Set(['MIN_WEIGHT_BREACHED', 'GROUP_MIN_BREACHED', 'RISK_MIN_BREACHED', 'CASH_MIN_BREACHED']);
const TOLERANCE = 1e-9;

/**
 * Contract section 6: u = observed / limit for a maximum, limit / observed for a minimum;
 * 0 for a zero limit that is respected, infinite for one that is not.
 */
function utilisation(bound, observed, limit) {
  if (bound === 'min') return observed > 0 ? limit / observed : limit <= TOLERANCE ? 0 : Infinity;
  if (Math.abs(limit) <= TOLERANCE) return Math.abs(observed) <= TOLERANCE ? 0 : Infinity;
  return observed / limit;
}

const RISK_SUMS = {
  gross_exposure: (w) => Math.abs(w),
  net_exposure: (w) => w,
  hhi: (w) => w * w,
};

function positionChecks(policy, state) {
  const { max_weight: maxWeight, max_quantity: maxQuantity, max_notional: maxNotional, symbols } = policy.rules;
  const scope = Array.isArray(symbols) ? new Set(symbols) : undefined;
  const checks = [];
  for (const row of state.rows) {
    if (scope && !scope.has(row.symbol)) continue;
    const check = (type, label, unit, pre, observed, limit) => checks.push({ violation_type: type, subject: row.symbol, label, unit, pre, observed, limit });
    if (typeof maxWeight === 'number') check('MAX_WEIGHT_EXCEEDED', `${row.symbol} weight`, 'fraction', Math.abs(row.preWeight), Math.abs(row.postWeight), maxWeight);
    if (typeof maxQuantity === 'number') check('MAX_QUANTITY_EXCEEDED', `${row.symbol} quantity`, 'amount', Math.abs(row.preQty), Math.abs(row.postQty), maxQuantity);
    if (typeof maxNotional === 'number') check('MAX_NOTIONAL_EXCEEDED', `${row.symbol} notional`, 'amount', Math.abs(row.preQty * row.mark), Math.abs(row.postQty * row.mark), maxNotional);
  }
  return checks;
}

/** Σ wᵢ (net) or Σ |wᵢ| (gross) per group; a missing attribute is the group UNCLASSIFIED. */
function sectorChecks(policy, state) {
  const { group_by: groupBy = 'sector', measure = 'net', max_weight: maxWeight, limits = {} } = policy.rules;
  const size = measure === 'gross' ? Math.abs : (w) => w;
  const groups = new Map();
  for (const row of state.rows) {
    const group = row.attribute(groupBy) ?? 'UNCLASSIFIED';
    const sums = groups.get(group) ?? { pre: 0, post: 0 };
    sums.pre += size(row.preWeight);
    sums.post += size(row.postWeight);
    groups.set(group, sums);
  }
  const checks = [];
  for (const [group, sums] of groups) {
    const limit = Object.hasOwn(limits, group) ? limits[group] : maxWeight;
    if (typeof limit !== 'number') continue;
    checks.push({ violation_type: 'GROUP_MAX_EXCEEDED', subject: group, label: group, unit: 'fraction', pre: sums.pre, observed: sums.post, limit });
  }
  return checks;
}

function riskChecks(policy, state) {
  const f = RISK_SUMS[policy.rules.metric];
  if (!f || typeof policy.rules.max !== 'number') return [];
  const pre = state.rows.reduce((sum, r) => sum + f(r.preWeight), 0);
  const post = state.rows.reduce((sum, r) => sum + f(r.postWeight), 0);
  const unit = policy.rules.metric === 'hhi' ? 'amount' : 'fraction';
  return [{ violation_type: 'RISK_MAX_EXCEEDED', subject: policy.rules.metric, label: policy.rules.metric.replace('_', ' '), unit, pre, observed: post, limit: policy.rules.max }];
}

const COMPUTERS = { POSITION_LIMIT: positionChecks, SECTOR_LIMIT: sectorChecks, RISK_LIMIT: riskChecks };

/**
 * @typedef {{ violation_type: string, subject: string, label: string, unit: string, pre: number, observed: number, limit: number }} PageCheck
 */

/**
 * The maximum checks of `policy` the page can recompute on a post-trade state (empty for the others).
 * @returns {PageCheck[]}
 */
export const pageChecks = (policy, state) => COMPUTERS[policy.policy_type]?.(policy, state) ?? [];

/** What the page leaves to the service alone, in words, for a policy; '' when it draws everything. */
function notDrawn(policy) {
  const { rules, policy_type: type } = policy;
  if (!COMPUTERS[type]) return `${policy.policy_name} (${type}): checked by the service only`;
  if (type === 'RISK_LIMIT' && !RISK_SUMS[rules.metric]) return `${policy.policy_name}: ${rules.metric} checked by the service only`;
  if (type === 'RISK_LIMIT' && rules.min !== undefined) return `${policy.policy_name}: the ${rules.metric} minimum checked by the service only`;
  if (type === 'POSITION_LIMIT' && rules.min_weight !== undefined) return `${policy.policy_name}: min_weight checked by the service only`;
  if (type === 'SECTOR_LIMIT' && rules.min_weights !== undefined) return `${policy.policy_name}: min_weights checked by the service only`;
  return '';
}

/**
 * The bars for a what-if run, grouped by policy in the order the service checked them:
 * { policy_name, bars: [{ label, subject, unit, bound, pre, observed, limit, u, preU, source, violation?, passive }] },
 * plus `notDrawn`, the checks left to the service.
 */
export function utilisationBars(request, response, policies) {
  const checked = response.policies_checked.map((name) => policies.find((p) => p.policy_name === name)).filter(Boolean);
  let state;
  try {
    state = postTradeState(request);
  } catch {
    state = undefined;
  }
  const key = (policyName, type, subject) => `${policyName}\u0000${type}\u0000${subject}`;
  const violations = new Map();
  for (const v of response.violations) {
    if (typeof v.observed === 'number' && typeof v.limit === 'number') violations.set(key(v.policy_name, v.violation_type, v.subject), v);
  }

  const groups = new Map(response.policies_checked.map((name) => [name, []]));
  const seen = new Set();
  for (const policy of checked) {
    if (!state) continue;
    for (const check of pageChecks(policy, state)) {
      const k = key(policy.policy_name, check.violation_type, check.subject);
      const violation = violations.get(k);
      seen.add(k);
      const source = violation ? 'service' : 'page';
      const observed = violation ? violation.observed : check.observed;
      const limit = violation ? violation.limit : check.limit;
      const pre = violation?.pre_trade ?? check.pre;
      const u = utilisation('max', observed, limit);
      const preU = utilisation('max', pre, limit);
      groups.get(policy.policy_name).push({ ...check, bound: 'max', pre, observed, limit, u, preU, source, violation, passive: !violation && u > 1 + TOLERANCE });
    }
  }
  for (const [k, v] of violations) {
    if (seen.has(k)) continue;
    const bound = MIN_TYPES.has(v.violation_type) ? 'min' : 'max';
    const unit = isFraction(v.violation_type, v.subject) ? 'fraction' : 'amount';
    const bar = { violation_type: v.violation_type, subject: v.subject, label: v.subject ?? v.violation_type, unit, pre: v.pre_trade, observed: v.observed, limit: v.limit, bound, source: 'service', violation: v, passive: false };
    bar.u = utilisation(bound, v.observed, v.limit);
    if (typeof v.pre_trade === 'number') bar.preU = utilisation(bound, v.pre_trade, v.limit);
    if (!groups.has(v.policy_name)) groups.set(v.policy_name, []);
    groups.get(v.policy_name).push(bar);
  }
  for (const bars of groups.values()) bars.sort((a, b) => b.u - a.u);
  return {
    groups: [...groups].map(([policy_name, bars]) => ({ policy_name, bars })).filter((g) => g.bars.length > 0),
    notDrawn: [...checked.map(notDrawn).filter(Boolean), ...(state ? [] : ['every computed bar: the request has a symbol without a price'])],
  };
}
