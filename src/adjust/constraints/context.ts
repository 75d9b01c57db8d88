import { TOLERANCE } from '../../engine/checks.js';
import type { PortfolioColumns } from '../../engine/portfolio.js';
import type { Affine } from '../affine.js';
import type { CheckTag, TradeModel } from '../model.js';

/**
 * What a linearizer works with: the model over the trade variables, the portfolio's pre-trade
 * columns, and the policy it expresses. Linearizers read only pre-trade data and the box; the
 * proposed trades enter through the box alone, so headroom reuses them unchanged.
 */
export class LinearizeContext {
  readonly portfolio: PortfolioColumns;
  /** Range of NAV(q)/NAV₀ over the box when the context was made (boxes only shrink later). */
  readonly navRange: [number, number];

  constructor(readonly model: TradeModel, readonly policy: string) {
    this.portfolio = model.portfolio;
    this.navRange = model.range(model.nav());
  }

  tag(violationType: string, subject: string): CheckTag {
    return { policy: this.policy, violationType, subject };
  }

  /** numerator/NAV ≤ limit as a row, unless it cannot bind (a constant numerator is checked here). */
  ratioMax(numerator: Affine, limit: number, tag: CheckTag): void {
    this.model.fullRows++;
    if (numerator.cols.length === 0 && !this.constantCanExceed(numerator.constant, limit)) return;
    this.model.ratioAtMost(numerator, limit, tag);
  }

  /** numerator/NAV ≥ limit as a row, unless it cannot bind. */
  ratioMin(numerator: Affine, limit: number, tag: CheckTag): void {
    this.model.fullRows++;
    if (numerator.cols.length === 0 && !this.constantCanFallBelow(numerator.constant, limit)) return;
    this.model.ratioAtLeast(numerator, limit, tag);
  }

  /**
   * Whether constant/NAV ≤ limit can fail on the box (a numerator the trades do not move):
   * c ≤ U·NAV fails only if c exceeds U times the smallest (or largest) NAV.
   */
  constantCanExceed(constant: number, limit: number): boolean {
    const [low, high] = this.navRange;
    return this.model.navVaries && constant > Math.min(limit * low, limit * high);
  }

  /** Whether constant/NAV ≥ limit can fail on the box (mirror of constantCanExceed). */
  constantCanFallBelow(constant: number, limit: number): boolean {
    const [low, high] = this.navRange;
    return this.model.navVaries && constant < Math.max(limit * low, limit * high);
  }

  /**
   * |quantity|·perUnit ≤ limit (units, notional, a share of the outstanding), held at the
   * pre-trade level when already beyond it: a column bound.
   */
  quantityAtMost(slot: number, limit: number, tag: CheckTag, perUnit = 1): void {
    this.absoluteQuantityAtMost(slot, heldAtMost(Math.abs(this.portfolio.preQty[slot]) * perUnit, limit) / perUnit, tag);
  }

  /** |quantity| ≤ bound, already held at its pre-trade level by the caller. */
  absoluteQuantityAtMost(slot: number, bound: number, tag: CheckTag): void {
    this.model.fullRows += 2;
    this.model.boundQuantity(slot, -bound, bound, tag);
  }

  /** No holding at all (|quantity| ≤ 0): a held slot may only shrink, an unheld one stays empty. */
  forbidHolding(slot: number, tag: CheckTag): void {
    this.quantityAtMost(slot, 0, tag);
  }

  /** No short position (max(−quantity, 0) ≤ 0): a short may only shrink. */
  forbidShort(slot: number, tag: CheckTag): void {
    this.model.fullRows++;
    const short = heldAtMost(Math.max(-this.portfolio.preQty[slot], 0), 0);
    this.model.boundQuantity(slot, -short, Number.POSITIVE_INFINITY, tag);
  }

  /**
   * A check lacks data for a slot: it fails closed whenever the slot is held. A slot already held
   * before the trade cannot be fixed by resizing; a traded one not yet held must stay untraded.
   */
  missing(slot: number, heldBefore: boolean, tag: CheckTag, reason: string): void {
    if (heldBefore) this.model.impossible.push(`${this.policy}: ${reason}`);
    else this.model.fixTrade(slot, tag);
  }

  /** The rule (or part of it) has no linear form here: the adjustment does not guarantee it. */
  notCovered(what: string): void {
    this.model.notCovered.push(`${this.policy} (${what})`);
  }
}

/** Half the engine's tolerance: the model accepts a little less than the engine does, never more. */
export const SLACK = TOLERANCE / 2;

/**
 * The bound a maximum puts on a post-trade value: the limit, or a breach held at its pre-trade
 * level (contract section 4), within the 1e-9 tolerance (section 1) less SLACK. Never below the
 * pre-trade value the engine accepts, so q = 0 always satisfies the model.
 */
export function heldAtMost(pre: number, limit: number): number {
  if (pre > limit + TOLERANCE) return pre + SLACK;
  return Math.max(limit + SLACK, pre);
}

/** The bound a minimum puts on a post-trade value (mirror of heldAtMost). */
export function heldAtLeast(pre: number, limit: number): number {
  if (pre < limit - TOLERANCE) return pre - SLACK;
  return Math.min(limit - SLACK, pre);
}

/** Signature of a policy type's linearizer: adds its checks to the model as rows and bounds. */
export type Linearizer = (rules: Record<string, unknown>, context: LinearizeContext) => void;
