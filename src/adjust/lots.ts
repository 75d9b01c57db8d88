import type { PortfolioColumns } from '../engine/portfolio.js';
import { Affine } from './affine.js';
import type { TradeModel } from './model.js';
import type { ProposedTrade } from './trades.js';

/**
 * How close a solver value must be to a target (the proposed quantity, a closed position, a whole
 * number of lots) to be read as that target. Tight: solver round-off on a bound the solution sits
 * on, far below the engine's 1e-9. Loose: a value the solver may have left near a target that a
 * limit between the two forbids (16.999999997 units against 17); it is tried first and kept only
 * if the engine accepts it.
 */
export const TIGHT = 1e-12;
export const LOOSE = 1e-7;

/** Keeps decimal lots tidy: 3 × 0.1 is 0.3, not 0.30000000000000004. */
const tidy = (value: number) => Number.parseFloat(value.toPrecision(15));

/**
 * A solver quantity as a tradeable one: the proposed quantity if the solution kept it, −pre if
 * it closes the position, else whole lots toward zero (a buy rounded down, a sell rounded up as
 * a signed quantity): toward the pre-trade position, which every limit accepts.
 */
export function roundTrade(trade: ProposedTrade, pre: number, q: number, snap = TIGHT): number {
  if (Math.abs(q - trade.quantity) <= snap * Math.max(1, Math.abs(trade.quantity))) return trade.quantity;
  if (pre !== 0 && Math.abs(pre + q) <= snap * Math.abs(pre)) return -pre;
  const lots = Math.abs(q) / trade.lot;
  const whole = Math.abs(lots - Math.round(lots)) <= Math.max(snap, TIGHT * lots) ? Math.round(lots) : Math.floor(lots);
  return whole === 0 ? 0 : Math.sign(q) * tidy(whole * trade.lot);
}

export function roundTrades(trades: readonly ProposedTrade[], portfolio: PortfolioColumns, q: ArrayLike<number>, snap = TIGHT): Float64Array {
  return Float64Array.from(trades, (trade, c) => roundTrade(trade, portfolio.preQty[trade.slot], q[c], snap));
}

/** Rounded trades whose other rounding (one lot back toward the proposed size) the enumeration tries. */
const MAX_FLEXIBLE = 4;

/**
 * The verified repair step before the MIP: the rounded trades with some of them rounded the other
 * way (one lot back toward the proposed quantity, or that quantity itself; inside the model's
 * box), closest to the decision first. At most 2⁴ − 1 candidates, each re-validated by the caller.
 */
export function otherRoundings(model: TradeModel, trades: readonly ProposedTrade[], rounded: Float64Array): Float64Array[] {
  const flexible: Array<{ c: number; value: number }> = [];
  trades.forEach((trade, c) => {
    if (flexible.length >= MAX_FLEXIBLE || rounded[c] === trade.quantity) return;
    // One lot back toward the proposed quantity, or the proposed quantity itself when it is nearer.
    const step = tidy(rounded[c] + Math.sign(trade.quantity) * trade.lot);
    const value = Math.abs(step) >= Math.abs(trade.quantity) ? trade.quantity : step;
    const inside = value >= model.lower[c] && value <= model.upper[c];
    if (inside) flexible.push({ c, value });
  });
  const candidates: Float64Array[] = [];
  for (let mask = (1 << flexible.length) - 1; mask > 0; mask--) {
    const candidate = Float64Array.from(rounded);
    flexible.forEach(({ c, value }, k) => {
      if (mask & (1 << k)) candidate[c] = value;
    });
    candidates.push(candidate);
  }
  const distance = (q: Float64Array) => trades.reduce((sum, trade, c) => sum + Math.abs(q[c] - trade.quantity) * model.portfolio.mark[trade.slot], 0);
  return candidates.sort((a, b) => distance(a) - distance(b));
}

/**
 * Lot repair as integer variables: for each trade column that can move, m = sign(t)·q =
 * lot·k + r·z with k integer and z binary, where r = |t| − lot·⌊|t|/lot⌋ lets the proposed
 * quantity itself stay (z = 1 only with k = ⌊|t|/lot⌋, row k − K·z ≥ 0).
 */
export function addLotVariables(model: TradeModel, trades: readonly ProposedTrade[], columns: Iterable<number>): void {
  const tag = { policy: '', violationType: 'LOT_SIZE', subject: '' };
  for (const c of columns) {
    const { quantity, lot } = trades[c];
    const sign = Math.sign(quantity);
    const low = Math.min(sign * model.lower[c], sign * model.upper[c]);
    const high = Math.max(sign * model.lower[c], sign * model.upper[c]);
    const whole = Math.floor(Math.abs(quantity) / lot + TIGHT);
    const rest = tidy(Math.abs(quantity) - whole * lot);
    const count = model.addColumn(Math.ceil(low / lot - TIGHT), Math.floor(high / lot + TIGHT), 0, true);
    const row = new Affine().add(c, sign).add(count, -lot);
    if (rest > 0 && high >= Math.abs(quantity)) {
      const keep = model.addColumn(0, 1, 0, true);
      row.add(keep, -rest);
      model.addRow(new Affine().add(count, 1).add(keep, -whole), 0, Number.POSITIVE_INFINITY, tag);
    }
    model.addRow(row, 0, 0, tag);
  }
}
