import type { PortfolioColumns } from '../engine/portfolio.js';
import type { AdjustedTrade, Trade, ValidationRequest } from '../schemas/validation.js';

/** Fields of a trade that are not instrument attributes. */
const TRADE_FIELDS = new Set(['symbol', 'side', 'quantity', 'price']);

/** One symbol the decision trades, netted: what the model varies and how to write it back. */
export interface ProposedTrade {
  readonly slot: number;
  readonly symbol: string;
  /** Signed net quantity (+buy, −sell). */
  readonly quantity: number;
  /** Price the trade settles at (its cash effect per unit). */
  readonly settlement: number;
  readonly lot: number;
  /** Fields an adjusted trade carries so it re-validates like the original: attributes only the trade gives, and its price where the mark or the settlement depends on it. */
  readonly carried: Partial<Trade>;
  /** The trade gives a held symbol data the state lacks (an attribute, or its only price; a position listed at 0 needs a price too): dropping it would lose that data. */
  readonly carriesData: boolean;
}

/**
 * The decision's trades netted per symbol, in order of first appearance. A symbol whose trades
 * net to zero is not traded (the adjustment leaves it out). Settlement is the trades' common
 * price (the mark for a trade without one), else their cash-weighted average; for a symbol
 * whose only price is its first trade's, it is that price, which is also its mark.
 */
export function proposedTrades(request: ValidationRequest, portfolio: PortfolioColumns): ProposedTrade[] {
  const netted = new Map<number, { quantity: number; cash: number; prices: Set<number>; all: Trade[] }>();
  for (const trade of request.decision.trades) {
    const slot = portfolio.index.get(trade.symbol)!;
    const signed = trade.side === 'BUY' ? trade.quantity : -trade.quantity;
    const entry = netted.get(slot) ?? { quantity: 0, cash: 0, prices: new Set<number>(), all: [] };
    const price = trade.price ?? portfolio.mark[slot];
    entry.quantity += signed;
    entry.cash += signed * price;
    entry.prices.add(price);
    entry.all.push(trade);
    netted.set(slot, entry);
  }
  const trades: ProposedTrade[] = [];
  for (const [slot, { quantity, cash, prices, all }] of netted) {
    if (quantity === 0) continue;
    const symbol = portfolio.symbols[slot];
    const mark = portfolio.mark[slot];
    const position = portfolio.positionAt(slot) as Record<string, unknown> | undefined;
    const instrument = portfolio.instrumentAt(slot) as Record<string, unknown> | undefined;
    const markFromTrade = position?.price === undefined && instrument?.price === undefined;
    // One adjusted trade carries one price; where it is also the mark, it must stay the mark.
    const settlement = markFromTrade ? mark : prices.size === 1 ? [...prices][0] : cash / quantity;
    // The engine reads an attribute from the first of the symbol's trades that has it.
    const carried: Record<string, unknown> = {};
    for (const trade of all) {
      for (const [key, value] of Object.entries(trade)) {
        if (TRADE_FIELDS.has(key) || value === undefined || key in carried) continue;
        if (position?.[key] === undefined && instrument?.[key] === undefined) carried[key] = value;
      }
    }
    // The engine wants a price for every listed position, one of quantity 0 too: the trade may be its only one.
    const carriesData = (portfolio.preQty[slot] !== 0 && (markFromTrade || Object.keys(carried).length > 0)) || (position !== undefined && markFromTrade);
    if (markFromTrade || settlement !== mark) carried.price = settlement;
    const lot = portfolio.attribute(slot, 'lot_size') ?? 1;
    trades.push({ slot, symbol, quantity, settlement, lot, carried: carried as Partial<Trade>, carriesData });
  }
  return trades;
}

/** The adjusted trade list for final signed quantities; zero quantities are left out. */
export function adjustedTrades(trades: readonly ProposedTrade[], quantities: ArrayLike<number>): AdjustedTrade[] {
  const out: AdjustedTrade[] = [];
  trades.forEach((trade, c) => {
    const q = quantities[c];
    if (q === 0) return;
    out.push({ symbol: trade.symbol, side: q > 0 ? 'BUY' : 'SELL', quantity: Math.abs(q), ...trade.carried } as AdjustedTrade);
  });
  return out;
}

/** Objective Σ |q′ₛ − qₛ| · markₛ of final quantities, in base currency. */
export function distance(trades: readonly ProposedTrade[], portfolio: PortfolioColumns, quantities: ArrayLike<number>): number {
  let total = 0;
  trades.forEach((trade, c) => {
    total += Math.abs(quantities[c] - trade.quantity) * portfolio.mark[trade.slot];
  });
  return total;
}
