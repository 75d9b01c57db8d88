import { describe, expect, it } from 'vitest';
import { computeHeadroom } from '../../src/adjust/headroom.js';
import { compilePolicySet } from '../../src/policies/compile.js';
import { adjust, adjustment, policy, request } from './support.js';

/** Hand-computed adjustments for REGULATORY and INVESTMENT_MANDATE rules, lot repair, and what a caller reads when none exists. */

// Four issuers at 9 % of NAV 1,000,000 (36 % above the 5 % threshold), the rest cash.
const issuers = ['A', 'B', 'C', 'D'].map((issuer) => ({ symbol: issuer, quantity: 900, price: 100, issuer, shares_outstanding: 1e7 }));

describe('REGULATORY', () => {
  it('UCITS_5_10_40 is not convex: E at 6 % would make the bucket 42 %, so it stops at 5 % exactly (500 shares)', async () => {
    const req = request(640_000, issuers, [{ symbol: 'E', quantity: 600, price: 100, issuer: 'E' }]);
    const { adjusted, revalidated, response } = await adjust(req, [policy('REGULATORY', { rule: 'UCITS_5_10_40' })]);
    expect(adjusted).toEqual({ E: 500 });
    expect(revalidated?.is_compliant).toBe(true);
    expect(response.violations.map((v) => v.violation_type)).toEqual(['AGGREGATE_LIMIT_EXCEEDED']);
  });

  it('UCITS_5_10_40 with a threshold of 0: every issuer held counts whole, E stops at 40 % − 36 % = 4 % (400), with no binary', async () => {
    const req = request(640_000, issuers, [{ symbol: 'E', quantity: 600, price: 100, issuer: 'E' }]);
    const policies = [policy('REGULATORY', { rule: 'UCITS_5_10_40', threshold: 0 })];
    const { adjusted, revalidated } = await adjust(req, policies);
    expect(adjusted).toEqual({ E: 400 });
    expect(revalidated?.is_compliant).toBe(true);
    const { model } = await adjustment(req, compilePolicySet(1, policies));
    expect(model.integer.some((integer) => integer)).toBe(false);
  });

  it('UCITS headroom jumps at 5 %: E can reach 5 % (500) but not 5 % + a lot; A can reach its 10 % issuer cap (100)', async () => {
    const set = compilePolicySet(1, [policy('REGULATORY', { rule: 'UCITS_5_10_40' })]);
    const state = { cash: 640_000, positions: issuers, instruments: { E: { price: 100, issuer: 'E' } } };
    const result = await computeHeadroom({ portfolio_state: state, symbols: ['E', 'A'], side: 'BUY', applicable_policies: [] }, set);
    expect(result.headroom.map((h) => [h.symbol, h.quantity, h.binding_violation_type])).toEqual([
      ['E', 500, 'AGGREGATE_LIMIT_EXCEEDED'],
      ['A', 100, 'ISSUER_LIMIT_EXCEEDED'],
    ]);
  });

  it('DIVERSIFIED_75_5_10: three issuers at 7 % of total assets; D at 6 % would make 27 % > 25 % → 5 % (500)', async () => {
    const held = issuers.slice(0, 3).map((p) => ({ ...p, quantity: 700 }));
    const req = request(790_000, held, [{ symbol: 'D', quantity: 600, price: 100, issuer: 'D', shares_outstanding: 1e7 }]);
    const { adjusted, revalidated } = await adjust(req, [policy('REGULATORY', { rule: 'DIVERSIFIED_75_5_10' })]);
    expect(adjusted).toEqual({ D: 500 });
    expect(revalidated?.is_compliant).toBe(true);
  });

  it('RESTRICTED_LIST: the restricted buy is dropped, the other kept', async () => {
    const req = request(1_000_000, [], [{ symbol: 'BAD', quantity: 100, price: 10 }, { symbol: 'OK', quantity: 100, price: 10 }]);
    const { adjusted, response } = await adjust(req, [policy('REGULATORY', { rule: 'RESTRICTED_LIST', symbols: ['BAD'] })]);
    expect(adjusted).toEqual({ OK: 100 });
    expect(response.recommendations).toEqual(['Drop the BAD buy of 100 to stay within regulatory']);
  });

  it('SHORT_SALE_BAN: holding 100, a sale of 300 becomes 100', async () => {
    const req = request(1_000_000, [{ symbol: 'X', quantity: 100, price: 10 }], [{ symbol: 'X', side: 'SELL', quantity: 300 }]);
    const { adjusted } = await adjust(req, [policy('REGULATORY', { rule: 'SHORT_SALE_BAN' })]);
    expect(adjusted).toEqual({ X: -100 });
  });

  it('OWNERSHIP_LIMIT: |800 + q| ≤ 10 % of 10,000 → buy 200', async () => {
    const req = request(1_000_000, [{ symbol: 'X', quantity: 800, price: 10, shares_outstanding: 10_000 }], [{ symbol: 'X', quantity: 500 }]);
    const { adjusted } = await adjust(req, [policy('REGULATORY', { rule: 'OWNERSHIP_LIMIT' })]);
    expect(adjusted).toEqual({ X: 200 });
  });
});

