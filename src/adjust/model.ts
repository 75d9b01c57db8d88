import type { PortfolioColumns } from '../engine/portfolio.js';
import { Affine } from './affine.js';
import type { Cone } from './cone.js';

/** The check a row or bound comes from: it names the violation the row resolves. */
export interface CheckTag {
  readonly policy: string;
  readonly violationType: string;
  readonly subject: string;
}

export const tagKey = (tag: CheckTag): string => `${tag.policy}\u0000${tag.violationType}\u0000${tag.subject}`;

/** Which part of a slot's market value a sum takes (TradeModel.valueSums). */
export type ValuePart = 'value' | 'absolute' | 'positive';

/** Rows that define an auxiliary column (|v| or max(v, 0) epigraphs) rather than a check. */
const SUPPORT: CheckTag = { policy: '', violationType: 'SUPPORT', subject: '' };

export interface ModelRow {
  readonly cols: Int32Array;
  readonly coefs: Float64Array;
  readonly lower: number;
  readonly upper: number;
  readonly tag: CheckTag;
  /** The auxiliary column this row defines: it is kept only while a check row uses that column. */
  readonly defines?: number;
}

/** One traded symbol: its portfolio slot, settlement price, box and objective cost per unit. */
export interface TradeVariable {
  readonly slot: number;
  readonly settlement: number;
  readonly lower: number;
  readonly upper: number;
  readonly cost: number;
}

/**
 * The adjustment model: columns 0..tradeCount−1 are the signed trade quantities qₛ of the traded
 * symbols; auxiliary columns (epigraphs, binaries) follow. Every row is in units of the pre-trade
 * NAV. Post-trade NAV is affine in q: NAV(q) = NAV₀ + Σ qₛ·(markₛ − settlementₛ), so a ratio limit
 * v(q)/NAV(q) ≤ U becomes the linear row v(q) − U·NAV(q) ≤ 0 (NAV stays positive on the box).
 */
export class TradeModel {
  readonly tradeCount: number;
  readonly slotOf: Int32Array;
  /** Portfolio slot → trade column, −1 when the decision does not trade the slot. */
  readonly columnOf: Int32Array;
  readonly settlement: Float64Array;
  /** NAV₀: the unit of every row and of the objective. */
  readonly scale: number;
  /** ∂NAV/∂qₛ / NAV₀ = (markₛ − settlementₛ) / NAV₀ */
  readonly navCoef: Float64Array;
  readonly lower: number[] = [];
  readonly upper: number[] = [];
  readonly cost: number[] = [];
  readonly integer: boolean[] = [];
  /** Constant term of the objective (Σ costs are per unit of column). */
  offset = 0;
  readonly rows: ModelRow[] = [];
  readonly cones: Cone[] = [];
  /** Why no resizing can comply (e.g. data missing on a holding the trades cannot remove). */
  readonly impossible: string[] = [];
  /** Policies or rules the model cannot express: the adjustment does not guarantee them. */
  readonly notCovered: string[] = [];
  /** Trade columns each check is about, by tagKey. */
  readonly members = new Map<string, Set<number>>();
  /** The check that set each trade column's lower and upper bound, where a check did. */
  readonly boundTags: Array<{ lower?: CheckTag; upper?: CheckTag }> = [];
  /** Rows a model over every check of every symbol would have (the "full" model). */
  fullRows = 0;
  private readonly navColumns: number[] = [];
  private readonly positiveParts = new Map<number, Affine>();
  private readonly absolutes = new Map<number, Affine>();

  constructor(readonly portfolio: PortfolioColumns, variables: readonly TradeVariable[]) {
    const k = variables.length;
    this.tradeCount = k;
    this.slotOf = new Int32Array(k);
    this.columnOf = new Int32Array(portfolio.n).fill(-1);
    this.settlement = new Float64Array(k);
    this.navCoef = new Float64Array(k);
    this.scale = portfolio.preNav;
    variables.forEach((v, c) => {
      this.slotOf[c] = v.slot;
      this.columnOf[v.slot] = c;
      this.settlement[c] = v.settlement;
      this.navCoef[c] = (portfolio.mark[v.slot] - v.settlement) / this.scale;
      if (this.navCoef[c] !== 0) this.navColumns.push(c);
      this.addColumn(v.lower, v.upper, v.cost);
      this.boundTags.push({});
    });
  }

  get columnCount(): number {
    return this.lower.length;
  }

  addColumn(lower: number, upper: number, cost = 0, integer = false): number {
    this.lower.push(lower);
    this.upper.push(upper);
    this.cost.push(cost);
    this.integer.push(integer);
    return this.lower.length - 1;
  }

  /**
   * Market value of a slot before the trade, pre·mark / NAV₀ (times factor): marketValue's
   * constant. Every row that holds an untraded slot's value as a number computes it here, so it is
   * the same number whichever path built the row.
   */
  preValue(slot: number, factor = 1): number {
    return (factor * this.portfolio.preQty[slot] * this.portfolio.mark[slot]) / this.scale;
  }

