import { describe, expect, it } from 'vitest';
import type { Position } from '../../src/schemas/validation.js';
import { buy, sell, types, validate, type Scenario } from './engine.js';

const mandate = (rules: Record<string, unknown>, enforcement: 'strict' | 'advisory' = 'strict') => ({ type: 'INVESTMENT_MANDATE' as const, rules, enforcement });

// NAV 1,000,000 before and after (trades at the mark).
const at100 = (symbol: string, quantity: number, extra: Partial<Position> = {}): Position => ({ symbol, quantity, price: 100, ...extra });
const portfolio = (positions: Position[], trades: Scenario['trades'] = []): Scenario => {
  const invested = positions.reduce((sum, p) => sum + p.quantity * (p.price ?? 0), 0);
  return { cash: 1_000_000 - invested, positions, trades };
};

describe('INVESTMENT_MANDATE allowed_asset_classes', () => {
  const rules = mandate({ allowed_asset_classes: ['EQUITY', 'BOND'] });
  const positions = [at100('EQ', 100, { asset_class: 'EQUITY' }), at100('GOLD', 100, { asset_class: 'COMMODITY' })];

  it('buying an instrument of another class is ASSET_CLASS_NOT_ALLOWED; buying an allowed one passes', () => {
    expect(validate(rules, portfolio(positions.slice(0, 1), [buy('EQ', 10)])).is_compliant).toBe(true);
    const response = validate(rules, portfolio(positions, [buy('GOLD', 10)]));
    expect(response.violations).toEqual([
      expect.objectContaining({ violation_type: 'ASSET_CLASS_NOT_ALLOWED', severity: 'CRITICAL', subject: 'GOLD', observed: 110, pre_trade: 100, description: 'Holding of GOLD (asset class COMMODITY not allowed) would be 110 units; limit 0' }),
    ]);
  });

  it('selling it down is a passive breach', () => {
    const response = validate(rules, portfolio(positions, [sell('GOLD', 10)]));
    expect(response.is_compliant).toBe(true);
    expect(response.recommendations).toHaveLength(1);
  });

  it('a held instrument without asset_class is missing data', () => {
    const response = validate(rules, portfolio([at100('ANON', 10)], [sell('ANON', 5)]));
    expect(response.violations).toEqual([
      expect.objectContaining({ violation_type: 'MISSING_DATA', severity: 'HIGH', subject: 'ANON', description: 'ANON has no asset_class; allowed_asset_classes cannot be checked' }),
    ]);
  });
});

describe('INVESTMENT_MANDATE exclusions → EXCLUDED_INSTRUMENT', () => {
  const positions = [
    at100('XOM', 100, { issuer: 'Exxon', sector: 'Energy', country: 'US' }),
    at100('SHEL', 100, { issuer: 'Shell', sector: 'Energy', country: 'GB' }),
    at100('AAPL', 100, { issuer: 'Apple', sector: 'Technology', country: 'US' }),
    at100('NOISSUER', 100, { sector: 'Technology', country: 'US' }),
  ];
  const buyAll = [buy('XOM', 1), buy('SHEL', 1), buy('AAPL', 1), buy('NOISSUER', 1)];
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ['excluded_symbols', { excluded_symbols: ['XOM'] }, ['Holding of XOM (excluded symbol) would be 101 units; limit 0']],
    ['excluded_issuers, the symbol standing in for a missing issuer', { excluded_issuers: ['Shell', 'NOISSUER'] }, [
      'Holding of SHEL (excluded issuer Shell) would be 101 units; limit 0',
      'Holding of NOISSUER (excluded issuer NOISSUER) would be 101 units; limit 0',
    ]],
    ['excluded_sectors', { excluded_sectors: ['Energy'] }, [
      'Holding of XOM (excluded sector Energy) would be 101 units; limit 0',
      'Holding of SHEL (excluded sector Energy) would be 101 units; limit 0',
    ]],
    ['excluded_countries', { excluded_countries: ['GB'] }, ['Holding of SHEL (excluded country GB) would be 101 units; limit 0']],
  ];
  it.each(cases)('%s', (_name, rules, descriptions) => {
    const response = validate(mandate(rules), portfolio(positions, buyAll));
    expect(types(response).every((type) => type === 'EXCLUDED_INSTRUMENT')).toBe(true);
    expect(response.violations.map((v) => v.description)).toEqual(descriptions);
    // Selling every holding down instead: passive breaches only.
    const sold = validate(mandate(rules), portfolio(positions, buyAll.map((t) => sell(t.symbol, 1))));
    expect(sold.is_compliant).toBe(true);
    expect(sold.recommendations).toHaveLength(descriptions.length);
  });

  it('a held instrument without sector or country is missing data for those keys', () => {
    const response = validate(mandate({ excluded_sectors: ['Energy'], excluded_countries: ['GB'] }), portfolio([at100('ANON', 10)], [buy('ANON', 1)]));
    expect(response.violations.map((v) => [v.violation_type, v.description])).toEqual([
      ['MISSING_DATA', 'ANON has no sector; excluded_sectors cannot be checked'],
      ['MISSING_DATA', 'ANON has no country; excluded_countries cannot be checked'],
    ]);
  });
});

