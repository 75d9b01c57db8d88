import { toPolicyDefinition } from '../../src/policies/validate-definition.js';
import { RULE_MODULES } from '../../src/rules/registry.js';
import { RISK_METRICS } from '../../src/rules/risk-metrics.js';
import type { PolicyType } from '../../src/schemas/common.js';
import type { PolicyDefinition } from '../../src/schemas/policy.js';

/**
 * Rules of each policy type that the synthetic portfolios of portfolios.ts exercise. The types and
 * metrics are probed from the registry, so the benchmarks grow as rule modules are added and
 * skip (and say so) what this build does not have.
 */
const TEMPLATES: Record<PolicyType, ReadonlyArray<Record<string, unknown>>> = {
  POSITION_LIMIT: [
    { max_weight: 0.1 },
    { max_weight: 0.08, min_weight: 0 },
    { max_notional: 20_000_000 },
    { max_quantity: 5_000_000 },
  ],
  SECTOR_LIMIT: [
    { max_weight: 0.3 },
    { group_by: 'country', max_weight: 0.6 },
    { group_by: 'issuer', max_weight: 0.1, measure: 'gross' },
    { group_by: 'currency', max_weight: 0.7, min_weights: { USD: 0.2 } },
  ],
  RISK_LIMIT: [
    { metric: 'gross_exposure', max: 1.0 },
    { metric: 'beta', min: 0.5, max: 1.5 },
    { metric: 'hhi', max: 0.05 },
    { metric: 'net_exposure', min: 0.5, max: 1.0 },
    { metric: 'liquidity_days', max: 5 },
    { metric: 'volatility', max: 0.3 },
    { metric: 'var', max: 0.05, confidence: 0.99, horizon_days: 10 },
  ],
  REGULATORY: [
    { rule: 'UCITS_5_10_40' },
    { rule: 'DIVERSIFIED_75_5_10' },
    { rule: 'RESTRICTED_LIST', symbols: ['RESTRICTED1', 'RESTRICTED2'], issuers: ['Sanctioned Corp'] },
    { rule: 'SHORT_SALE_BAN' },
    { rule: 'OWNERSHIP_LIMIT', max_fraction: 0.1 },
  ],
  INVESTMENT_MANDATE: [
    { allowed_asset_classes: ['EQUITY', 'BOND'], long_only: true, min_cash_weight: 0.01 },
    { excluded_sectors: ['Tobacco'], excluded_countries: ['KP'], max_positions: 1_000_000 },
    { min_rating: 'BBB-', excluded_symbols: ['RESTRICTED1'], excluded_issuers: ['Sanctioned Corp'], max_cash_weight: 0.5 },
  ],
};

/** Metrics that need the request's risk_model. */
const RISK_MODEL_METRICS = new Set(['volatility', 'var']);

export interface PolicyMix {
  /** Usable rules per policy type, in template order. */
  readonly byType: ReadonlyMap<PolicyType, ReadonlyArray<Record<string, unknown>>>;
  /** What this build cannot run, e.g. "REGULATORY (no rule module)". */
  readonly skipped: readonly string[];
}

function usable(type: PolicyType, rules: Record<string, unknown>): boolean {
  if (type === 'RISK_LIMIT' && !Object.hasOwn(RISK_METRICS, rules.metric as string)) return false;
  try {
    toPolicyDefinition({ policy_name: 'probe', policy_type: type, rules });
    return true;
  } catch {
    return false;
  }
}

export function probePolicyMix(options: { riskModel: boolean }): PolicyMix {
  const byType = new Map<PolicyType, Array<Record<string, unknown>>>();
  const skipped: string[] = [];
  for (const type of Object.keys(TEMPLATES) as PolicyType[]) {
    if (!RULE_MODULES[type]) {
      skipped.push(`${type} (no rule module yet)`);
      continue;
    }
    const rules = TEMPLATES[type].filter((r) => {
      if (!options.riskModel && RISK_MODEL_METRICS.has(r.metric as string)) return false;
      if (usable(type, r)) return true;
      skipped.push(`${type} ${JSON.stringify(r)}`);
      return false;
    });
    if (rules.length > 0) byType.set(type, rules);
  }
  return { byType, skipped };
}

/** `count` policies cycling through the types, then through each type's rules: a mix, not one kind. */
export function mixedPolicies(mix: PolicyMix, count: number): PolicyDefinition[] {
  const types = [...mix.byType.keys()];
  return Array.from({ length: count }, (_, k) => {
    const type = types[k % types.length];
    const variants = mix.byType.get(type)!;
    return definition(`bench_${String(k).padStart(3, '0')}_${type.toLowerCase()}`, type, variants[Math.floor(k / types.length) % variants.length]);
  });
}

/** One policy of every available type; the RISK_LIMIT one is volatility when the risk model is there. */
export function onePolicyPerType(mix: PolicyMix): PolicyDefinition[] {
  return [...mix.byType].map(([type, variants]) => {
    const rules = type === 'RISK_LIMIT' ? (variants.find((r) => RISK_MODEL_METRICS.has(r.metric as string)) ?? variants[0]) : variants[0];
    return definition(`every_${type.toLowerCase()}`, type, rules);
  });
}

function definition(name: string, type: PolicyType, rules: Record<string, unknown>): PolicyDefinition {
  return { policy_name: name, policy_type: type, rules, enforcement_level: 'strict', enabled: true };
}
