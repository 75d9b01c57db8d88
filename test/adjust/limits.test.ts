import { describe, expect, it } from 'vitest';
import { adjust, policy, request } from './support.js';

/**
 * Hand-computed adjustments for POSITION_LIMIT, SECTOR_LIMIT and every RISK_LIMIT metric. Trades
 * settle at the mark, so NAV does not move: each limit becomes a bound worked out in the comment.
 */

const TECH = { sector: 'Technology' };

describe('POSITION_LIMIT', () => {
  it('max_quantity, rounded down to whole lots: 100 + q ≤ 500 and lots of 100 → buy 400', async () => {
    const req = request(100_000, [{ symbol: 'AAPL', quantity: 100, price: 10, lot_size: 100 }], [{ symbol: 'AAPL', quantity: 450 }]);
    const { adjusted, revalidated, response } = await adjust(req, [policy('POSITION_LIMIT', { max_quantity: 500 })]);
    expect(adjusted).toEqual({ AAPL: 400 });
    expect(revalidated?.is_compliant).toBe(true);
    expect(response.recommendations).toEqual(['Reduce the AAPL buy from 450 to 400 to stay within position_limit']);
  });

  it('min_weight: XOM 1,000 × 50 of NAV 100,000; x·50 / 100,000 ≥ 30 % → sell at most 400', async () => {
    const req = request(50_000, [{ symbol: 'XOM', quantity: 1000, price: 50 }], [{ symbol: 'XOM', side: 'SELL', quantity: 600 }]);
    const { adjusted, revalidated } = await adjust(req, [policy('POSITION_LIMIT', { min_weight: 0.3 })]);
    expect(adjusted).toEqual({ XOM: -400 });
    expect(revalidated?.is_compliant).toBe(true);
  });

  it('max_notional: q × 400 ≤ 100,000 → buy 250; a trade the limit does not bind stays as proposed', async () => {
    const req = request(1_000_000, [], [{ symbol: 'MSFT', quantity: 300, price: 400 }, { symbol: 'IBM', quantity: 10, price: 100 }]);
    const { adjusted, response } = await adjust(req, [policy('POSITION_LIMIT', { max_notional: 100_000 })]);
    expect(adjusted).toEqual({ MSFT: 250, IBM: 10 });
    expect(response.violations[0].suggested_adjustment).toEqual({ trades: [{ symbol: 'MSFT', side: 'BUY', quantity: 250, original_quantity: 300 }] });
  });

  it('a passive breach is held at its pre-trade level: AAPL already 12 % > 10 %, so a buy is dropped', async () => {
    const req = request(880_000, [{ symbol: 'AAPL', quantity: 1200, price: 100 }], [{ symbol: 'AAPL', quantity: 50 }]);
    const { adjusted, response, revalidated } = await adjust(req, [policy('POSITION_LIMIT', { max_weight: 0.1 })]);
    expect(adjusted).toEqual({});
    expect(response.adjusted_trades).toEqual([]);
    expect(response.recommendations).toContain('Drop the AAPL buy of 50 to stay within position_limit');
    expect(revalidated?.is_compliant).toBe(true);
  });
});

describe('SECTOR_LIMIT', () => {
  it('net: Technology 100k + 100·q ≤ 25 % of 1,000,000 → MSFT 1,500; the Energy buy is untouched', async () => {
    const req = request(
      800_000,
      [{ symbol: 'AAPL', quantity: 1000, price: 100, ...TECH }, { symbol: 'XOM', quantity: 1000, price: 100, sector: 'Energy' }],
      [{ symbol: 'MSFT', quantity: 2000 }, { symbol: 'CVX', quantity: 500 }],
      { instruments: { MSFT: { price: 100, ...TECH }, CVX: { price: 100, sector: 'Energy' } } },
    );
    const { adjusted, response } = await adjust(req, [policy('SECTOR_LIMIT', { max_weight: 0.25 })]);
    expect(adjusted).toEqual({ MSFT: 1500, CVX: 500 });
    expect(response.recommendations).toEqual(['Reduce the MSFT buy from 2000 to 1500 to stay within sector_limit']);
  });

  it('a sector named like an object\'s own property ("constructor", "__proto__") takes max_weight as any other', async () => {
    // A's group: (100 + q)·10 ≤ 30 % of NAV 12,000 (buys settle at the mark) → 260; B's Tech group has room to 50 %.
    for (const sector of ['Energy', 'constructor', 'toString', '__proto__']) {
      const req = request(10_000, [{ symbol: 'A', quantity: 100, price: 10, sector }, { symbol: 'B', quantity: 100, price: 10, sector: 'Tech' }], [{ symbol: 'A', quantity: 500 }, { symbol: 'B', quantity: 100 }]);
      const { adjusted, revalidated } = await adjust(req, [policy('SECTOR_LIMIT', { max_weight: 0.3, limits: { Tech: 0.5 } })]);
      expect(adjusted, sector).toEqual({ A: 260, B: 100 });
      expect(revalidated?.is_compliant).toBe(true);
    }
  });

  it('gross: |−100k| + |−100·q| ≤ 20 % of 1,000,000 → sell 1,000 MSFT short', async () => {
    const req = request(1_100_000, [{ symbol: 'AAPL', quantity: -1000, price: 100, ...TECH }], [{ symbol: 'MSFT', side: 'SELL', quantity: 1500, price: 100, ...TECH }]);
    const { adjusted, revalidated } = await adjust(req, [policy('SECTOR_LIMIT', { max_weight: 0.2, measure: 'gross' })]);
    expect(adjusted).toEqual({ MSFT: -1000 });
    expect(revalidated?.is_compliant).toBe(true);
  });
});

