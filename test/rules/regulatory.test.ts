import { describe, expect, it } from 'vitest';
import type { Position } from '../../src/schemas/validation.js';
import { buy, sell, types, validate, type Scenario } from './engine.js';

const regulatory = (rule: string, parameters: Record<string, unknown> = {}, enforcement: 'strict' | 'advisory' = 'strict') => ({
  type: 'REGULATORY' as const,
  rules: { rule, ...parameters },
  enforcement,
});

// Every scenario below has NAV 1,000,000 and trades at the mark, so NAV stays 1,000,000.
const at200 = (symbol: string, quantity: number, extra: Partial<Position> = {}): Position => ({ symbol, quantity, price: 200, ...extra });
const portfolio = (positions: Position[], trades: Scenario['trades'] = []): Scenario => {
  const invested = positions.reduce((sum, p) => sum + p.quantity * (p.price ?? 0), 0);
  return { cash: 1_000_000 - invested, positions, trades };
};

describe('REGULATORY UCITS_5_10_40', () => {
  const ucits = regulatory('UCITS_5_10_40');

  it('an issuer at exactly 10 % passes; just above is ISSUER_LIMIT_EXCEEDED, CRITICAL', () => {
    // 495 × 200 = 99,000 (9.90 %); +5 → 500 × 200 = 100,000 / 1,000,000 = 10.0 % → at the limit, passes.
    const positions = [at200('AAPL', 495, { issuer: 'Apple' })];
    expect(validate(ucits, portfolio(positions, [buy('AAPL', 5)])).is_compliant).toBe(true);
    // +6 → 501 × 200 = 100,200 → 10.02 % > 10 %.
    const response = validate(ucits, portfolio(positions, [buy('AAPL', 6)]));
    expect(response.violations).toEqual([
      {
        policy_name: 'policy_0',
        violation_type: 'ISSUER_LIMIT_EXCEEDED',
        severity: 'CRITICAL',
        description: 'Issuer Apple would be 10.02% of NAV; limit 10.00%',
        subject: 'Apple',
        observed: 0.1002,
        limit: 0.1,
        pre_trade: 0.099,
        enforcement_level: 'strict',
      },
    ]);
  });

  it('adds up the symbols of one issuer, and uses the symbol when issuer is missing', () => {
    // After the buys: GOOG 300 × 200 + GOOGL 260 × 200 = 112,000 → 11.2 %; XYZ (no issuer) 550 × 200 = 11 %.
    const positions = [at200('GOOG', 250, { issuer: 'Alphabet' }), at200('GOOGL', 260, { issuer: 'Alphabet' }), at200('XYZ', 500)];
    const response = validate(ucits, portfolio(positions, [buy('GOOG', 50), buy('XYZ', 50)]));
    expect(response.violations.map((v) => v.subject)).toEqual(['Alphabet', 'XYZ']);
    expect(response.violations[0].observed).toBeCloseTo(0.112, 12);
    expect(response.violations[1].observed).toBeCloseTo(0.11, 12);
  });

  it('counts a symbol without an issuer with the holding whose issuer bears its name', () => {
    // ACME (issuer XYZ) 300 × 200 = 6 %; XYZ (no issuer: its own issuer) 200 → 210 × 200 = 4.2 %: issuer XYZ at 10.2 %.
    const positions = [at200('ACME', 300, { issuer: 'XYZ' }), at200('XYZ', 200)];
    const response = validate(ucits, portfolio(positions, [buy('XYZ', 10)]));
    expect(response.violations.map((v) => [v.violation_type, v.subject])).toEqual([['ISSUER_LIMIT_EXCEEDED', 'XYZ']]);
    expect(response.violations[0].observed).toBeCloseTo(0.102, 12);
    expect(response.violations[0].pre_trade).toBeCloseTo(0.1, 12);
  });

  it('leaves government securities and short positions outside', () => {
    // UST 1,500 × 200 = 30 % but is_government; SHRT −600 × 200 = −12 % counts as 0 long weight.
    const positions = [at200('UST', 1_500, { is_government: true }), at200('SHRT', -500)];
    expect(validate(ucits, portfolio(positions, [buy('UST', 10), sell('SHRT', 100)])).violations).toEqual([]);
  });

  // Six issuers at 6 % (36 %) and one at 5 %: the 5 % issuer is not "above 5 %", so 36 % ≤ 40 %.
  const aggregate = () => [
    ...['A', 'B', 'C', 'D', 'E', 'F'].map((symbol) => at200(symbol, 300)), // 300 × 200 = 60,000 = 6 %
    at200('G', 240), // 240 × 200 = 48,000 = 4.8 %
  ];

  it('an issuer at exactly 5.0 % does not count toward 40 %', () => {
    // G +10 → 250 × 200 = 50,000 = 5.0 %: not above 5 %, aggregate 36 % (41 % if it counted).
    const response = validate(ucits, portfolio(aggregate(), [buy('G', 10)]));
    expect(response.is_compliant).toBe(true);
  });

  it('an issuer just above 5 % counts: AGGREGATE_LIMIT_EXCEEDED', () => {
    // G +11 → 251 × 200 = 50,200 = 5.02 % → aggregate 36 % + 5.02 % = 41.02 % > 40 %.
    const response = validate(ucits, portfolio(aggregate(), [buy('G', 11)]));
    expect(response.violations).toHaveLength(1);
    expect(response.violations[0]).toMatchObject({
      violation_type: 'AGGREGATE_LIMIT_EXCEEDED',
      severity: 'CRITICAL',
      subject: 'issuers_above_threshold',
      limit: 0.4,
      description: 'Issuers above 5.00% together would be 41.02% of NAV; limit 40.00%',
    });
    expect(response.violations[0].observed).toBeCloseTo(0.4102, 12);
    expect(response.violations[0].pre_trade).toBeCloseTo(0.36, 12);
  });

  it('takes issuer_max, threshold and aggregate_max as parameters', () => {
    // With threshold 4 % the 4.8 % issuer G counts: 36 % + 4.8 % = 40.8 % > 40 %.
    expect(types(validate(regulatory('UCITS_5_10_40', { threshold: 0.04 }), portfolio(aggregate(), [buy('A', 1)])))).toEqual([
      'AGGREGATE_LIMIT_EXCEEDED',
    ]);
    // issuer_max 5 %: each 6 % issuer bought further breaches it.
    expect(types(validate(regulatory('UCITS_5_10_40', { issuer_max: 0.05 }), portfolio(aggregate(), [buy('A', 1)])))).toEqual([
      'ISSUER_LIMIT_EXCEEDED',
    ]);
    // aggregate_max 50 %: 36 % + 5.02 % passes.
    expect(validate(regulatory('UCITS_5_10_40', { aggregate_max: 0.5 }), portfolio(aggregate(), [buy('G', 11)])).is_compliant).toBe(true);
  });

  it('selling down an oversized issuer is a passive breach; buying more is a violation', () => {
    // 600 × 200 = 12 %; selling 50 → 11 %: still above 10 %, but lower.
    const positions = [at200('AAPL', 600)];
    const sold = validate(ucits, portfolio(positions, [sell('AAPL', 50)]));
    expect(sold.is_compliant).toBe(true);
    expect(sold.compliance_score).toBe(0.95);
    expect(sold.recommendations).toEqual([
      'policy_0: Issuer AAPL is already 12.00% of NAV, above its limit of 10.00%, and the trade moves it to 11.00%; passive breach, not a violation (ISSUER_LIMIT_EXCEEDED)',
    ]);
    expect(types(validate(ucits, portfolio(positions, [buy('AAPL', 1)])))).toEqual(['ISSUER_LIMIT_EXCEEDED']);
  });

  it('an advisory policy reports with the computed severity and does not block', () => {
    // 12.2 % vs 10 %: e = 0.22 → MEDIUM for advisory.
    const response = validate(regulatory('UCITS_5_10_40', {}, 'advisory'), portfolio([at200('AAPL', 600)], [buy('AAPL', 10)]));
    expect(response.is_compliant).toBe(true);
    expect(response.violations[0].severity).toBe('MEDIUM');
  });

  it('rules.severity overrides CRITICAL', () => {
    const response = validate(regulatory('UCITS_5_10_40', { severity: 'LOW' }), portfolio([at200('AAPL', 600)], [buy('AAPL', 10)]));
    expect(response.violations[0].severity).toBe('LOW');
  });
});