  /** Market value of a slot after the trade: (pre + q)·mark / NAV₀. */
  marketValue(slot: number, factor = 1): Affine {
    const mark = this.portfolio.mark[slot];
    const value = new Affine(this.preValue(slot, factor));
    const c = this.columnOf[slot];
    if (c >= 0) value.add(c, (factor * mark) / this.scale);
    return value;
  }

  /**
   * Per group, the sum over its slots of a part of marketValue: the value itself (times
   * factor[slot] when given), |value| or max(value, 0), each as absolute() and positivePart()
   * give it for a traded slot. groupOf[slot] is the slot's group (−1: none); without it every
   * slot is in group 0. The slots the decision does not trade are only numbers, added in one
   * pass over the columns: at 10,000 positions, adding them one Affine call at a time was most of
   * the model's build. Constants add up in slot order, as adding each slot's term would, and
   * epigraph columns are made group by group, each in slot order.
   */
  valueSums(part: ValuePart, groupCount = 1, groupOf?: Int32Array, factor?: Float64Array): Affine[] {
    const sums = Array.from({ length: groupCount }, () => new Affine());
    const traded: Affine[] = [];
    for (const slots of this.tradedSlotsPerGroup(groupCount, groupOf)) {
      for (const slot of slots) {
        const c = this.columnOf[slot];
        if (part === 'absolute') traded[c] = this.absolute(slot);
        else if (part === 'positive') traded[c] = this.positivePart(slot);
        else traded[c] = this.marketValue(slot, factor ? factor[slot] : 1);
      }
    }
    const { columnOf } = this;
    for (let i = 0; i < this.portfolio.n; i++) {
      const g = groupOf ? groupOf[i] : 0;
      if (g < 0) continue;
      const c = columnOf[i];
      if (c >= 0) {
        sums[g].addScaled(traded[c], 1);
        continue;
      }
      const value = this.preValue(i, factor ? factor[i] : 1);
      sums[g].constant += part === 'value' ? value : part === 'absolute' ? Math.abs(value) : Math.max(value, 0);
    }
    return sums;
  }

  /** The traded slots of each group (groupOf[slot], −1: none; all in group 0 without groupOf), each list ascending. */
  tradedSlotsPerGroup(groupCount = 1, groupOf?: Int32Array): number[][] {
    const lists: number[][] = Array.from({ length: groupCount }, () => []);
    for (const slot of Int32Array.from(this.slotOf).sort()) {
      const g = groupOf ? groupOf[slot] : 0;
      if (g >= 0) lists[g].push(slot);
    }
    return lists;
  }

  /** NAV(q) / NAV₀ = 1 + Σ navCoefₛ·qₛ */
  nav(): Affine {
    const nav = new Affine(1);
    for (const c of this.navColumns) nav.add(c, this.navCoef[c]);
    return nav;
  }

  /** cash(q) / NAV₀ = (cash₀ − Σ qₛ·settlementₛ) / NAV₀ */
  cash(): Affine {
    const cash = new Affine(this.portfolio.preCash / this.scale);
    for (let c = 0; c < this.tradeCount; c++) cash.add(c, -this.settlement[c] / this.scale);
    return cash;
  }

  /** [min, max] of an expression over the current box. */
  range(expr: Affine): [number, number] {
    return expr.range(this.lower, this.upper);
  }

  /** [min, max] of the post-trade quantity of a slot over the box. */
  quantityRange(slot: number): [number, number] {
    const pre = this.portfolio.preQty[slot];
    const c = this.columnOf[slot];
    return c < 0 ? [pre, pre] : [pre + this.lower[c], pre + this.upper[c]];
  }

  /** Post-trade quantity of a traded slot kept within [min, max] (a column bound, not a row). */
  boundQuantity(slot: number, min: number, max: number, tag: CheckTag): void {
    const c = this.columnOf[slot];
    if (c < 0) return;
    const pre = this.portfolio.preQty[slot];
    this.tighten(c, min - pre, max - pre, tag);
  }

  /** A traded slot the trades must leave untouched (e.g. it lacks data a check needs once held). */
  fixTrade(slot: number, tag: CheckTag): void {
    const c = this.columnOf[slot];
    if (c >= 0) this.tighten(c, 0, 0, tag);
  }

  private tighten(c: number, lower: number, upper: number, tag: CheckTag): void {
    if (lower > this.lower[c]) {
      this.lower[c] = lower;
      this.boundTags[c].lower = tag;
    }
    if (upper < this.upper[c]) {
      this.upper[c] = upper;
      this.boundTags[c].upper = tag;
    }
    // Limits are held at their pre-trade level when breached, so q = 0 always stays inside.
    if (this.lower[c] > this.upper[c]) this.lower[c] = this.upper[c] = 0;
    this.member(tag, c);
  }