describe('INVESTMENT_MANDATE long_only → SHORT_POSITION_NOT_ALLOWED', () => {
  const longOnly = mandate({ long_only: true });

  it('selling to zero passes; selling beyond is a violation', () => {
    expect(validate(longOnly, portfolio([at100('A', 100)], [sell('A', 100)])).is_compliant).toBe(true);
    expect(validate(longOnly, portfolio([at100('A', 100)], [sell('A', 101)])).violations).toEqual([
      expect.objectContaining({ violation_type: 'SHORT_POSITION_NOT_ALLOWED', observed: 1, pre_trade: 0, description: 'Short position in A would be 1 units; limit 0' }),
    ]);
  });

  it('covering part of a short is a passive breach', () => {
    expect(validate(longOnly, portfolio([at100('A', -100)], [buy('A', 50)])).is_compliant).toBe(true);
  });

  it('long_only: false checks nothing', () => {
    expect(validate(mandate({ long_only: false }), portfolio([at100('A', -100)], [sell('A', 50)])).violations).toEqual([]);
  });
});

describe('INVESTMENT_MANDATE cash weight = cash / NAV', () => {
  // Cash 50,000 = 5 % of NAV; A 9,500 × 100 = 950,000.
  const positions = [at100('A', 9_500)];

  it('min_cash_weight: at the limit passes, below is CASH_MIN_BREACHED', () => {
    // Selling 1 A and buying it back leaves cash at 50,000 / 1,000,000 = 5.0 % → at the limit, passes.
    // Buying 1 A → cash 50,000 − 100 = 49,900 → 4.99 % < 5 %.
    expect(validate(mandate({ min_cash_weight: 0.05 }), portfolio(positions, [sell('A', 1), buy('A', 1)])).is_compliant).toBe(true);
    const response = validate(mandate({ min_cash_weight: 0.05 }), portfolio(positions, [buy('A', 1)]));
    expect(response.violations).toEqual([
      expect.objectContaining({ violation_type: 'CASH_MIN_BREACHED', subject: 'cash', observed: 0.0499, pre_trade: 0.05, description: 'Cash would be 4.99% of NAV; minimum 5.00%' }),
    ]);
  });

  it('raising cash that is below the minimum is a passive breach', () => {
    // min 6 %: cash 5 %; selling 50 A → 55,000 = 5.5 %, still below 6 % but higher.
    expect(validate(mandate({ min_cash_weight: 0.06 }), portfolio(positions, [sell('A', 50)])).is_compliant).toBe(true);
  });

  it('max_cash_weight: at the limit passes, above is CASH_MAX_EXCEEDED', () => {
    // Selling 150 A → cash 65,000 = 6.5 %; max 6.5 % passes, max 6 % fails.
    expect(validate(mandate({ max_cash_weight: 0.065 }), portfolio(positions, [sell('A', 150)])).is_compliant).toBe(true);
    expect(types(validate(mandate({ max_cash_weight: 0.06 }), portfolio(positions, [sell('A', 150)])))).toEqual(['CASH_MAX_EXCEEDED']);
  });
});

