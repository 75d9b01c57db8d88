import { TOLERANCE } from '../../engine/checks.js';
import { issuerColumn } from '../../rules/holdings.js';
import { BUCKET_SUBJECT } from '../../rules/regulatory/diversified-75-5-10.js';
import { Affine } from '../affine.js';
import type { TradeModel } from '../model.js';
import { SLACK, heldAtMost, type LinearizeContext } from './context.js';

const BUCKET_MAX = 0.25;
const ISSUER_SHARE = 0.05;
const OWNERSHIP_SHARE = 0.1;

/** max(v, 0) from below: v itself, or 0, by the side v takes at q = 0 (exact unless v's sign flips). */
function lowerPositivePart(model: TradeModel, value: Affine, preValue: number): Affine | undefined {
  const [low, high] = model.range(value);
  if (low >= 0 || (high > 0 && preValue >= 0)) return value;
  return undefined;
}

/** The engine's bucket share before the trade (bucket / total assets). */
function preBucketShare(context: LinearizeContext, inScope: (i: number) => boolean, issuer: Int32Array, issuers: number): number {
  const { portfolio } = context;
  const outstanding = portfolio.numeric('shares_outstanding');
  const holding = new Float64Array(issuers);
  const overOwned = new Uint8Array(issuers);
  let totalAssets = Math.max(portfolio.preCash, 0);
  for (let i = 0; i < portfolio.n; i++) {
    const value = Math.max(portfolio.preQty[i] * portfolio.mark[i], 0);
    totalAssets += value;
    if (!inScope(i)) continue;
    holding[issuer[i]] += value;
    if (portfolio.preQty[i] / outstanding[i] > OWNERSHIP_SHARE + TOLERANCE) overOwned[issuer[i]] = 1;
  }
  let bucket = 0;
  for (let g = 0; g < issuers; g++) if (overOwned[g] || holding[g] / totalAssets > ISSUER_SHARE + TOLERANCE) bucket += holding[g];
  return bucket / totalAssets;
}

/**
 * DIVERSIFIED_75_5_10: bucket ≤ 25 % of total assets TA = max(cash, 0) + Σ max(mvᵢ, 0). TA is
 * replaced by a lower bound that is affine and exact at q = 0 (each max(·, 0) by its pre-trade
 * side), so every row is conservative. An issuer that can enter or leave the bucket on the box
 * gets a binary yg: yg = 0 ⇒ Hg ≤ 5 %·TA and every holding ≤ 10 % of shares outstanding.
 */
export function diversified(context: LinearizeContext): void {
  const { model, portfolio } = context;
  const fund = portfolio.flag('is_fund');
  const government = portfolio.flag('is_government');
  const inScope = (i: number) => !fund[i] && !government[i];
  const outstanding = portfolio.numeric('shares_outstanding');
  for (let i = 0; i < portfolio.n; i++) {
    if (!inScope(i) || !Number.isNaN(outstanding[i])) continue;
    const symbol = portfolio.symbols[i];
    const missing = context.tag('MISSING_DATA', symbol);
    if (portfolio.preQty[i] > 0) model.impossible.push(`${context.policy}: ${symbol} has no shares_outstanding`);
    else model.boundQuantity(i, Number.NEGATIVE_INFINITY, 0, missing);
  }

  const totalAssets = new Affine();
  const cash = lowerPositivePart(model, model.cash(), portfolio.preCash);
  if (cash) totalAssets.addScaled(cash, 1);
  for (let i = 0; i < portfolio.n; i++) {
    const long = lowerPositivePart(model, model.marketValue(i), portfolio.preQty[i]);
    if (long) totalAssets.addScaled(long, 1);
  }
  const { codes, labels } = issuerColumn(portfolio);
  const limit = heldAtMost(preBucketShare(context, inScope, codes, labels.length), BUCKET_MAX);
  const tag = context.tag('DIVERSIFICATION_FAILED', BUCKET_SUBJECT);
  model.fullRows++;

  const holdings = labels.map(() => new Affine());
  const members: number[][] = labels.map(() => []);
  for (let i = 0; i < portfolio.n; i++) {
    if (!inScope(i)) continue;
    holdings[codes[i]].addScaled(model.positivePart(i), 1);
    members[codes[i]].push(i);
  }
  const [assetsLow, assetsHigh] = model.range(totalAssets);
  const ownership = (i: number) => model.quantityRange(i).map((x) => x / outstanding[i]);
  const counted: number[] = [];
  const crossing: number[] = [];
  let largest = 0;
  for (let g = 0; g < labels.length; g++) {
    if (members[g].length === 0) continue;
    const [low, high] = model.range(holdings[g]);
    const owned = members[g].filter((i) => !Number.isNaN(outstanding[i])).map(ownership);
    const alwaysIn = owned.some(([least]) => least > OWNERSHIP_SHARE + TOLERANCE) || low / assetsHigh > ISSUER_SHARE + TOLERANCE;
    const neverIn = owned.every(([, most]) => most <= OWNERSHIP_SHARE + SLACK) && assetsLow > 0 && high / assetsLow <= ISSUER_SHARE + SLACK;
    if (neverIn) continue;
    (alwaysIn ? counted : crossing).push(g);
    largest += high;
  }
  if (assetsLow > 0 && largest <= limit * assetsLow) return; // the bucket cannot exceed its limit on the box

  const bucket = new Affine();
  for (const g of counted) bucket.addScaled(holdings[g], 1);
  for (const g of crossing) {
    const inBucket = model.addColumn(0, 1, 0, true);
    const excess = new Affine().addScaled(holdings[g], 1).addScaled(totalAssets, -(ISSUER_SHARE + SLACK));
    model.addRow(excess.add(inBucket, -Math.max(model.range(excess)[1], 0)), Number.NEGATIVE_INFINITY, 0, tag);
    for (const i of members[g]) {
      const c = model.columnOf[i];
      if (c < 0 || Number.isNaN(outstanding[i])) continue;
      const [, most] = model.quantityRange(i);
      const room = (OWNERSHIP_SHARE + SLACK) * outstanding[i];
      if (most > room) model.addRow(new Affine(portfolio.preQty[i]).add(c, 1).add(inBucket, -(most - room)), Number.NEGATIVE_INFINITY, room, tag);
    }
    const high = model.range(holdings[g])[1];
    const counts = model.addColumn(0, high);
    model.addRow(new Affine().add(counts, 1).addScaled(holdings[g], -1).add(inBucket, -high), -high, Number.POSITIVE_INFINITY, tag);
    bucket.add(counts, 1);
  }
  model.addRow(bucket.addScaled(totalAssets, -limit), Number.NEGATIVE_INFINITY, 0, tag);
  for (const g of [...counted, ...crossing]) model.memberSlots(tag, members[g]);
}
