import { Type } from '@sinclair/typebox';
import type { CheckKind } from '../engine/checks.js';
import { percent } from '../engine/format.js';
import { GROUP_ATTRIBUTES, type GroupAttribute, type PortfolioColumns } from '../engine/portfolio.js';
import { defineRule, rulesObject } from './types.js';

/** The group that symbols without the grouping attribute fall into. */
export const UNCLASSIFIED = 'UNCLASSIFIED';

/**
 * A sector policy's groups over a portfolio: the attribute's values, and UNCLASSIFIED for slots
 * without one, the same group as a value literally so named (the engine's checks and the
 * adjustment's rows both number groups this way).
 */
export function sectorGroups(portfolio: PortfolioColumns, attribute: GroupAttribute) {
  const { codes, labels } = portfolio.group(attribute);
  const named = labels.indexOf(UNCLASSIFIED);
  const unclassified = named >= 0 ? named : labels.length;
  return {
    codes,
    groups: named >= 0 ? labels.length : labels.length + 1,
    unclassified,
    labelOf: (g: number) => (g === unclassified ? UNCLASSIFIED : labels[g]),
  };
}

const groupKind = (violationType: string, attribute: GroupAttribute): CheckKind => {
  const name = attribute.charAt(0).toUpperCase() + attribute.slice(1).replace('_', ' ');
  return { violationType, subjectText: (group) => `${name} ${group}`, format: percent, unit: ' of NAV' };
};

const WeightMap = Type.Record(Type.String({ minLength: 1 }), Type.Number({ minimum: 0 }));

/**
 * SECTOR_LIMIT, per group g of `group_by`: Σ_{i∈g} wᵢ (net) or Σ_{i∈g} |wᵢ| (gross)
 * ≤ limits[g] ?? max_weight, and ≥ min_weights[g]. Missing attribute → group UNCLASSIFIED.
 */
export const sectorLimit = defineRule({
  policyType: 'SECTOR_LIMIT',
  rulesSchema: rulesObject(
    {
      group_by: Type.Optional(Type.Union(GROUP_ATTRIBUTES.map((a) => Type.Literal(a)), { default: 'sector' })),
      max_weight: Type.Optional(Type.Number({ minimum: 0, description: 'Limit for every group' })),
      limits: Type.Optional(WeightMap),
      min_weights: Type.Optional(WeightMap),
      measure: Type.Optional(Type.Union([Type.Literal('net'), Type.Literal('gross')], { default: 'net' })),
    },
    'Group limits: sector by default, or industry, country, currency, asset_class, issuer, rating',
  ),
  check(rules) {
    if (rules.max_weight === undefined && rules.limits === undefined && rules.min_weights === undefined) {
      return [{ path: '', message: 'needs at least one of max_weight, limits, min_weights' }];
    }
    return [];
  },
  compile(rules) {
    const attribute: GroupAttribute = rules.group_by ?? 'sector';
    const gross = rules.measure === 'gross';
    const maxKind = groupKind('GROUP_MAX_EXCEEDED', attribute);
    const minKind = groupKind('GROUP_MIN_BREACHED', attribute);
    const limits = new Map(Object.entries(rules.limits ?? {}));
    const minimums = Object.entries(rules.min_weights ?? {});
    const defaultMax = rules.max_weight;
    return (portfolio, sink) => {
      const { codes, groups, unclassified, labelOf } = sectorGroups(portfolio, attribute);
      const pre = new Float64Array(groups);
      const post = new Float64Array(groups);
      const present = new Uint8Array(groups);
      const { preWeight, postWeight } = portfolio;
      for (let i = 0; i < portfolio.n; i++) {
        const g = codes[i] < 0 ? unclassified : codes[i];
        present[g] = 1;
        pre[g] += gross ? Math.abs(preWeight[i]) : preWeight[i];
        post[g] += gross ? Math.abs(postWeight[i]) : postWeight[i];
      }
      for (let g = 0; g < groups; g++) {
        if (!present[g]) continue;
        const label = labelOf(g);
        const limit = limits.get(label) ?? defaultMax;
        if (limit !== undefined) sink.max(maxKind, label, pre[g], post[g], limit);
      }
      if (minimums.length > 0) {
        const slotOf = new Map<string, number>();
        for (let g = 0; g < groups; g++) if (present[g]) slotOf.set(labelOf(g), g);
        // A group that is absent altogether holds 0 % and is checked against its minimum too.
        for (const [label, limit] of minimums) {
          const g = slotOf.get(label);
          sink.min(minKind, label, g === undefined ? 0 : pre[g], g === undefined ? 0 : post[g], limit);
        }
      }
    };
  },
});