describe('INVESTMENT_MANDATE', () => {
  const book = [{ symbol: 'AAPL', quantity: 8500, price: 100, sector: 'Technology', rating: 'A' }];

  it('excluded_sectors drops the Energy buy; min_rating drops the BB bond', async () => {
    const req = request(150_000, book, [
      { symbol: 'XOM', quantity: 10, price: 100, sector: 'Energy', rating: 'A' },
      { symbol: 'JUNK', quantity: 10, price: 100, sector: 'Technology', rating: 'BB', asset_class: 'BOND' },
      { symbol: 'MSFT', quantity: 10, price: 100, sector: 'Technology', rating: 'AA' },
    ]);
    const { adjusted } = await adjust(req, [policy('INVESTMENT_MANDATE', { excluded_sectors: ['Energy'], min_rating: 'BBB-' })]);
    expect(adjusted).toEqual({ MSFT: 10 });
  });

  it('min_cash_weight: cash 150,000 − 100·q ≥ 10 % of 1,000,000 → buy 500', async () => {
    const req = request(150_000, book, [{ symbol: 'MSFT', quantity: 1000, price: 100 }]);
    const { adjusted } = await adjust(req, [policy('INVESTMENT_MANDATE', { min_cash_weight: 0.1 })]);
    expect(adjusted).toEqual({ MSFT: 500 });
  });

  it('max_cash_weight breached before (50 % > 40 %) is held there: a sale that raises cash is dropped', async () => {
    const req = request(500_000, [{ symbol: 'AAPL', quantity: 5000, price: 100 }], [{ symbol: 'AAPL', side: 'SELL', quantity: 2000 }]);
    const { adjusted, response } = await adjust(req, [policy('INVESTMENT_MANDATE', { max_cash_weight: 0.4 })]);
    expect(adjusted).toEqual({});
    expect(response.recommendations).toContain('Drop the AAPL sell of 2000 to stay within investment_mandate');
  });

  it('long_only: holding 100, a sale of 250 becomes 100', async () => {
    const req = request(1_000_000, [{ symbol: 'X', quantity: 100, price: 10 }], [{ symbol: 'X', side: 'SELL', quantity: 250 }]);
    const { adjusted } = await adjust(req, [policy('INVESTMENT_MANDATE', { long_only: true })]);
    expect(adjusted).toEqual({ X: -100 });
  });

  it('max_positions (binaries): room for one new position; dropping D (1,000) costs less than dropping C (5,000)', async () => {
    const req = request(1_000_000, [{ symbol: 'A', quantity: 10, price: 10 }, { symbol: 'B', quantity: 10, price: 10 }], [
      { symbol: 'C', quantity: 100, price: 50 },
      { symbol: 'D', quantity: 100, price: 10 },
    ]);
    const { adjusted } = await adjust(req, [policy('INVESTMENT_MANDATE', { max_positions: 3 })]);
    expect(adjusted).toEqual({ C: 100 });
  });
});

describe('lots and outcomes', () => {
  it('when rounding breaks a limit it is repaired: X sells ≤ 255 (lots of 100 → 200) and the Y buy it funds follows to 200', async () => {
    // NAV 1,000,000. X ≥ 87.45 % ⇒ sell ≤ 255; cash ≥ 10 % ⇒ buy Y ≤ sell X. Rounding X alone leaves Y at 255 > 200.
    const req = request(100_000, [{ symbol: 'X', quantity: 9000, price: 100, lot_size: 100 }], [
      { symbol: 'X', side: 'SELL', quantity: 1000 },
      { symbol: 'Y', quantity: 1000, price: 100 },
    ]);
    const { adjusted, revalidated } = await adjust(req, [
      policy('POSITION_LIMIT', { min_weight: 0.8745, symbols: ['X'] }),
      policy('INVESTMENT_MANDATE', { min_cash_weight: 0.1 }),
    ]);
    expect(adjusted).toEqual({ X: -200, Y: 200 });
    expect(revalidated?.is_compliant).toBe(true);
  });

  it('an adjusted trade carries what only the original trade gave: its sector, and its price when it is the mark', async () => {
    const req = request(1_000_000, [], [{ symbol: 'NEW', quantity: 3000, price: 100, sector: 'Technology' }]);
    const { response } = await adjust(req, [policy('SECTOR_LIMIT', { max_weight: 0.2 })]);
    expect(response.adjusted_trades).toEqual([{ symbol: 'NEW', side: 'BUY', quantity: 2000, sector: 'Technology', price: 100 }]);
  });

  it('says so, with the code, when no resizing can comply (a held position lacks the beta a limit needs)', async () => {
    const req = request(1_000_000, [{ symbol: 'IBM', quantity: 10, price: 100 }], [{ symbol: 'AAPL', quantity: 10, price: 100, beta: 1 }]);
    const { response } = await adjust(req, [policy('RISK_LIMIT', { metric: 'beta', max: 2 })]);
    expect(response.adjusted_trades).toBeUndefined();
    expect(response.recommendations).toEqual([
      'No resizing of the trades satisfies every strict policy: risk_limit: beta is missing for IBM, which the portfolio holds (PES_SOLVER_INFEASIBLE)',
    ]);
  });

  it('names a rule it cannot express (a minimum hhi) and still returns trades the engine accepts', async () => {
    const req = request(900_000, [{ symbol: 'A', quantity: 1000, price: 100 }], [{ symbol: 'B', quantity: 3000, price: 100 }]);
    const { response, revalidated } = await adjust(req, [policy('RISK_LIMIT', { metric: 'hhi', min: 0.001, max: 0.05 })]);
    expect(revalidated?.is_compliant).toBe(true);
    expect(response.recommendations).toContain(
      'The adjustment model does not cover risk_limit (a minimum hhi is not convex); the adjusted trades were re-validated against it, but a closer compliant list may exist',
    );
  });
});
