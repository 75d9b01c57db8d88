import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/errors.js';
import { buy, sell, types, validate, type Scenario } from './engine.js';

const volatility = (rules: Record<string, unknown>) => ({ type: 'RISK_LIMIT' as const, rules: { metric: 'volatility', ...rules } });
const valueAtRisk = (rules: Record<string, unknown>) => ({ type: 'RISK_LIMIT' as const, rules: { metric: 'var', ...rules } });
const liquidity = (rules: Record<string, unknown>) => ({ type: 'RISK_LIMIT' as const, rules: { metric: 'liquidity_days', ...rules } });

// NAV 1,000,000: A 5,000 × 100 = 500,000 (w = 0.5), B not held yet, cash 500,000.
// Σ = [[0.04, 0.01], [0.01, 0.09]] (σA = 20 %, σB = 30 %, correlation 1/6).
const covariance = { symbols: ['A', 'B'], covariance: [[0.04, 0.01], [0.01, 0.09]] };
const twoAssets = (trades: Scenario['trades'] = []): Scenario => ({
  cash: 500_000,
  positions: [{ symbol: 'A', quantity: 5_000, price: 100 }],
  instruments: { B: { price: 50 } },
  trades,
  risk_model: covariance,
});
// Pre: wᵀΣw = 0.5² × 0.04 = 0.01 → volatility 10 %.
// Buying 4,000 B × 50 = 200,000 at the mark keeps NAV at 1,000,000: w = (0.5, 0.2),
// wᵀΣw = 0.25 × 0.04 + 0.04 × 0.09 + 2 × 0.5 × 0.2 × 0.01 = 0.01 + 0.0036 + 0.002 = 0.0156.
const postVolatility = Math.sqrt(0.0156); // 0.124900

describe('RISK_LIMIT volatility = √(wᵀΣw)', () => {
  it('computes the post- and pre-trade volatility from the covariance', () => {
    const response = validate(volatility({ max: 0.12 }), twoAssets([buy('B', 4_000)]));
    expect(response.violations).toHaveLength(1);
    const [violation] = response.violations;
    expect(violation.violation_type).toBe('RISK_MAX_EXCEEDED');
    expect(violation.subject).toBe('volatility');
    expect(violation.observed).toBeCloseTo(postVolatility, 12);
    expect(violation.pre_trade).toBeCloseTo(0.1, 12);
    // e = (0.1249 − 0.12) / 0.12 = 4.1 % → MEDIUM for a strict policy.
    expect(violation.severity).toBe('MEDIUM');
    expect(violation.description).toBe('Portfolio volatility would be 12.49% annualised; limit 12.00%');
  });

  it('passes at the limit and fails just above it', () => {
    expect(validate(volatility({ max: postVolatility }), twoAssets([buy('B', 4_000)])).is_compliant).toBe(true);
    expect(validate(volatility({ max: postVolatility - 1e-6 }), twoAssets([buy('B', 4_000)])).is_compliant).toBe(false);
  });

  it('counts a short position with its sign: w = (0.5, −0.2)', () => {
    // wᵀΣw = 0.01 + 0.0036 − 0.002 = 0.0116 → 10.77 %
    const response = validate(volatility({ max: 0.1 }), twoAssets([sell('B', 4_000)]));
    expect(response.violations[0].observed).toBeCloseTo(Math.sqrt(0.0116), 12);
  });

  it('a min bound fails when volatility falls below it', () => {
    // Selling 2,500 A: w = 0.25 → √(0.0625 × 0.04) = 5 % < 6 %.
    const response = validate(volatility({ min: 0.06 }), twoAssets([sell('A', 2_500)]));
    expect(types(response)).toEqual(['RISK_MIN_BREACHED']);
    expect(response.violations[0].observed).toBeCloseTo(0.05, 12);
  });

  it('reducing volatility that is already above the limit is a passive breach', () => {
    // Pre 10 % > 7 %; selling 1,000 A: w = 0.4 → √(0.16 × 0.04) = 8 %, still above but lower.
    const sold = validate(volatility({ max: 0.07 }), twoAssets([sell('A', 1_000)]));
    expect(sold.is_compliant).toBe(true);
    expect(sold.compliance_score).toBe(0.95);
    expect(sold.recommendations[0]).toContain('passive breach');
    // Buying 1,000 A: w = 0.6 → 12 %, further above: a violation.
    expect(types(validate(volatility({ max: 0.07 }), twoAssets([buy('A', 1_000)])))).toEqual(['RISK_MAX_EXCEEDED']);
  });

  it('computes a 2,000 × 2,000 constant-correlation covariance', () => {
    // After buying the last 250 S0: 2,000 symbols at price 1, 250 units each, cash 500,000:
    // wᵢ = 250 / 1,000,000 = 0.00025, Σw = 0.5. Σ = σ² ((1 − ρ) I + ρ 11ᵀ), σ² = 0.04, ρ = 0.3:
    // wᵀΣw = σ² ((1 − ρ) Σwᵢ² + ρ (Σwᵢ)²) = 0.04 × (0.7 × 2,000 × 0.00025² + 0.3 × 0.25) = 0.0030035.
    const n = 2_000;
    const symbols = Array.from({ length: n }, (_, i) => `S${i}`);
    const rows = symbols.map((_, r) => symbols.map((_, c) => (r === c ? 0.04 : 0.04 * 0.3)));
    const response = validate(volatility({ max: 0.05 }), {
      cash: 500_250,
      positions: symbols.map((symbol, i) => ({ symbol, quantity: i === 0 ? 0 : 250, price: 1 })),
      trades: [buy('S0', 250)],
      risk_model: { symbols, covariance: rows },
    });
    expect(response.violations[0].observed).toBeCloseTo(Math.sqrt(0.0030035), 12);
  });

  it('ignores model symbols the portfolio does not hold', () => {
    // Only A is held; buying 1,000 more: w = 0.6 → √(0.36 × 0.04) = 12 %, whatever B's row says.
    const response = validate(volatility({ max: 0.09 }), twoAssets([buy('A', 1_000)]));
    expect(response.violations[0].observed).toBeCloseTo(0.12, 12);
  });
});