describe('REGULATORY DIVERSIFIED_75_5_10', () => {
  const diversified = regulatory('DIVERSIFIED_75_5_10');
  const shares = { shares_outstanding: 1_000_000 };
  // Total assets = max(cash, 0) + Σ long market values = 1,000,000:
  // cash 400,000; fund F 200,000 (outside); treasury T 100,000 (outside); P 50,000 (exactly 5 %: inside
  // the 75 %); Q, R, S, U 60,000 each (6 %: bucket 240,000 = 24 %); V 10,000 (1 %, 10 % of its 500 shares).
  const assets = (trades: Scenario['trades'] = [], extra: Position[] = []): Scenario => ({
    cash: 400_000,
    positions: [
      at200('F', 1_000, { is_fund: true }),
      at200('T', 500, { is_government: true }),
      at200('P', 250, shares),
      ...['Q', 'R', 'S', 'U'].map((symbol) => at200(symbol, 300, shares)),
      at200('V', 50, { shares_outstanding: 500 }),
      ...extra,
    ],
    trades,
  });

  it('passes with 24 % outside the diversified 75 %', () => {
    // A 1-unit buy of F (a fund) changes nothing in the bucket: 240,000 / 1,000,000 = 24 %.
    expect(validate(diversified, assets([buy('F', 1)])).violations).toEqual([]);
  });

  it('a holding above 5 % of total assets enters the bucket whole', () => {
    // P +1 → 251 × 200 = 50,200 = 5.02 % of 1,000,000 → bucket 240,000 + 50,200 = 29.02 % > 25 %.
    const response = validate(diversified, assets([buy('P', 1)]));
    expect(response.violations).toHaveLength(1);
    expect(response.violations[0]).toMatchObject({
      violation_type: 'DIVERSIFICATION_FAILED',
      severity: 'CRITICAL',
      subject: 'non_diversified_bucket',
      limit: 0.25,
      pre_trade: 0.24,
      description:
        'Non-diversified bucket (issuers above 5% of total assets or 10% of shares outstanding) would be 29.02% of total assets; limit 25.00%',
    });
    expect(response.violations[0].observed).toBeCloseTo(0.2902, 12);
  });

  it('a holding above 10 % of shares outstanding enters the bucket whole', () => {
    // V: 50 / 500 = 10.0 % → not above. V +1 → 51 / 500 = 10.2 % → 51 × 200 = 10,200 joins: 25.02 % > 25 %.
    const response = validate(diversified, assets([buy('V', 1)]));
    expect(response.violations[0].observed).toBeCloseTo(0.2502, 12);
  });

  it('groups by issuer and leaves funds and government securities outside', () => {
    // F2 adds another 4 % fund and T2 another 4 % treasury, both with F's and T's issuer: still 24 %.
    const extra = [at200('F2', 200, { is_fund: true, issuer: 'F' }), at200('T2', 200, { is_government: true, issuer: 'T' })];
    const response = validate(diversified, { ...assets([buy('F2', 1)], extra), cash: 400_000 - 80_000 });
    expect(response.violations).toEqual([]);
    // P2 of issuer P at 4 %: P holds 50,000 + 40,000 = 9 % → bucket 24 % + 9 % = 33 %.
    const issuer = validate(diversified, { ...assets([buy('P2', 1)], [at200('P2', 199, { ...shares, issuer: 'P' })]), cash: 400_000 - 39_800 });
    expect(issuer.violations[0].observed).toBeCloseTo(0.33, 12);
  });

  it('divides by total assets, which leave negative cash out, not by NAV', () => {
    // Cash −100,000; Q, R, S, U 60,000 each; W 270 × 200 = 54,000; fund Y 4,030 × 200 = 806,000.
    // Total assets = 0 + 240,000 + 54,000 + 806,000 = 1,100,000 (NAV 1,000,000).
    // Q: 60,000 / 1,100,000 = 5.45 % → in; W: 54,000 / 1,100,000 = 4.91 % → out; bucket 240,000 / 1,100,000 = 21.8 %.
    // Over NAV it would be (240,000 + 54,000) / 1,000,000 = 29.4 % and fail.
    const response = validate(diversified, {
      cash: -100_000,
      positions: [...['Q', 'R', 'S', 'U'].map((symbol) => at200(symbol, 300, shares)), at200('W', 270, shares), at200('Y', 4_030, { is_fund: true })],
      trades: [buy('Y', 1)],
    });
    expect(response.violations).toEqual([]);
    expect(response.compliance_score).toBe(1); // u = 0.2182 / 0.25 = 0.87 < 0.9
  });

  it('selling down a bucket holding is a passive breach; buying more is a violation', () => {
    const overweight = (trades: Scenario['trades']) => ({ ...assets(trades), positions: assets().positions!.map((p) => (p.symbol === 'Q' ? { ...p, quantity: 370 } : p)), cash: 386_000 });
    // Q 370 × 200 = 74,000 → bucket 254,000 = 25.4 %; selling 5 → 73,000 → 25.3 %: passive.
    expect(validate(diversified, overweight([sell('Q', 5)])).is_compliant).toBe(true);
    expect(types(validate(diversified, overweight([buy('Q', 5)])))).toEqual(['DIVERSIFICATION_FAILED']);
  });

  it('a long holding without shares_outstanding is missing data; funds and governments need none', () => {
    const response = validate(diversified, assets([buy('F', 1)], [at200('Z', 10)]));
    expect(response.violations).toEqual([
      expect.objectContaining({
        violation_type: 'MISSING_DATA',
        severity: 'HIGH',
        subject: 'Z',
        description: 'Z has no shares_outstanding; the 10% ownership test of DIVERSIFIED_75_5_10 cannot be applied',
      }),
    ]);
  });
});

