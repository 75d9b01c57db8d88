import type { Check } from '../judge.js';
import type { ReferenceState } from '../state.js';

export type GroupAttribute = 'sector' | 'industry' | 'country' | 'currency' | 'asset_class' | 'issuer' | 'rating';

export interface SectorLimitRules {
  group_by?: GroupAttribute;
  max_weight?: number;
  limits?: Record<string, number>;
  min_weights?: Record<string, number>;
  measure?: 'net' | 'gross';
}

/** The group of holdings that lack the grouping attribute. */
export const UNCLASSIFIED = 'UNCLASSIFIED';

export interface GroupWeight {
  pre: number;
  post: number;
}

/** Σ weights (net) or Σ |weights| (gross) per group of `attribute`, before and after the trades. */
export function groupWeights(state: ReferenceState, attribute: GroupAttribute, measure: 'net' | 'gross'): Map<string, GroupWeight> {
  const groups = new Map<string, GroupWeight>();
  for (const h of state.holdings) {
    const value = h.attributes[attribute];
    const group = value === undefined ? UNCLASSIFIED : value;
    const sums = groups.get(group) ?? { pre: 0, post: 0 };
    sums.pre += measure === 'gross' ? Math.abs(h.preWeight) : h.preWeight;
    sums.post += measure === 'gross' ? Math.abs(h.postWeight) : h.postWeight;
    groups.set(group, sums);
  }
  return groups;
}

/**
 * SECTOR_LIMIT: every group's weight ≤ limits[group], else max_weight; every group named in
 * min_weights ≥ its minimum (a group nobody holds weighs 0).
 */
export function sectorLimitChecks(rules: SectorLimitRules, state: ReferenceState): Check[] {
  const groups = groupWeights(state, rules.group_by ?? 'sector', rules.measure ?? 'net');
  const checks: Check[] = [];
  const named = new Set([...groups.keys(), ...Object.keys(rules.limits ?? {})]);
  for (const group of named) {
    const limit = rules.limits && Object.hasOwn(rules.limits, group) ? rules.limits[group] : rules.max_weight;
    if (limit === undefined) continue;
    const weight = groups.get(group) ?? { pre: 0, post: 0 };
    checks.push({ bound: 'max', violation_type: 'GROUP_MAX_EXCEEDED', subject: group, pre: weight.pre, post: weight.post, limit });
  }
  for (const [group, limit] of Object.entries(rules.min_weights ?? {})) {
    const weight = groups.get(group) ?? { pre: 0, post: 0 };
    checks.push({ bound: 'min', violation_type: 'GROUP_MIN_BREACHED', subject: group, pre: weight.pre, post: weight.post, limit });
  }
  return checks;
}
