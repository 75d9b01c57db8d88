import { describe, expect, it } from 'vitest';
import { buildPortfolio } from '../../src/engine/portfolio.js';
import type { ValidationRequest } from '../../src/schemas/validation.js';

describe('buildPortfolio: what a symbol only traded takes from its trades', () => {
  const request: ValidationRequest = {
    decision: {
      decision_id: 'trades-by-slot',
      trades: [
        { symbol: 'NEW', side: 'BUY', quantity: 10 },
        { symbol: 'HELD', side: 'SELL', quantity: 5, price: 21 },
        { symbol: 'NEW', side: 'BUY', quantity: 30, price: 50, sector: 'Energy', beta: 1.4 },
        { symbol: 'NEW', side: 'SELL', quantity: 15, sector: 'Utilities' },
      ],
    },
    portfolio_state: { cash: 10_000, positions: [{ symbol: 'HELD', quantity: 100, price: 20 }] },
    applicable_policies: [],
  };
  const portfolio = buildPortfolio(request);
  const slot = portfolio.index.get('NEW')!;

  it('gives it one slot after the positions, with its trades netted', () => {
    expect(portfolio.symbols).toEqual(['HELD', 'NEW']);
    expect(slot).toBe(1);
    expect(portfolio.tradeQty[slot]).toBe(25);
    expect(portfolio.tradeQty[0]).toBe(-5);
  });

  it('prices it at the first of its trades that has a price, and reads each attribute from the first trade that has it', () => {
    expect(portfolio.mark[slot]).toBe(50);
    expect(portfolio.attribute(slot, 'sector')).toBe('Energy');
    expect(portfolio.attribute(slot, 'beta')).toBe(1.4);
    expect(portfolio.attribute(slot, 'country')).toBeUndefined();
    // A held symbol keeps its position's price; its trade's price settles cash only.
    expect(portfolio.mark[0]).toBe(20);
    expect(portfolio.postCash).toBe(10_000 - (10 * 50 + 30 * 50 - 15 * 50) + 5 * 21);
  });

  it('groups it by the attribute its trades give, and leaves a held symbol without one ungrouped', () => {
    const { codes, labels } = portfolio.group('sector');
    expect(codes[0]).toBe(-1);
    expect(labels[codes[slot]]).toBe('Energy');
  });
});