describe('REGULATORY RESTRICTED_LIST', () => {
  const bySymbol = regulatory('RESTRICTED_LIST', { symbols: ['BAD'] });
  const byIssuer = regulatory('RESTRICTED_LIST', { issuers: ['Bad Corp', 'NOISSUER'] });

  it('buying a restricted symbol is RESTRICTED_INSTRUMENT, CRITICAL', () => {
    const response = validate(bySymbol, portfolio([], [buy('BAD', 10, { price: 200 })]));
    expect(response.violations).toEqual([
      expect.objectContaining({
        violation_type: 'RESTRICTED_INSTRUMENT',
        severity: 'CRITICAL',
        subject: 'BAD',
        observed: 10,
        limit: 0,
        pre_trade: 0,
        description: 'Holding of BAD (restricted symbol) would be 10 units; limit 0',
      }),
    ]);
  });

  it('selling down a restricted holding is a passive breach; selling out passes; buying more is a violation', () => {
    const positions = [at200('BAD', 100)];
    const sold = validate(bySymbol, portfolio(positions, [sell('BAD', 50)]));
    expect(sold.is_compliant).toBe(true);
    expect(sold.recommendations[0]).toContain('passive breach');
    const closed = validate(bySymbol, portfolio(positions, [sell('BAD', 100)]));
    expect(closed).toMatchObject({ is_compliant: true, recommendations: [], compliance_score: 1 });
    expect(types(validate(bySymbol, portfolio(positions, [buy('BAD', 1)])))).toEqual(['RESTRICTED_INSTRUMENT']);
  });

  it('restricts every symbol of a listed issuer; a symbol without issuer is its own issuer', () => {
    const positions = [at200('B1', 10, { issuer: 'Bad Corp' }), at200('NOISSUER', 10), at200('OK', 10, { issuer: 'Good Corp' })];
    const response = validate(byIssuer, portfolio(positions, [buy('B1', 1), buy('NOISSUER', 1), buy('OK', 1)]));
    expect(response.violations.map((v) => v.description)).toEqual([
      'Holding of B1 (restricted issuer Bad Corp) would be 11 units; limit 0',
      'Holding of NOISSUER (restricted issuer NOISSUER) would be 11 units; limit 0',
    ]);
  });

  it('a short restricted holding counts by its size: covering is passive, shorting more is not', () => {
    const positions = [at200('BAD', -100)];
    expect(validate(bySymbol, portfolio(positions, [buy('BAD', 40)])).is_compliant).toBe(true);
    expect(types(validate(bySymbol, portfolio(positions, [sell('BAD', 1)])))).toEqual(['RESTRICTED_INSTRUMENT']);
  });
});

