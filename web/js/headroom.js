// Headroom per traded symbol (POST /api/v1/headroom): the largest quantity that could be traded alone
// from the portfolio state with every strict policy compliant, and the policy one more lot would break.
// Hidden when the service has no such endpoint.
import { api } from './api.js';
import { fill, h } from './dom.js';
import { amount, percent } from './format.js';

/**
 * The state headroom is asked about: the portfolio as sent, plus, for a traded symbol priced only
 * on its trade, that trade's price and attributes as its instrument (the contract's own fallback).
 */
function stateWithTradedInstruments(request) {
  const state = request.portfolio_state;
  const held = new Set(state.positions.map((p) => p.symbol));
  const instruments = { ...(state.instruments ?? {}) };
  for (const { symbol, side: _side, quantity: _quantity, ...attributes } of request.decision.trades) {
    if (!held.has(symbol) && instruments[symbol]?.price === undefined) instruments[symbol] = { ...attributes, ...instruments[symbol] };
  }
  return { ...state, instruments };
}

function headroomRow(side, r) {
  return h(
    'tr',
    { dataset: { symbol: r.symbol } },
    h('td', { class: 'policy-name' }, r.symbol),
    h('td', {}, side),
    h('td', { class: 'num' }, h('strong', {}, r.quantity === null ? 'unlimited' : amount(r.quantity))),
    h('td', { class: 'num' }, r.notional === null ? '' : amount(r.notional)),
    h('td', { class: 'num' }, r.post_trade_weight === null ? '' : percent(r.post_trade_weight)),
    h('td', {}, r.binding_policy ?? '—', r.binding_description ? h('div', { class: 'description' }, `one lot more: ${r.binding_description}`) : ''),
  );
}

export async function renderHeadroom(container, request) {
  const bySide = new Map();
  for (const trade of request.decision.trades) {
    if (!bySide.has(trade.side)) bySide.set(trade.side, new Set());
    bySide.get(trade.side).add(trade.symbol);
  }
  if (bySide.size === 0) return;
  const state = stateWithTradedInstruments(request);
  let answers;
  try {
    answers = await Promise.all(
      [...bySide].map(([side, symbols]) => api('POST', '/api/v1/headroom', { portfolio_state: state, symbols: [...symbols], side, applicable_policies: request.applicable_policies })),
    );
  } catch (error) {
    if (error.missingRoute) return;
    fill(container, h('h3', {}, 'Headroom'), h('p', { class: 'error-text' }, `Could not compute headroom: ${error.summary ?? error.message}`));
    container.hidden = false;
    return;
  }
  fill(
    container,
    h('h3', {}, 'Headroom'),
    h(
      'table',
      { class: 'grid', id: 'headroom' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Symbol'), h('th', {}, 'Side'), h('th', { class: 'num' }, 'Largest compliant'), h('th', { class: 'num' }, 'Notional'), h('th', { class: 'num' }, 'Weight after'), h('th', {}, 'Binding policy'))),
      h('tbody', {}, answers.flatMap((answer) => answer.headroom.map((r) => headroomRow(answer.side, r)))),
    ),
    h('p', { class: 'hint' }, 'From the portfolio state before the proposed trades, each symbol traded alone, in whole lots; computed by the service.'),
    answers.flatMap((answer) => answer.recommendations).map((text) => h('p', { class: 'hint' }, text)),
  );
  container.hidden = false;
}
