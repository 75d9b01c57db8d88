// The post-trade portfolio as the contract (section 2) defines it, recomputed in the page so that
// passing checks, which the service does not list, can still be drawn against their limits.

/**
 * Per symbol held or traded: mark = position price ?? instruments[symbol].price ?? trade price;
 * postQty = preQty + Σ (±quantity); cash moves by −signed quantity × (trade price ?? mark);
 * NAV = cash + Σ quantity × mark; weight = quantity × mark / NAV.
 * Attributes are looked up on the position, then instruments[symbol], then the symbol's first trade.
 * Throws when a symbol has no price (the service answers 422 for that request).
 */
export function postTradeState(request) {
  const { decision, portfolio_state: state } = request;
  const instruments = state.instruments ?? {};
  const slots = new Map();
  const slotFor = (symbol, position) => {
    let slot = slots.get(symbol);
    if (!slot) {
      const instrument = Object.hasOwn(instruments, symbol) ? instruments[symbol] : undefined;
      slot = { symbol, sources: [position, instrument, undefined], preQty: position?.quantity ?? 0, tradeQty: 0 };
      slots.set(symbol, slot);
    }
    return slot;
  };
  for (const position of state.positions) slotFor(position.symbol, position);
  for (const trade of decision.trades) {
    const slot = slotFor(trade.symbol, undefined);
    slot.sources[2] ??= trade;
  }

  const attribute = (slot, key) => slot.sources.map((source) => source?.[key]).find((value) => value !== undefined);
  for (const slot of slots.values()) {
    slot.mark = attribute(slot, 'price');
    if (slot.mark === undefined) throw new Error(`no price for ${slot.symbol}`);
  }

  let postCash = state.cash;
  for (const trade of decision.trades) {
    const slot = slots.get(trade.symbol);
    const signed = trade.side === 'BUY' ? trade.quantity : -trade.quantity;
    slot.tradeQty += signed;
    postCash -= signed * (trade.price ?? slot.mark);
  }

  const rows = [...slots.values()];
  const preNav = state.cash + rows.reduce((sum, s) => sum + s.preQty * s.mark, 0);
  const postNav = postCash + rows.reduce((sum, s) => sum + (s.preQty + s.tradeQty) * s.mark, 0);
  return {
    preNav,
    postNav,
    rows: rows.map((slot) => {
      const postQty = slot.preQty + slot.tradeQty;
      return {
        symbol: slot.symbol,
        mark: slot.mark,
        preQty: slot.preQty,
        postQty,
        preWeight: (slot.preQty * slot.mark) / preNav,
        postWeight: (postQty * slot.mark) / postNav,
        attribute: (key) => attribute(slot, key),
      };
    }),
  };
}