describe('REGULATORY SHORT_SALE_BAN', () => {
  it('selling beyond the position is SHORT_SALE_PROHIBITED; selling out to zero passes', () => {
    const positions = [at200('AAPL', 100)];
    expect(validate(regulatory('SHORT_SALE_BAN'), portfolio(positions, [sell('AAPL', 100)])).is_compliant).toBe(true);
    const response = validate(regulatory('SHORT_SALE_BAN'), portfolio(positions, [sell('AAPL', 130)]));
    expect(response.violations).toEqual([
      expect.objectContaining({ violation_type: 'SHORT_SALE_PROHIBITED', severity: 'CRITICAL', observed: 30, pre_trade: 0, description: 'Short position in AAPL would be 30 units; limit 0' }),
    ]);
  });

  it('covering part of a short is a passive breach; shorting more is a violation', () => {
    const positions = [at200('AAPL', -100)];
    expect(validate(regulatory('SHORT_SALE_BAN'), portfolio(positions, [buy('AAPL', 10)])).is_compliant).toBe(true);
    expect(types(validate(regulatory('SHORT_SALE_BAN'), portfolio(positions, [sell('AAPL', 10)])))).toEqual(['SHORT_SALE_PROHIBITED']);
  });

  it('with symbols, bans shorts in those symbols only', () => {
    const scoped = regulatory('SHORT_SALE_BAN', { symbols: ['AAPL'] });
    const response = validate(scoped, portfolio([], [sell('AAPL', 5, { price: 200 }), sell('MSFT', 5, { price: 200 })]));
    expect(response.violations.map((v) => v.subject)).toEqual(['AAPL']);
  });
});