describe('INVESTMENT_MANDATE max_positions counts non-zero positions', () => {
  const positions = [at100('A', 10), at100('B', 10), at100('C', 10), at100('EMPTY', 0)];

  it('three of three passes; a fourth is MAX_POSITIONS_EXCEEDED', () => {
    expect(validate(mandate({ max_positions: 3 }), portfolio(positions, [buy('A', 1)])).is_compliant).toBe(true);
    const response = validate(mandate({ max_positions: 3 }), portfolio(positions, [buy('EMPTY', 1)]));
    expect(response.violations).toEqual([
      expect.objectContaining({ violation_type: 'MAX_POSITIONS_EXCEEDED', subject: 'positions', observed: 4, pre_trade: 3, description: 'Number of positions would be 4; limit 3' }),
    ]);
  });

  it('closing one of too many positions is a passive breach', () => {
    expect(validate(mandate({ max_positions: 1 }), portfolio(positions, [sell('A', 10)])).is_compliant).toBe(true);
  });
});

describe('INVESTMENT_MANDATE min_rating on the S&P scale', () => {
  const minimum = mandate({ min_rating: 'BBB-' });
  const bond = (symbol: string, rating?: string) => at100(symbol, 100, { asset_class: 'BOND', ...(rating ? { rating } : {}) });

  it('BBB- and better pass; BB+ is RATING_BELOW_MINIMUM', () => {
    const good = [bond('AAA1', 'AAA'), bond('BBBM', 'BBB-')];
    expect(validate(minimum, portfolio(good, [buy('AAA1', 1), buy('BBBM', 1)])).is_compliant).toBe(true);
    const response = validate(minimum, portfolio([bond('JUNK', 'BB+')], [buy('JUNK', 1)]));
    expect(response.violations).toEqual([
      expect.objectContaining({ violation_type: 'RATING_BELOW_MINIMUM', severity: 'CRITICAL', description: 'Holding of JUNK (rated BB+, below BBB-) would be 101 units; limit 0' }),
    ]);
  });

  it('selling down a bond below the minimum is a passive breach', () => {
    expect(validate(minimum, portfolio([bond('JUNK', 'D')], [sell('JUNK', 1)])).is_compliant).toBe(true);
  });

  it('a BOND without rating is missing data; an unrated equity is not checked', () => {
    const response = validate(minimum, portfolio([bond('NR'), at100('EQ', 10, { asset_class: 'EQUITY' })], [buy('NR', 1), buy('EQ', 1)]));
    expect(response.violations).toEqual([
      expect.objectContaining({ violation_type: 'MISSING_DATA', severity: 'HIGH', subject: 'NR', description: 'NR has no rating; min_rating cannot be checked' }),
    ]);
  });

  it('a rating off the S&P scale is missing data; a rated non-bond is checked', () => {
    const response = validate(minimum, portfolio([bond('MOODY', 'Baa1'), at100('PREF', 10, { asset_class: 'PREFERRED', rating: 'B' })], [buy('MOODY', 1), buy('PREF', 1)]));
    expect(response.violations.map((v) => [v.violation_type, v.subject])).toEqual([
      ['MISSING_DATA', 'MOODY'],
      ['RATING_BELOW_MINIMUM', 'PREF'],
    ]);
  });
});

describe('INVESTMENT_MANDATE with several keys', () => {
  it('checks each key present, in order, and an advisory mandate does not block', () => {
    const rules = { excluded_symbols: ['X'], long_only: true, max_positions: 1 };
    const response = validate(mandate(rules, 'advisory'), portfolio([at100('A', 10)], [buy('X', 1, { price: 100 }), sell('B', 1, { price: 100 })]));
    expect(types(response)).toEqual(['EXCLUDED_INSTRUMENT', 'SHORT_POSITION_NOT_ALLOWED', 'MAX_POSITIONS_EXCEEDED']);
    expect(response.is_compliant).toBe(true);
    // Zero limits give an infinite relative excess → MEDIUM for advisory; 3 vs 1 → e = 2 → MEDIUM.
    expect(response.violations.map((v) => v.severity)).toEqual(['MEDIUM', 'MEDIUM', 'MEDIUM']);
  });
});
