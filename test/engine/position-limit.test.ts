import { describe, expect, it } from 'vitest';
import { buy, request, runEngine, sell } from '../support/engine.js';

// NAV 1,000,000 throughout: cash 900,000 + 1,000 A × 100 = 100,000 (A is 10 %).
const positions = () => [{ symbol: 'A', quantity: 1_000, price: 100 }, { symbol: 'B', quantity: -500, price: 100 }];
const policy = (rules: Record<string, unknown>) => [{ policy_name: 'pos', policy_type: 'POSITION_LIMIT' as const, rules }];

describe('POSITION_LIMIT', () => {
  it('max_weight: at the limit passes (score 0.95), one unit beyond fails', () => {
    // Pre: A = 100,000 / 1,000,000 = 10 %. Buy 100 at 100: cash −10,000, A +10,000 → NAV unchanged, A 11 %.
    const atLimit = runEngine(request(900_000, [{ symbol: 'A', quantity: 900, price: 100 }], [buy('A', 100)]), policy({ max_weight: 0.1 }));
    // Pre: A 90,000 / 990,000; post: A 100,000 / 990,000 = 10.10 %: the cash paid for A stays in NAV.
    expect(atLimit.violations[0]?.violation_type).toBe('MAX_WEIGHT_EXCEEDED');
    const ok = runEngine(request(900_000, [{ symbol: 'A', quantity: 900, price: 100 }], [buy('A', 90)]), policy({ max_weight: 0.1 }));
    // 990 × 100 / 990,000 = 10.00 % exactly → passes at the limit
    expect(ok).toMatchObject({ is_compliant: true, violations: [], compliance_score: 0.95 });
  });

  it('max_weight uses |weight|, so a short counts too', () => {
    // B: −500 × 100 = −50,000 → NAV 950,000 (cash 1,000,000); sell 100 more → −60,000 / 950,000 = −6.32 %
    const res = runEngine(request(1_000_000, [{ symbol: 'B', quantity: -500, price: 100 }], [sell('B', 100)]), policy({ max_weight: 0.06 }));
    expect(res.violations).toMatchObject([{ subject: 'B', violation_type: 'MAX_WEIGHT_EXCEEDED', limit: 0.06 }]);
    expect(res.violations[0].observed).toBeCloseTo(60_000 / 950_000, 12);
    expect(res.violations[0].pre_trade).toBeCloseTo(50_000 / 950_000, 12);
    // e = (0.06316 − 0.06) / 0.06 = 0.053 → MEDIUM
    expect(res.violations[0].severity).toBe('MEDIUM');
  });

  it('min_weight: signed, so 0 means long only; a short breaches it', () => {
    const res = runEngine(request(900_000, positions(), [sell('B', 1)]), policy({ min_weight: 0 }));
    expect(res.violations).toMatchObject([{ subject: 'B', violation_type: 'MIN_WEIGHT_BREACHED', limit: 0 }]);
    // Selling down A to exactly 0 respects min 0.
    const flat = runEngine(request(900_000, [{ symbol: 'A', quantity: 1_000, price: 100 }], [sell('A', 1_000)]), policy({ min_weight: 0 }));
    expect(flat.is_compliant).toBe(true);
  });

  it('max_quantity and max_notional use absolute values', () => {
    const rules = { max_quantity: 1_000, max_notional: 100_000 };
    // A: 1,000 units, 100,000 notional: both at their limits → pass at 0.95
    expect(runEngine(request(900_000, [{ symbol: 'A', quantity: 1_000, price: 100 }]), policy(rules))).toMatchObject({ is_compliant: true, compliance_score: 0.95 });
    // One more unit: 1,001 > 1,000 and 100,100 > 100,000
    const res = runEngine(request(900_000, [{ symbol: 'A', quantity: 1_000, price: 100 }], [buy('A', 1)]), policy(rules));
    expect(res.violations.map((v) => [v.violation_type, v.observed, v.limit])).toEqual([
      ['MAX_QUANTITY_EXCEEDED', 1_001, 1_000],
      ['MAX_NOTIONAL_EXCEEDED', 100_100, 100_000],
    ]);
    expect(res.violations[0].description).toBe('A quantity would be 1,001 units; limit 1,000');
  });

  it('symbols scopes the policy', () => {
    const res = runEngine(request(900_000, positions(), [buy('A', 500), buy('B', 2_000)]), policy({ max_weight: 0.1, symbols: ['B'] }));
    expect(res.violations.map((v) => v.subject)).toEqual(['B']);
  });

  it('settles a trade at its own price but values the position at its mark', () => {
    // Mark 100, buy 100 at 110: cash −11,000, A +10,000 → NAV 999,000; A = 110,000 / 999,000 = 11.01 %
    const res = runEngine(request(900_000, [{ symbol: 'A', quantity: 1_000, price: 100 }], [buy('A', 100, 110)]), policy({ max_weight: 0.2 }));
    expect(res.compliance_score).toBe(1);
    const strict = runEngine(request(900_000, [{ symbol: 'A', quantity: 1_000, price: 100 }], [buy('A', 100, 110)]), policy({ max_weight: 0.11 }));
    expect(strict.violations[0].observed).toBeCloseTo(110_000 / 999_000, 12);
  });

  it('a new symbol takes its mark from instruments, else from the trade', () => {
    const req = request(1_000_000, [], [buy('N', 1_000, 50), buy('M', 10)], { instruments: { M: { price: 10_000 } } });
    // N at 50: 50,000 / 1,000,000 = 5 %; M at 10,000: 100,000 / 1,000,000 = 10 %
    const res = runEngine(req, policy({ max_weight: 0.09 }));
    expect(res.violations.map((v) => [v.subject, v.observed])).toEqual([['M', 0.1]]);
  });

  it('rejects rules that do not fit, naming the field', () => {
    expect(() => runEngine(request(1, []), policy({ max_weight: -1 }))).toThrow(expect.objectContaining({ code: 'PES_INVALID_RULES', details: [expect.objectContaining({ path: '/rules/max_weight' })] }));
    expect(() => runEngine(request(1, []), policy({ max_wieght: 0.1 }))).toThrow(expect.objectContaining({ code: 'PES_INVALID_RULES' }));
    expect(() => runEngine(request(1, []), policy({ max_weight: 0.1, min_weight: 0.2 }))).toThrow(expect.objectContaining({ details: [{ path: '/rules/min_weight', message: 'must not exceed max_weight' }] }));
    expect(() => runEngine(request(1, []), policy({}))).toThrow(expect.objectContaining({ code: 'PES_INVALID_RULES' }));
  });
});