describe('RISK_LIMIT', () => {
  // NAV 1,000,000: AAPL 2,000 × 100 = 20 %, the rest cash.
  const base = [{ symbol: 'AAPL', quantity: 2000, price: 100, beta: 1, adv: 1_000_000 }];
  const buyTsla = (quantity: number, price = 100) => request(800_000, base, [{ symbol: 'TSLA', quantity, price, beta: 2, adv: 10_000 }]);

  it('beta: 0.2·1 + 2·w ≤ 1.2 → w ≤ 50 % → TSLA at 200: 2,500', async () => {
    const { adjusted } = await adjust(buyTsla(3000, 200), [policy('RISK_LIMIT', { metric: 'beta', max: 1.2 })]);
    expect(adjusted).toEqual({ TSLA: 2500 });
  });

  it('net_exposure: 20 % + w ≤ 50 % → 3,000', async () => {
    const { adjusted } = await adjust(buyTsla(4000), [policy('RISK_LIMIT', { metric: 'net_exposure', max: 0.5 })]);
    expect(adjusted).toEqual({ TSLA: 3000 });
  });

  it('gross_exposure: 20 % + |−w| ≤ 25 % → sell 500 short', async () => {
    const req = request(800_000, base, [{ symbol: 'TSLA', side: 'SELL', quantity: 1000, price: 100 }]);
    const { adjusted } = await adjust(req, [policy('RISK_LIMIT', { metric: 'gross_exposure', max: 0.25 })]);
    expect(adjusted).toEqual({ TSLA: -500 });
  });

  it('hhi (cutting planes): 0.2² + w² ≤ 0.08 → w ≤ 0.2 → 2,000', async () => {
    const { adjusted, revalidated } = await adjust(buyTsla(3000), [policy('RISK_LIMIT', { metric: 'hhi', max: 0.08 })]);
    expect(adjusted).toEqual({ TSLA: 2000 });
    expect(revalidated?.is_compliant).toBe(true);
  });

  const riskModel = { symbols: ['AAPL', 'TSLA'], covariance: [[0.09, 0], [0, 0.25]] };
  /** Largest TSLA weight with √(0.2²·0.09 + w²·0.25) ≤ σ, in shares of 100 on NAV 1,000,000, whole. */
  const sharesFor = (sigma: number) => Math.floor(10_000 * Math.sqrt((sigma * sigma - 0.04 * 0.09) / 0.25));

  it('volatility (cutting planes): √(0.0036 + 0.25·w²) ≤ 20 % → ⌊10,000·√0.1456⌋ = 3,815', async () => {
    const req = { ...buyTsla(5000), portfolio_state: { ...buyTsla(5000).portfolio_state, risk_model: riskModel } };
    const { adjusted, revalidated } = await adjust(req, [policy('RISK_LIMIT', { metric: 'volatility', max: 0.2 })]);
    expect(adjusted).toEqual({ TSLA: sharesFor(0.2) });
    expect(sharesFor(0.2)).toBe(3815);
    expect(revalidated?.is_compliant).toBe(true);
  });

  it('var at 99 % over 10 days: z·σ·√(10/252) ≤ 5 % → σ ≤ 0.05 / (2.3263·√(10/252))', async () => {
    const req = { ...buyTsla(5000), portfolio_state: { ...buyTsla(5000).portfolio_state, risk_model: riskModel } };
    const { adjusted } = await adjust(req, [policy('RISK_LIMIT', { metric: 'var', max: 0.05, confidence: 0.99, horizon_days: 10 })]);
    expect(adjusted).toEqual({ TSLA: sharesFor(0.05 / (2.3263 * Math.sqrt(10 / 252))) });
  });

  it('liquidity_days: |q| ≤ 2 days × 20 % × adv 10,000 → 4,000', async () => {
    const { adjusted } = await adjust(buyTsla(5000), [policy('RISK_LIMIT', { metric: 'liquidity_days', max: 2 })]);
    expect(adjusted).toEqual({ TSLA: 4000 });
  });

  it('a new symbol without beta is dropped (it would fail closed), and its MISSING_DATA violation says so', async () => {
    const req = request(800_000, base, [{ symbol: 'TSLA', quantity: 100, price: 100 }, { symbol: 'AAPL', quantity: 10 }]);
    const { adjusted, response } = await adjust(req, [policy('RISK_LIMIT', { metric: 'beta', max: 2 })]);
    expect(adjusted).toEqual({ AAPL: 10 });
    const missing = response.violations.find((v) => v.violation_type === 'MISSING_DATA');
    expect(missing?.suggested_adjustment).toEqual({ trades: [{ symbol: 'TSLA', side: 'BUY', quantity: 0, original_quantity: 100 }] });
  });
});