  /**
   * Keeps a traded slot on its pre-trade side of zero and returns that side (±1), so |mv| = side·mv.
   * Used where |v| enters a row from below (a minimum), which is not convex: a conservative
   * restriction, never a relaxation. A slot not held before keeps the side its trade goes to.
   */
  keepSide(slot: number): 1 | -1 {
    const c = this.columnOf[slot];
    const pre = this.portfolio.preQty[slot];
    if (pre > 0) {
      if (c >= 0) this.lower[c] = Math.max(this.lower[c], -pre);
      return 1;
    }
    if (pre < 0) {
      if (c >= 0) this.upper[c] = Math.min(this.upper[c], -pre);
      return -1;
    }
    if (c >= 0 && this.lower[c] < 0 && this.upper[c] > 0) this.lower[c] = 0;
    return c >= 0 && this.upper[c] <= 0 ? -1 : 1;
  }

  /** keepSide of every slot in a group (groupOf[slot] ≥ 0; every slot without groupOf), as a factor column (0 elsewhere). */
  keepSides(groupOf?: Int32Array): Float64Array {
    const sides = new Float64Array(this.portfolio.n);
    for (let i = 0; i < sides.length; i++) if (!groupOf || groupOf[i] >= 0) sides[i] = this.keepSide(i);
    return sides;
  }

  /**
   * An upper bound on max(marketValue, 0): the value itself when its sign is fixed on the box,
   * else an epigraph column u ≥ v, u ≥ 0. Valid only on the ≤ side of a row (it may exceed the
   * true value, never fall short of it).
   */
  positivePart(slot: number): Affine {
    return this.epigraph(slot, this.positiveParts, false);
  }

  /** |marketValue|, exact on the ≤ side of a row (an epigraph column where the sign may flip). */
  absolute(slot: number): Affine {
    return this.epigraph(slot, this.absolutes, true);
  }

  private epigraph(slot: number, cache: Map<number, Affine>, absolute: boolean): Affine {
    let expr = cache.get(slot);
    if (expr) return expr;
    const value = this.marketValue(slot);
    const [low, high] = this.range(value);
    if (low >= 0) expr = value;
    else if (high <= 0) expr = absolute ? this.marketValue(slot, -1) : new Affine();
    else {
      const u = this.addColumn(0, absolute ? Math.max(high, -low) : high);
      this.addRow(new Affine().add(u, 1).addScaled(value, -1), 0, Number.POSITIVE_INFINITY, SUPPORT, u);
      if (absolute) this.addRow(new Affine().add(u, 1).addScaled(value, 1), 0, Number.POSITIVE_INFINITY, SUPPORT, u);
      expr = new Affine().add(u, 1);
    }
    cache.set(slot, expr);
    return expr;
  }

  /** lower ≤ expr ≤ upper; constant expressions add nothing (q = 0 satisfies every row). */
  addRow(expr: Affine, lower: number, upper: number, tag: CheckTag, defines?: number): void {
    if (expr.cols.length === 0) return;
    const merged = new Map<number, number>();
    for (let k = 0; k < expr.cols.length; k++) merged.set(expr.cols[k], (merged.get(expr.cols[k]) ?? 0) + expr.coefs[k]);
    const cols: number[] = [];
    const coefs: number[] = [];
    for (const [col, coef] of merged) {
      if (coef === 0) continue;
      cols.push(col);
      coefs.push(coef);
    }
    if (cols.length === 0) return;
    this.rows.push({
      cols: Int32Array.from(cols),
      coefs: Float64Array.from(coefs),
      lower: lower - expr.constant,
      upper: upper - expr.constant,
      tag,
      ...(defines === undefined ? {} : { defines }),
    });
  }

  /** numerator(q) / NAV(q) ≤ limit, i.e. numerator − limit·NAV ≤ 0. */
  ratioAtMost(numerator: Affine, limit: number, tag: CheckTag): void {
    this.addRow(new Affine().addScaled(numerator, 1).addScaled(this.nav(), -limit), Number.NEGATIVE_INFINITY, 0, tag);
  }

  /** numerator(q) / NAV(q) ≥ limit, i.e. numerator − limit·NAV ≥ 0. */
  ratioAtLeast(numerator: Affine, limit: number, tag: CheckTag): void {
    this.addRow(new Affine().addScaled(numerator, 1).addScaled(this.nav(), -limit), 0, Number.POSITIVE_INFINITY, tag);
  }

  /** Whether NAV moves with the trades at all (a trade settling away from its mark). */
  get navVaries(): boolean {
    return this.navColumns.length > 0;
  }

  member(tag: CheckTag, column: number): void {
    const key = tagKey(tag);
    let set = this.members.get(key);
    if (!set) this.members.set(key, (set = new Set()));
    set.add(column);
  }

  /** Records the traded columns of the slots a check is about. */
  memberSlots(tag: CheckTag, slots: Iterable<number>): void {
    for (const slot of slots) {
      const c = this.columnOf[slot];
      if (c >= 0) this.member(tag, c);
    }
  }
}

export { SUPPORT as SUPPORT_TAG };
