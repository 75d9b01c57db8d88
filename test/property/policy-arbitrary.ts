import fc from 'fast-check';
import type { EnforcementLevel, PolicyType, Severity } from '../../src/schemas/common.js';
import type { PolicyInput } from '../../src/schemas/policy.js';
import { riskMetric } from '../reference/rules/risk-limit.js';
import { groupWeights, type GroupAttribute } from '../reference/rules/sector-limit.js';
import { RATING_SCALE } from '../reference/rules/investment-mandate.js';
import { buildReferenceState, type ReferenceState } from '../reference/state.js';
import { fraction, near, nearFraction, nearNonNegative } from './near.js';
import { ASSET_CLASSES, COUNTRIES, ISSUERS, SECTORS, SYMBOLS, type RequestWithoutPolicies } from './request-arbitrary.js';
import type { Supported } from './supported.js';

/**
 * Random policy sets for a request, with limits near the request's own values (measured with the
 * reference state), advisory policies, severity overrides and disabled policies.
 */

const GROUP_ATTRIBUTES: GroupAttribute[] = ['sector', 'industry', 'country', 'currency', 'asset_class', 'issuer', 'rating'];
const SEVERITIES: Severity[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** Values of the request before and after its trades, to draw limits near. */
interface Probe {
  state?: ReferenceState;
  request: RequestWithoutPolicies;
}

const both = (pairs: Array<{ pre: number; post: number }>) => pairs.flatMap((p) => [p.pre, p.post]);
const holdings = (probe: Probe) => probe.state?.holdings ?? [];
const anyWeight = fc.double({ min: -0.5, max: 1.5, noNaN: true });

/** Keeps min ≤ max where a policy has both (the rules schema requires it). */
function ordered<T extends Record<string, unknown>>(rules: T, min: string, max: string): T {
  const lo = rules[min] as number | undefined;
  const hi = rules[max] as number | undefined;
  return lo !== undefined && hi !== undefined && lo > hi ? { ...rules, [min]: hi } : rules;
}

function positionRules(probe: Probe) {
  const hs = holdings(probe);
  return fc
    .record(
      {
        max_weight: nearNonNegative(hs.flatMap((h) => [h.preWeight, h.postWeight]), fraction()),
        min_weight: near(hs.flatMap((h) => [h.preWeight, h.postWeight]), anyWeight),
        max_quantity: nearNonNegative(hs.flatMap((h) => [h.preQty, h.postQty]), fc.integer({ min: 0, max: 5000 })),
        max_notional: nearNonNegative(hs.flatMap((h) => [h.preQty * h.mark, h.postQty * h.mark]), fc.integer({ min: 0, max: 2_000_000 })),
        symbols: fc.subarray(SYMBOLS, { minLength: 1 }),
      },
      { requiredKeys: [] },
    )
    .filter((r) => r.max_weight !== undefined || r.min_weight !== undefined || r.max_quantity !== undefined || r.max_notional !== undefined)
    .map((r) => ordered(r, 'min_weight', 'max_weight'));
}

function sectorRules(probe: Probe) {
  return fc.record({ group_by: fc.option(fc.constantFrom(...GROUP_ATTRIBUTES), { nil: undefined }), measure: fc.option(fc.constantFrom('net' as const, 'gross' as const), { nil: undefined }) }).chain(({ group_by, measure }) => {
    const groups = probe.state ? groupWeights(probe.state, group_by ?? 'sector', measure ?? 'net') : new Map<string, { pre: number; post: number }>();
    const values = both([...groups.values()]);
    const labels = [...new Set([...groups.keys(), ...SECTORS, ...COUNTRIES, 'UNCLASSIFIED'])];
    const weights = fc.dictionary(fc.constantFrom(...labels), nearNonNegative(values, fraction()), { maxKeys: 4 });
    return fc
      .record({ max_weight: nearNonNegative(values, fraction()), limits: weights, min_weights: weights }, { requiredKeys: [] })
      .filter((r) => r.max_weight !== undefined || r.limits !== undefined || r.min_weights !== undefined)
      .map((r) => ({ ...r, ...(group_by ? { group_by } : {}), ...(measure ? { measure } : {}) }));
  });
}

function riskRules(probe: Probe, metrics: readonly string[]) {
  // Each parameter belongs to one metric; the rules schema refuses it on another.
  const parametersOf = (metric: string): fc.Arbitrary<Record<string, number>> => {
    if (metric === 'var') return fc.record({ confidence: fc.constantFrom(0.95, 0.99), horizon_days: fc.integer({ min: 1, max: 20 }) }, { requiredKeys: [] });
    if (metric === 'liquidity_days') return fc.record({ participation: fc.double({ min: 0.01, max: 1, noNaN: true }) }, { requiredKeys: [] });
    return fc.constant({});
  };
  return fc.constantFrom(...metrics).chain((metric) => parametersOf(metric).map((params) => [metric, params] as const)).chain(([metric, params]) => {
    let values: number[] = [];
    try {
      const value = probe.state && riskMetric({ metric, ...params } as never, probe.state, probe.request.portfolio_state.risk_model);
      if (value && !('missing' in value)) values = [value.pre, value.post];
    } catch {
      // A malformed risk model: any limit will do, the request is impossible.
    }
    const limit = near(values, fc.double({ min: -1, max: 3, noNaN: true }));
    return fc
      .record({ max: limit, min: limit }, { requiredKeys: [] })
      .filter((r) => r.max !== undefined || r.min !== undefined)
      .map((r) => ordered({ metric, ...params, ...r }, 'min', 'max'));
  });
}

function regulatoryRules(probe: Probe, rules: readonly string[]) {
  const hs = holdings(probe);
  const longWeights = hs.flatMap((h) => [Math.max(h.preWeight, 0), Math.max(h.postWeight, 0)]);
  const ownership = hs.flatMap((h) => (h.attributes.shares_outstanding ? [Math.abs(h.preQty), Math.abs(h.postQty)].map((q) => q / h.attributes.shares_outstanding!) : []));
  return fc.constantFrom(...rules).chain((rule): fc.Arbitrary<Record<string, unknown>> => {
    switch (rule) {
      case 'UCITS_5_10_40':
        return fc
          .record({ issuer_max: nearFraction(longWeights), threshold: nearFraction(longWeights), aggregate_max: nearFraction(longWeights) }, { requiredKeys: [] })
          .map((r) => {
            // threshold ≤ issuer_max, the defaults (0.05, 0.10) included.
            const threshold = r.threshold ?? 0.05;
            const issuerMax = r.issuer_max ?? 0.1;
            return { rule, ...r, ...(threshold > issuerMax ? { threshold: issuerMax } : {}) };
          });
      case 'RESTRICTED_LIST':
        return fc
          .record({ symbols: fc.subarray(SYMBOLS, { minLength: 1 }), issuers: fc.subarray([...ISSUERS, ...SYMBOLS], { minLength: 1 }) }, { requiredKeys: [] })
          .filter((r) => r.symbols !== undefined || r.issuers !== undefined)
          .map((r) => ({ rule, ...r }));
      case 'SHORT_SALE_BAN':
        return fc.record({ symbols: fc.subarray(SYMBOLS, { minLength: 1 }) }, { requiredKeys: [] }).map((r) => ({ rule, ...r }));
      case 'OWNERSHIP_LIMIT':
        return fc.record({ max_fraction: nearFraction(ownership) }, { requiredKeys: [] }).map((r) => ({ rule, ...r }));
      default:
        return fc.constant({ rule });
    }
  });
}

function mandateRules(probe: Probe, keys: readonly string[]) {
  const state = probe.state;
  const cashWeights = state ? [state.preCash / state.preNav, state.postCash / state.postNav] : [];
  const counts = state ? [state.holdings.filter((h) => h.preQty !== 0).length, state.holdings.filter((h) => h.postQty !== 0).length] : [];
  const all = {
    allowed_asset_classes: fc.subarray(ASSET_CLASSES, { minLength: 1 }),
    excluded_symbols: fc.subarray(SYMBOLS, { minLength: 1 }),
    excluded_issuers: fc.subarray([...ISSUERS, ...SYMBOLS], { minLength: 1 }),
    excluded_sectors: fc.subarray(SECTORS, { minLength: 1 }),
    excluded_countries: fc.subarray(COUNTRIES, { minLength: 1 }),
    long_only: fc.boolean(),
    min_cash_weight: nearFraction(cashWeights),
    max_cash_weight: nearFraction(cashWeights),
    max_positions: fc.oneof(fc.constantFrom(...counts, 0), fc.integer({ min: 0, max: 8 })),
    min_rating: fc.constantFrom(...RATING_SCALE),
  } as Record<string, fc.Arbitrary<unknown>>;
  const chosen = Object.fromEntries(keys.map((k) => [k, all[k]]));
  return fc
    .record(chosen, { requiredKeys: [] })
    .filter((r) => Object.keys(r).length > 0)
    .map((r) => ordered(r, 'min_cash_weight', 'max_cash_weight'));
}

export interface GeneratedCase {
  request: RequestWithoutPolicies & { applicable_policies: string[] };
  policies: PolicyInput[];
}

function policyArbitrary(probe: Probe, supported: Supported): fc.Arbitrary<{ policy_type: PolicyType; rules: Record<string, unknown> }> {
  const kinds: Array<fc.Arbitrary<{ policy_type: PolicyType; rules: Record<string, unknown> }>> = [];
  const of = (policy_type: PolicyType, rules: fc.Arbitrary<Record<string, unknown>>) => rules.map((r) => ({ policy_type, rules: r }));
  if (supported.positionLimit) kinds.push(of('POSITION_LIMIT', positionRules(probe)));
  if (supported.sectorLimit) kinds.push(of('SECTOR_LIMIT', sectorRules(probe)));
  if (supported.riskMetrics.length > 0) kinds.push(of('RISK_LIMIT', riskRules(probe, supported.riskMetrics)));
  if (supported.regulatoryRules.length > 0) kinds.push(of('REGULATORY', regulatoryRules(probe, supported.regulatoryRules)));
  if (supported.mandateKeys.length > 0) kinds.push(of('INVESTMENT_MANDATE', mandateRules(probe, supported.mandateKeys)));
  return fc.oneof(...kinds);
}

/** A request with 1–5 policies (names, enforcement, overrides, enabled) and the names it applies. */
export function caseArbitrary(requests: fc.Arbitrary<RequestWithoutPolicies>, supported: Supported): fc.Arbitrary<GeneratedCase> {
  return requests.chain((request) => {
    let state: ReferenceState | undefined;
    try {
      state = buildReferenceState({ ...request, applicable_policies: [] });
    } catch {
      state = undefined;
    }
    const probe: Probe = { state, request };
    const policy = fc
      .record({
        body: policyArbitrary(probe, supported),
        enforcement_level: fc.constantFrom<EnforcementLevel>('strict', 'strict', 'advisory'),
        severity: fc.option(fc.constantFrom(...SEVERITIES), { freq: 6, nil: undefined }),
        enabled: fc.oneof({ weight: 30, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      })
      .map(({ body, enforcement_level, severity, enabled }) => ({
        policy_type: body.policy_type,
        rules: severity ? { ...body.rules, severity } : body.rules,
        enforcement_level,
        enabled,
      }));
    return fc.array(policy, { minLength: 1, maxLength: 5 }).chain((drafts) => {
      const policies: PolicyInput[] = drafts.map((p, i) => ({ policy_name: `${p.policy_type.toLowerCase()}_${i}`, ...p }));
      const names = policies.map((p) => p.policy_name);
      const applicable = fc.oneof(
        { weight: 8, arbitrary: fc.constant([] as string[]) },
        { weight: 15, arbitrary: fc.shuffledSubarray(names, { minLength: 1 }) },
        { weight: 2, arbitrary: fc.shuffledSubarray(names, { minLength: 1 }).map((list) => [...list, list[0]]) },
        { weight: 1, arbitrary: fc.shuffledSubarray(names).map((list) => [...list, 'no_such_policy']) },
      );
      return applicable.map((applicable_policies) => ({ request: { ...request, applicable_policies }, policies }));
    });
  });
}