describe('RISK_LIMIT var = z · volatility · √(horizon_days / 252)', () => {
  // A: 4,000 held, 1,000 bought at 100 → w = 0.5 → volatility √(0.25 × 0.04) = 10 % (pre: 8 %).
  const halfInA = (): Scenario => ({ ...twoAssets([buy('A', 1_000)]), cash: 600_000, positions: [{ symbol: 'A', quantity: 4_000, price: 100 }] });
  it('defaults to 95 % and one day: 1.6449 × 0.10 × √(1/252)', () => {
    const oneDay = 1.6449 * 0.1 * Math.sqrt(1 / 252); // 0.0103619
    const response = validate(valueAtRisk({ max: 0.01 }), halfInA());
    expect(response.violations[0].observed).toBeCloseTo(oneDay, 12);
    expect(response.violations[0].description).toBe('Portfolio VaR (95%, 1-day) would be 1.04% of NAV; limit 1.00%');
    expect(validate(valueAtRisk({ max: oneDay }), halfInA()).is_compliant).toBe(true);
  });

  it('scales by the confidence z and the horizon: 252 days at 99 % = 2.3263 × 0.10', () => {
    const response = validate(valueAtRisk({ max: 0.2, confidence: 0.99, horizon_days: 252 }), halfInA());
    expect(response.violations[0].observed).toBeCloseTo(0.23263, 12);
    // The same at 95 %: 0.16449 ≤ 0.2 passes.
    expect(validate(valueAtRisk({ max: 0.2, confidence: 0.95, horizon_days: 252 }), halfInA()).is_compliant).toBe(true);
  });

  it('passes at the limit and fails just above it', () => {
    expect(validate(valueAtRisk({ max: 0.16449, horizon_days: 252 }), halfInA()).is_compliant).toBe(true);
    expect(validate(valueAtRisk({ max: 0.1644, horizon_days: 252 }), halfInA()).is_compliant).toBe(false);
  });
});

describe('RISK_LIMIT liquidity_days = max |q| / (participation × adv)', () => {
  // A: 10,000 / (0.2 × 50,000) = 1 day; B: 30,000 / (0.2 × 100,000) = 1.5 days.
  const liquid = (trades: Scenario['trades'] = [], bAdv: number | null = 100_000): Scenario => ({
    cash: 1_000_000,
    positions: [
      { symbol: 'A', quantity: 10_000, price: 10, adv: 50_000 },
      { symbol: 'B', quantity: 30_000, price: 10, ...(bAdv === null ? {} : { adv: bAdv }) },
    ],
    trades,
  });

  it('takes the slowest position', () => {
    // Buying 2,000 B: 32,000 / 20,000 = 1.6 days; A stays at 1 day.
    const response = validate(liquidity({ max: 1.4 }), liquid([buy('B', 2_000)]));
    expect(response.violations[0]).toMatchObject({ observed: 1.6, pre_trade: 1.5 });
    expect(response.violations[0].description).toBe('Portfolio liquidation at 20% of ADV would be 1.6 days; limit 1.4');
  });

  it('passes at the limit and fails above it after a buy', () => {
    // Buying 10,000 B: 40,000 / 20,000 = 2 days.
    expect(validate(liquidity({ max: 2 }), liquid([buy('B', 10_000)])).is_compliant).toBe(true);
    const response = validate(liquidity({ max: 1.9 }), liquid([buy('B', 10_000)]));
    expect(response.violations[0]).toMatchObject({ observed: 2, pre_trade: 1.5, violation_type: 'RISK_MAX_EXCEEDED' });
  });

  it('uses the participation rate: 40,000 / (0.4 × 100,000) = 1 day', () => {
    expect(validate(liquidity({ max: 1, participation: 0.4 }), liquid([buy('B', 10_000)])).is_compliant).toBe(true);
  });

  it('a held position without adv, or with adv 0, is missing data', () => {
    for (const adv of [null, 0]) {
      const response = validate(liquidity({ max: 10 }), liquid([], adv));
      expect(response.violations).toEqual([
        expect.objectContaining({ violation_type: 'MISSING_DATA', severity: 'HIGH', subject: 'liquidity_days', description: 'Cannot compute liquidity_days: adv is missing or 0 for B' }),
      ]);
    }
  });

  it('selling a position without adv down is still missing data: never passive', () => {
    expect(types(validate(liquidity({ max: 10 }), liquid([sell('B', 10_000)], null)))).toEqual(['MISSING_DATA']);
  });
});

