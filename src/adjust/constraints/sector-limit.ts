import type { GroupAttribute } from '../../engine/portfolio.js';
import { sectorGroups } from '../../rules/sector-limit.js';
import { heldAtLeast, heldAtMost, type Linearizer } from './context.js';

export interface SectorRules {
  group_by?: GroupAttribute;
  max_weight?: number;
  limits?: Record<string, number>;
  min_weights?: Record<string, number>;
  measure?: 'net' | 'gross';
}

/**
 * SECTOR_LIMIT per group g: Σ_{i∈g} mvᵢ (net) or Σ |mvᵢ| (gross) ≤ U·NAV and ≥ L·NAV. A gross
 * maximum uses |mv| epigraphs (exact on the ≤ side); a gross minimum keeps every traded member on
 * its pre-trade side of zero, where |mv| is linear (conservative: |·| from below is not convex).
 */
export const sectorLimit: Linearizer = (raw, context) => {
  const rules = raw as SectorRules;
  const { model, portfolio } = context;
  const gross = rules.measure === 'gross';
  const { codes, groups, unclassified, labelOf } = sectorGroups(portfolio, rules.group_by ?? 'sector');
  // A Map, as the engine reads them: a group named after an object's own property ("constructor") is no special case.
  const limits = new Map(Object.entries(rules.limits ?? {}));
  const maxima = Array.from({ length: groups }, (_, g) => limits.get(labelOf(g)) ?? rules.max_weight);
  const minimums = new Map(Object.entries(rules.min_weights ?? {}));
  const minima = Array.from({ length: groups }, (_, g) => minimums.get(labelOf(g)));
  const present = new Uint8Array(groups);
  const pre = new Float64Array(groups);
  const groupOf = new Int32Array(portfolio.n);
  // The same groups, with −1 for slots whose group has no maximum (minimum): valueSums skips them.
  const maxGroupOf = new Int32Array(portfolio.n);
  const minGroupOf = new Int32Array(portfolio.n);
  for (let i = 0; i < portfolio.n; i++) {
    const g = codes[i] < 0 ? unclassified : codes[i];
    groupOf[i] = g;
    maxGroupOf[i] = maxima[g] === undefined ? -1 : g;
    minGroupOf[i] = minima[g] === undefined ? -1 : g;
    present[g] = 1;
    pre[g] += gross ? Math.abs(portfolio.preWeight[i]) : portfolio.preWeight[i];
  }
  const maxSums = model.valueSums(gross ? 'absolute' : 'value', groups, maxGroupOf);
  // A gross minimum keeps each traded member on its side of zero, where |mv| = side·mv.
  const minSums = minimums.size === 0 ? [] : model.valueSums('value', groups, minGroupOf, gross ? model.keepSides(minGroupOf) : undefined);
  const tradedIn = model.tradedSlotsPerGroup(groups, groupOf);
  for (let g = 0; g < groups; g++) {
    if (!present[g]) continue;
    const label = labelOf(g);
    const maximum = maxima[g];
    if (maximum !== undefined) {
      const tag = context.tag('GROUP_MAX_EXCEEDED', label);
      context.ratioMax(maxSums[g], heldAtMost(pre[g], maximum), tag);
      model.memberSlots(tag, tradedIn[g]);
    }
    const minimum = minima[g];
    if (minimum !== undefined) {
      const tag = context.tag('GROUP_MIN_BREACHED', label);
      context.ratioMin(minSums[g], heldAtLeast(pre[g], minimum), tag);
      model.memberSlots(tag, tradedIn[g]);
    }
  }
};
