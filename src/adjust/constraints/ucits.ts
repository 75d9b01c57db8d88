import { TOLERANCE } from '../../engine/checks.js';
import { issuerColumn } from '../../rules/holdings.js';
import { AGGREGATE_SUBJECT } from '../../rules/regulatory/ucits-5-10-40.js';
import { Affine } from '../affine.js';
import { SLACK, heldAtMost, type LinearizeContext } from './context.js';

/**
 * UCITS 5/10/40. Per issuer g: Pg = Σ_{i∈g} max(mvᵢ, 0) ≤ issuer_max·NAV (epigraphs, exact).
 * The 40 % bucket Σ_{g : Wg > 5 %} Wg is not convex: each issuer whose weight can cross the
 * threshold on the box gets a binary yg (HiGHS MIP) with
 *   Pg − threshold·NAV ≤ M₁·yg        (yg = 0 ⇒ not above the threshold: outside the bucket)
 *   vg ≥ Pg − M₂·(1 − yg), vg ≥ 0     (yg = 1 ⇒ the whole weight counts)
 *   Σ_{always above} Pg + Σ vg ≤ aggregate_max·NAV.
 * Issuers that stay on one side of the threshold over the whole box need no binary, so only the
 * few issuers the trades can move across 5 % make the problem mixed-integer (none at a threshold of 0).
 */
export function ucits(context: LinearizeContext, rules: Record<string, unknown>): void {
  const issuerMax = (rules.issuer_max as number | undefined) ?? 0.1;
  const { model, portfolio } = context;
  const { codes, labels } = issuerColumn(portfolio);
  const government = portfolio.flag('is_government');
  const groupOf = new Int32Array(portfolio.n);
  const held = new Uint8Array(labels.length);
  const pre = new Float64Array(labels.length);
  for (let i = 0; i < portfolio.n; i++) {
    groupOf[i] = government[i] ? -1 : codes[i];
    if (government[i]) continue;
    held[codes[i]] = 1;
    pre[codes[i]] += Math.max(portfolio.preWeight[i], 0);
  }
  const tradedIn = model.tradedSlotsPerGroup(labels.length, groupOf);
  const issuers: IssuerSums = {
    labels,
    positive: model.valueSums('positive', labels.length, groupOf),
    pre,
    held: (g) => held[g] === 1,
    tradedIn: (g) => tradedIn[g],
  };
  for (let g = 0; g < labels.length; g++) {
    if (!issuers.held(g)) continue;
    const tag = context.tag('ISSUER_LIMIT_EXCEEDED', labels[g]);
    context.ratioMax(issuers.positive[g], heldAtMost(pre[g], issuerMax), tag);
    model.memberSlots(tag, issuers.tradedIn(g));
  }
  ucitsBucket(context, rules, issuers);
}

/** Each issuer's Σ max(mvᵢ, 0) over its non-government slots, and what the bucket needs besides. */
export interface IssuerSums {
  readonly labels: readonly string[];
  readonly positive: readonly Affine[];
  /** The same sums before the trade, as weights. */
  readonly pre: Float64Array;
  /** Whether the issuer has a non-government slot. */
  readonly held: (g: number) => boolean;
  /** Its traded slots, ascending. */
  readonly tradedIn: (g: number) => number[];
}

/** The 40 % bucket over the issuers' sums (its own function so that tests can give it sums made another way). */
export function ucitsBucket(context: LinearizeContext, rules: Record<string, unknown>, issuers: IssuerSums): void {
  const threshold = (rules.threshold as number | undefined) ?? 0.05;
  const aggregateMax = (rules.aggregate_max as number | undefined) ?? 0.4;
  const { model } = context;
  const { positive, pre } = issuers;
  let preAggregate = 0;
  for (let g = 0; g < issuers.labels.length; g++) if (issuers.held(g) && pre[g] > threshold + TOLERANCE) preAggregate += pre[g];

  const tag = context.tag('AGGREGATE_LIMIT_EXCEEDED', AGGREGATE_SUBJECT);
  const limit = heldAtMost(preAggregate, aggregateMax);
  const nav = model.nav();
  const [navLow, navHigh] = model.range(nav);
  const counted: number[] = [];
  const crossing: number[] = [];
  let largest = 0;
  for (let g = 0; g < issuers.labels.length; g++) {
    if (!issuers.held(g)) continue;
    const [low, high] = model.range(positive[g]);
    if (high / navLow <= threshold + SLACK) continue;
    // At a threshold within tolerance of 0, an issuer that can be above it counts whole: this
    // over-counts by at most threshold + 1e-9 of NAV (the safe side), where a binary's big-M rows
    // would weigh weights of 1e-10 against 1, on which both solvers faltered.
    if (low / navHigh > threshold + TOLERANCE || threshold <= TOLERANCE) counted.push(g);
    else crossing.push(g);
    largest += high;
  }
  model.fullRows++;
  if (largest <= limit * navLow) return; // the bucket cannot exceed its limit anywhere on the box
  const bucket = new Affine();
  for (const g of counted) bucket.addScaled(positive[g], 1);
  for (const g of crossing) {
    const inBucket = model.addColumn(0, 1, 0, true);
    const excess = new Affine().addScaled(positive[g], 1).addScaled(nav, -(threshold + SLACK));
    model.addRow(excess.add(inBucket, -model.range(excess)[1]), Number.NEGATIVE_INFINITY, 0, tag);
    const high = model.range(positive[g])[1];
    const counts = model.addColumn(0, high);
    model.addRow(new Affine().add(counts, 1).addScaled(positive[g], -1).add(inBucket, -high), -high, Number.POSITIVE_INFINITY, tag);
    bucket.add(counts, 1);
  }
  context.ratioMax(bucket, limit, tag);
  for (const g of [...counted, ...crossing]) model.memberSlots(tag, issuers.tradedIn(g));
}