describe('REGULATORY OWNERSHIP_LIMIT', () => {
  const ownership = regulatory('OWNERSHIP_LIMIT');
  const held = (quantity: number, extra: Partial<Position> = { shares_outstanding: 10_000 }) => [{ symbol: 'SMALL', quantity, price: 10, ...extra }];

  it('10 % of shares outstanding passes by default; just above is OWNERSHIP_LIMIT_EXCEEDED', () => {
    // 990 + 10 = 1,000 / 10,000 = 10.0 % → at the limit, passes; +11 → 1,001 / 10,000 = 10.01 %.
    expect(validate(ownership, portfolio(held(990), [buy('SMALL', 10)])).is_compliant).toBe(true);
    const response = validate(ownership, portfolio(held(990), [buy('SMALL', 11)]));
    expect(response.violations).toEqual([
      expect.objectContaining({ violation_type: 'OWNERSHIP_LIMIT_EXCEEDED', severity: 'CRITICAL', observed: 0.1001, limit: 0.1, pre_trade: 0.099, description: 'SMALL would be 10.01% of shares outstanding; limit 10.00%' }),
    ]);
  });

  it('takes max_fraction, and counts short positions by size', () => {
    // |−510| / 10,000 = 5.1 % > 5 %.
    const response = validate(regulatory('OWNERSHIP_LIMIT', { max_fraction: 0.05 }), portfolio(held(-500), [sell('SMALL', 10)]));
    expect(response.violations[0].observed).toBeCloseTo(0.051, 12);
  });

  it('selling down an oversized stake is a passive breach', () => {
    // 1,200 / 10,000 = 12 % → 1,100 / 10,000 = 11 %.
    expect(validate(ownership, portfolio(held(1_200), [sell('SMALL', 100)])).is_compliant).toBe(true);
  });

  it('a held symbol without shares_outstanding is missing data, HIGH, even when selling down', () => {
    const response = validate(ownership, portfolio(held(1_200, {}), [sell('SMALL', 100)]));
    expect(response.is_compliant).toBe(false);
    expect(response.violations).toEqual([
      expect.objectContaining({ violation_type: 'MISSING_DATA', severity: 'HIGH', subject: 'SMALL', description: 'SMALL has no shares_outstanding; OWNERSHIP_LIMIT cannot be checked' }),
    ]);
  });

  it('a zero position that is not traded needs no shares_outstanding', () => {
    expect(validate(ownership, portfolio(held(0, {}))).violations).toEqual([]);
  });
});
