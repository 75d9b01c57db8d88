import { describe, expect, it } from 'vitest';
import { buy, request, runEngine, sell } from '../support/engine.js';

// NAV 1,000,000: cash 500,000, A 300,000 (β 1.5), B 200,000 (β 0.5)
const positions = () => [
  { symbol: 'A', quantity: 3_000, price: 100, beta: 1.5 },
  { symbol: 'B', quantity: 2_000, price: 100, beta: 0.5 },
];
const policy = (rules: Record<string, unknown>) => [{ policy_name: 'risk', policy_type: 'RISK_LIMIT' as const, rules }];

describe('RISK_LIMIT', () => {
  it('beta = Σ wᵢβᵢ: 0.3 × 1.5 + 0.2 × 0.5 = 0.55', () => {
    expect(runEngine(request(500_000, positions()), policy({ metric: 'beta', max: 0.55 }))).toMatchObject({ is_compliant: true, compliance_score: 0.95 });
    // buy 100 A: 0.31 × 1.5 + 0.2 × 0.5 = 0.565 > 0.55
    const res = runEngine(request(500_000, positions(), [buy('A', 100)]), policy({ metric: 'beta', max: 0.55 }));
    expect(res.violations).toMatchObject([{ violation_type: 'RISK_MAX_EXCEEDED', subject: 'beta', limit: 0.55, severity: 'MEDIUM' }]);
    expect(res.violations[0].observed).toBeCloseTo(0.565, 12);
    expect(res.violations[0].description).toBe('Portfolio beta would be 0.565; limit 0.55');
  });

  it('beta min: selling the high-beta name below the floor', () => {
    // sell 1,000 A: 0.2 × 1.5 + 0.2 × 0.5 = 0.4 < 0.45
    const res = runEngine(request(500_000, positions(), [sell('A', 1_000)]), policy({ metric: 'beta', min: 0.45 }));
    expect(res.violations).toMatchObject([{ violation_type: 'RISK_MIN_BREACHED', observed: expect.closeTo(0.4, 12), pre_trade: expect.closeTo(0.55, 12) }]);
  });

  it('beta missing on a position that is held fails closed with MISSING_DATA', () => {
    const res = runEngine(request(500_000, [...positions(), { symbol: 'C', quantity: 10, price: 100 }]), policy({ metric: 'beta', max: 5 }));
    expect(res.violations).toEqual([
      { policy_name: 'risk', violation_type: 'MISSING_DATA', severity: 'HIGH', description: 'Cannot compute beta: beta is missing for C', subject: 'beta', enforcement_level: 'strict' },
    ]);
    expect(res.is_compliant).toBe(false);
  });

  it('gross, net and hhi', () => {
    // short C 1,000 × 100: NAV = 500,000 + 300,000 + 200,000 − 100,000 = 900,000
    const req = request(500_000, [...positions(), { symbol: 'C', quantity: -1_000, price: 100 }]);
    const gross = 600_000 / 900_000; // 0.6667
    const net = 400_000 / 900_000; // 0.4444
    const hhi = (300 ** 2 + 200 ** 2 + 100 ** 2) / 900 ** 2; // 0.1728
    const res = runEngine({ ...req, decision: { ...req.decision, trades: [sell('C', 1)] } }, [
      { policy_name: 'g', policy_type: 'RISK_LIMIT', rules: { metric: 'gross_exposure', max: gross } },
      { policy_name: 'n', policy_type: 'RISK_LIMIT', rules: { metric: 'net_exposure', min: net } },
      { policy_name: 'h', policy_type: 'RISK_LIMIT', rules: { metric: 'hhi', max: hhi } },
    ]);
    // Selling one more C raises gross (+100/900,000), lowers net, raises hhi: all three break by a hair.
    // An empty applicable_policies checks every policy, in name order.
    expect(res.violations.map((v) => v.policy_name)).toEqual(['g', 'h', 'n']);
    expect(res.violations[0].pre_trade).toBeCloseTo(gross, 12);
    expect(res.violations[1].pre_trade).toBeCloseTo(hhi, 12);
    expect(res.violations[2].pre_trade).toBeCloseTo(net, 12);
  });

  it('the default risk_limits policy: gross exposure ≤ 100 %', () => {
    // cash 0, A + B = 500,000 = NAV → gross 100 % at the limit
    expect(runEngine(request(0, positions()), policy({ metric: 'gross_exposure', max: 1 }))).toMatchObject({ is_compliant: true, compliance_score: 0.95 });
    // leverage: buy 1 A on credit → cash −100; NAV unchanged 500,000; gross 500,100 / 500,000
    expect(runEngine(request(0, positions(), [buy('A', 1)]), policy({ metric: 'gross_exposure', max: 1 })).is_compliant).toBe(false);
  });

  it('rejects rules that do not fit, naming the field', () => {
    expect(() => runEngine(request(1, []), policy({ metric: 'sharpe', max: 1 }))).toThrow(expect.objectContaining({ details: [expect.objectContaining({ path: '/rules/metric' })] }));
    expect(() => runEngine(request(1, []), policy({ metric: 'beta' }))).toThrow(expect.objectContaining({ code: 'PES_INVALID_RULES' }));
    expect(() => runEngine(request(1, []), policy({ metric: 'beta', max: 1, min: 2 }))).toThrow(expect.objectContaining({ details: [{ path: '/rules/min', message: 'must not exceed max' }] }));
  });
});
