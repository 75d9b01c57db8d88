import type { GroupAttribute } from '../../engine/portfolio.js';
import { UNCLASSIFIED } from '../../rules/sector-limit.js';
import { Affine } from '../affine.js';
import { heldAtLeast, heldAtMost, type Linearizer } from './context.js';

interface SectorRules {
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
  const { codes, labels } = portfolio.group(rules.group_by ?? 'sector');
  // Missing attributes form UNCLASSIFIED, the same group as a value literally named so.
  const named = labels.indexOf(UNCLASSIFIED);
  const groups = named >= 0 ? labels.length : labels.length + 1;
  const unclassified = named >= 0 ? named : labels.length;
  const labelOf = (g: number) => (g === unclassified ? UNCLASSIFIED : labels[g]);
  const present = new Uint8Array(groups);
  const pre = new Float64Array(groups);
  const members: number[][] = Array.from({ length: groups }, () => []);
  for (let i = 0; i < portfolio.n; i++) {
    const g = codes[i] < 0 ? unclassified : codes[i];
    present[g] = 1;
    pre[g] += gross ? Math.abs(portfolio.preWeight[i]) : portfolio.preWeight[i];
    members[g].push(i);
  }
  const minimums = new Map(Object.entries(rules.min_weights ?? {}));
  for (let g = 0; g < groups; g++) {
    if (!present[g]) continue;
    const label = labelOf(g);
    const limit = rules.limits?.[label] ?? rules.max_weight;
    if (limit !== undefined) {
      const tag = context.tag('GROUP_MAX_EXCEEDED', label);
      const numerator = new Affine();
      for (const i of members[g]) numerator.addTerm(gross ? model.absoluteTerm(i) : model.valueTerm(i));
      context.ratioMax(numerator, heldAtMost(pre[g], limit), tag);
      model.memberSlots(tag, members[g]);
    }
    const minimum = minimums.get(label);
    if (minimum !== undefined) {
      const tag = context.tag('GROUP_MIN_BREACHED', label);
      const numerator = new Affine();
      for (const i of members[g]) {
        numerator.addTerm(model.valueTerm(i, gross ? model.keepSide(i) : 1));
      }
      context.ratioMin(numerator, heldAtLeast(pre[g], minimum), tag);
      model.memberSlots(tag, members[g]);
    }
  }
};
