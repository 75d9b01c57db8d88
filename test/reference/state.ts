import type { InstrumentAttributes, ValidationRequest } from '../../src/schemas/validation.js';

/**
 * The reference model of contract section 2: marks, settlement prices, post-trade quantities and
 * cash, NAV and weights. Written for clarity with plain objects; it shares no code with src/.
 */

/** Every attribute an instrument may carry (contract section 2). */
const ATTRIBUTE_KEYS = [
  'price', 'sector', 'industry', 'country', 'currency', 'asset_class', 'issuer', 'rating', 'beta', 'adv',
  'shares_outstanding', 'lot_size', 'is_government', 'is_fund',
] as const satisfies ReadonlyArray<keyof InstrumentAttributes>;

export interface Holding {
  symbol: string;
  /** Valuation price: position price, else instruments[symbol].price, else a trade's price. */
  mark: number;
  preQty: number;
  postQty: number;
  /** quantity × mark / NAV, signed. */
  preWeight: number;
  postWeight: number;
  /** Each attribute from the position, else instruments[symbol], else the symbol's trades. */
  attributes: InstrumentAttributes;
}

export interface ReferenceState {
  /** Every symbol held or traded, positions first, then new symbols in trade order. */
  holdings: Holding[];
  preCash: number;
  postCash: number;
  preNav: number;
  postNav: number;
}

/** The request cannot be evaluated: the 422 codes of every reason found. */
export class ReferenceRejection extends Error {
  constructor(readonly codes: string[]) {
    super(`rejected: ${codes.join(', ')}`);
  }
}

/** The state before the checks that can reject it, with the magnitude NAV is a difference of. */
interface Measured extends ReferenceState {
  reasons: string[];
  /** |cash| + Σ |quantity × mark| + Σ |traded × settlement|: the scale of NAV's rounding error. */
  scale: number;
}

function measure(request: ValidationRequest): Measured {
  const { decision, portfolio_state: portfolio } = request;
  const reasons: string[] = [];
  if (decision.portfolio_id !== undefined && portfolio.portfolio_id !== undefined && decision.portfolio_id !== portfolio.portfolio_id) {
    reasons.push('PES_PORTFOLIO_MISMATCH');
  }
  const heldSymbols = portfolio.positions.map((p) => p.symbol);
  if (new Set(heldSymbols).size !== heldSymbols.length) reasons.push('PES_DUPLICATE_POSITION');

  const instruments = new Map(Object.entries(portfolio.instruments ?? {}));
  const symbols: string[] = [];
  for (const symbol of heldSymbols) if (!symbols.includes(symbol)) symbols.push(symbol);
  for (const trade of decision.trades) if (!symbols.includes(trade.symbol)) symbols.push(trade.symbol);

  const holdings: Holding[] = [];
  for (const symbol of symbols) {
    const position = portfolio.positions.find((p) => p.symbol === symbol);
    const instrument = instruments.get(symbol);
    const trades = decision.trades.filter((t) => t.symbol === symbol);
    const attributes: Record<string, unknown> = {};
    for (const key of ATTRIBUTE_KEYS) {
      const sources = [position, instrument, ...trades];
      const source = sources.find((s) => s !== undefined && s[key] !== undefined);
      if (source) attributes[key] = source[key];
    }
    // A trade adds its quantity to the position (+BUY, −SELL).
    let traded = 0;
    for (const trade of trades) traded += trade.side === 'BUY' ? trade.quantity : -trade.quantity;
    const preQty = position ? position.quantity : 0;
    holdings.push({
      symbol,
      mark: attributes.price as number,
      preQty,
      postQty: preQty + traded,
      preWeight: 0,
      postWeight: 0,
      attributes: attributes as InstrumentAttributes,
    });
  }
  if (holdings.some((h) => h.mark === undefined)) {
    reasons.push('PES_MISSING_PRICE');
    return { reasons, holdings, preCash: portfolio.cash, postCash: Number.NaN, preNav: Number.NaN, postNav: Number.NaN, scale: Number.NaN };
  }

  // Cash moves by −signed quantity × settlement price; a trade settles at its price, else the mark.
  let postCash = portfolio.cash;
  let scale = Math.abs(portfolio.cash);
  for (const trade of decision.trades) {
    const holding = holdings.find((h) => h.symbol === trade.symbol)!;
    const signed = trade.side === 'BUY' ? trade.quantity : -trade.quantity;
    const settlement = trade.price !== undefined ? trade.price : holding.mark;
    postCash -= signed * settlement;
    scale += Math.abs(signed * settlement);
  }

  // NAV = cash + Σ quantity × mark, before and after the trades.
  let preNav = portfolio.cash;
  let postNav = postCash;
  for (const holding of holdings) {
    preNav += holding.preQty * holding.mark;
    postNav += holding.postQty * holding.mark;
    scale += Math.abs(holding.preQty * holding.mark) + Math.abs(holding.postQty * holding.mark);
  }
  if (!(preNav > 0) || !(postNav > 0)) reasons.push('PES_NON_POSITIVE_NAV');
  for (const holding of holdings) {
    holding.preWeight = (holding.preQty * holding.mark) / preNav;
    holding.postWeight = (holding.postQty * holding.mark) / postNav;
  }
  return { reasons, holdings, preCash: portfolio.cash, postCash, preNav, postNav, scale };
}

export function buildReferenceState(request: ValidationRequest): ReferenceState {
  const { reasons, scale: _scale, ...state } = measure(request);
  if (reasons.length > 0) throw new ReferenceRejection(reasons);
  return state;
}

/**
 * Whether NAV before or after the trades is a tiny difference of large amounts (under 1/1000 of
 * them). Its rounding error, which depends on the order of the additions (the contract does not
 * fix one), then reaches the weights beyond the 1e-9 tolerance, or decides the sign of NAV itself.
 */
export function navIllConditioned(request: ValidationRequest): boolean {
  const { preNav, postNav, scale } = measure(request);
  return Math.abs(preNav) < 1e-3 * scale || Math.abs(postNav) < 1e-3 * scale;
}

/** The holding of a symbol, or an empty one (no quantity, no weight) when it is neither held nor traded. */
export function holdingOf(state: ReferenceState, symbol: string): Holding {
  const found = state.holdings.find((h) => h.symbol === symbol);
  return found ?? { symbol, mark: 0, preQty: 0, postQty: 0, preWeight: 0, postWeight: 0, attributes: {} };
}