describe('RISK_LIMIT missing risk data', () => {
  it('a held symbol without beta is missing data for beta', () => {
    // A has beta 1.2, B (bought) has none.
    const response = validate({ type: 'RISK_LIMIT', rules: { metric: 'beta', max: 2 } }, {
      cash: 500_000,
      positions: [{ symbol: 'A', quantity: 5_000, price: 100, beta: 1.2 }],
      trades: [buy('B', 10, { price: 100 })],
    });
    expect(response.violations).toEqual([
      expect.objectContaining({ violation_type: 'MISSING_DATA', severity: 'HIGH', subject: 'beta', description: 'Cannot compute beta: beta is missing for B' }),
    ]);
  });

  it('no risk_model at all is missing data', () => {
    const { risk_model: _, ...scenario } = twoAssets();
    const response = validate(volatility({ max: 1 }), scenario);
    expect(response.violations).toEqual([
      expect.objectContaining({ violation_type: 'MISSING_DATA', severity: 'HIGH', description: 'Cannot compute volatility: the request has no portfolio_state.risk_model' }),
    ]);
  });

  it('a held or traded symbol absent from the model is missing data', () => {
    const scenario = { ...twoAssets([buy('C', 10, { price: 100 })]) };
    const response = validate(valueAtRisk({ max: 1 }), scenario);
    expect(response.violations).toEqual([expect.objectContaining({ violation_type: 'MISSING_DATA', description: 'Cannot compute var: the risk model lacks C' })]);
  });

  it('a symbol held at zero and not traded needs no row', () => {
    const scenario = twoAssets();
    const response = validate(volatility({ max: 1 }), { ...scenario, positions: [...scenario.positions!, { symbol: 'Z', quantity: 0, price: 5 }] });
    expect(response.violations).toEqual([]);
  });
});

describe('RISK_LIMIT malformed risk model → 422 PES_INVALID_RISK_MODEL', () => {
  const cases: Array<[string, Scenario['risk_model'], string]> = [
    ['fewer rows than symbols', { symbols: ['A', 'B'], covariance: [[0.04, 0.01]] }, '/portfolio_state/risk_model/covariance'],
    ['a short row', { symbols: ['A', 'B'], covariance: [[0.04, 0.01], [0.01]] }, '/portfolio_state/risk_model/covariance/1'],
    ['an asymmetric entry', { symbols: ['A', 'B'], covariance: [[0.04, 0.01], [0.02, 0.09]] }, '/portfolio_state/risk_model/covariance/0/1'],
    ['a negative variance', { symbols: ['A', 'B'], covariance: [[0.04, 0.01], [0.01, -0.09]] }, '/portfolio_state/risk_model/covariance/1/1'],
    ['a symbol twice', { symbols: ['A', 'A'], covariance: [[0.04, 0.01], [0.01, 0.09]] }, '/portfolio_state/risk_model/symbols/1'],
    // w = (0.5, 0.2): 0.25 × 0.04 + 0.04 × 0.01 − 2 × 0.1 × 0.5 = −0.0896 < 0
    ['a matrix that is not positive semi-definite', { symbols: ['A', 'B'], covariance: [[0.04, -0.5], [-0.5, 0.01]] }, '/portfolio_state/risk_model/covariance'],
  ];
  it.each(cases)('%s', (_name, model, path) => {
    let error: unknown;
    try {
      validate(volatility({ max: 1 }), { ...twoAssets([buy('B', 4_000)]), risk_model: model });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).statusCode).toBe(422);
    expect((error as ServiceError).code).toBe('PES_INVALID_RISK_MODEL');
    expect((error as ServiceError).details![0].path).toBe(path);
  });

  it('accepts an asymmetry within 1e-9', () => {
    const model = { symbols: ['A', 'B'], covariance: [[0.04, 0.01], [0.01 + 5e-10, 0.09]] };
    expect(validate(volatility({ max: 1 }), { ...twoAssets(), risk_model: model }).is_compliant).toBe(true);
  });

  it('is read only by the policies that need it', () => {
    const model = { symbols: ['A', 'B'], covariance: [[0.04, 0.01]] };
    const response = validate({ type: 'POSITION_LIMIT', rules: { max_weight: 1 } }, { ...twoAssets(), risk_model: model });
    expect(response.is_compliant).toBe(true);
  });
});
