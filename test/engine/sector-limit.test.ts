import { describe, expect, it } from 'vitest';
import { buy, request, runEngine, sell } from '../support/engine.js';

// NAV 1,000,000: cash 700,000; T1 100,000 (Tech), T2 100,000 (Tech), E1 100,000 (Energy).
const positions = () => [
  { symbol: 'T1', quantity: 1_000, price: 100, sector: 'Tech', country: 'US' },
  { symbol: 'T2', quantity: 1_000, price: 100, sector: 'Tech', country: 'DE' },
  { symbol: 'E1', quantity: 1_000, price: 100, sector: 'Energy', country: 'US' },
];
const policy = (rules: Record<string, unknown>, enforcement_level: 'strict' | 'advisory' = 'strict') => [{ policy_name: 'sectors', policy_type: 'SECTOR_LIMIT' as const, rules, enforcement_level }];

describe('SECTOR_LIMIT', () => {
  it('max_weight applies to every group: Tech at 20 % + 1 % buy', () => {
    // Tech = 200,000 / 1,000,000 = 20 %; buy 100 T1 → 21 % (cash moves into T1, NAV unchanged)
    expect(runEngine(request(700_000, positions(), [buy('T1', 100)]), policy({ max_weight: 0.21 }))).toMatchObject({ is_compliant: true, compliance_score: 0.95 });
    const res = runEngine(request(700_000, positions(), [buy('T1', 101)]), policy({ max_weight: 0.21 }));
    expect(res.violations).toMatchObject([{ violation_type: 'GROUP_MAX_EXCEEDED', subject: 'Tech', limit: 0.21, severity: 'MEDIUM' }]);
    expect(res.violations[0].observed).toBeCloseTo(0.2101, 12);
    expect(res.violations[0].pre_trade).toBeCloseTo(0.2, 12);
    expect(res.violations[0].description).toBe('Sector Tech would be 21.01% of NAV; limit 21.00%');
  });

  it('limits per group override max_weight; other groups keep it', () => {
    const res = runEngine(request(700_000, positions()), policy({ max_weight: 0.5, limits: { Energy: 0.05 } }));
    // Energy 10 % > 5 % before and after: an untouched breach is passive, not a violation
    expect(res.is_compliant).toBe(true);
    expect(res.compliance_score).toBe(0.95);
    expect(res.recommendations).toHaveLength(1);
    expect(res.recommendations[0]).toContain('Sector Energy is already 10.00% of NAV');
    // Buying more Energy makes it worse → violation; e = (0.11 − 0.05)/0.05 = 1.2 → CRITICAL
    const worse = runEngine(request(700_000, positions(), [buy('E1', 100)]), policy({ max_weight: 0.5, limits: { Energy: 0.05 } }));
    expect(worse.violations).toMatchObject([{ subject: 'Energy', severity: 'CRITICAL' }]);
  });

  it('net nets longs and shorts inside a group; gross adds their sizes', () => {
    // Short T2 down to −1,000: Tech net = 100,000 − 100,000 = 0; gross = 200,000 / NAV
    const req = request(900_000, [
      { symbol: 'T1', quantity: 1_000, price: 100, sector: 'Tech' },
      { symbol: 'T2', quantity: -1_000, price: 100, sector: 'Tech' },
    ]);
    // NAV = 900,000 + 100,000 − 100,000 = 900,000; gross Tech = 200,000 / 900,000 = 22.2 %
    expect(runEngine(req, policy({ max_weight: 0.2 })).is_compliant).toBe(true);
    const gross = runEngine(req, policy({ max_weight: 0.2, measure: 'gross' }));
    expect(gross.recommendations[0]).toContain('22.22%'); // passive: no trade
    const grossTrade = runEngine({ ...req, decision: { ...req.decision, trades: [sell('T2', 1)] } }, policy({ max_weight: 0.2, measure: 'gross' }));
    expect(grossTrade.violations[0].observed).toBeCloseTo(200_100 / 900_000, 12);
  });

  it('group_by country, and a missing attribute forms UNCLASSIFIED', () => {
    const req = request(700_000, [...positions(), { symbol: 'X', quantity: 1_000, price: 100 }], [buy('X', 1)]);
    // NAV = cash 700,000 + 4 × 100,000 = 1,100,000 (buying X at its mark leaves NAV unchanged)
    const res = runEngine(req, policy({ group_by: 'country', max_weight: 0.09 }));
    // US = 200,000 / 1,100,000 = 18.2 % (passive, untouched); DE 9.09 % (passive); UNCLASSIFIED X: 100,100 / 1,100,000 = 9.1 % grows → violation
    expect(res.violations.map((v) => v.subject)).toEqual(['UNCLASSIFIED']);
    expect(res.violations[0].description).toBe('Country UNCLASSIFIED would be 9.10% of NAV; limit 9.00%');
    expect(res.recommendations).toHaveLength(2);
  });

  it('min_weights: a group below its minimum after the trade, including a group not held at all', () => {
    const res = runEngine(request(700_000, positions(), [sell('E1', 600)]), policy({ min_weights: { Energy: 0.05, Utilities: 0.01 } }, 'advisory'));
    // Energy 40,000 / 1,000,000 = 4 % < 5 % (e = 0.2 → MEDIUM advisory); Utilities 0 % both before and after: passive
    expect(res.violations).toMatchObject([{ subject: 'Energy', violation_type: 'GROUP_MIN_BREACHED', severity: 'MEDIUM', enforcement_level: 'advisory' }]);
    expect(res.is_compliant).toBe(true); // advisory never blocks
    expect(res.compliance_score).toBe(0.5);
    expect(res.recommendations).toEqual([expect.stringContaining('Sector Utilities is already 0.00% of NAV, below its minimum of 1.00%')]);
  });

  it('rejects an unknown group_by, naming the field', () => {
    expect(() => runEngine(request(1, []), policy({ group_by: 'planet', max_weight: 0.1 }))).toThrow(
      expect.objectContaining({ code: 'PES_INVALID_RULES', details: [expect.objectContaining({ path: '/rules/group_by' })] }),
    );
  });
});
