import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PolicyDefinition } from '../../src/schemas/policy.js';
import type { Position, Trade, ValidationRequest } from '../../src/schemas/validation.js';
import { ReferenceRejection, referenceEvaluate } from './evaluator.js';

/** The reference evaluator on hand-computed cases, so that it cannot agree with the engine by being wrong the same way. */

const example: ValidationRequest = JSON.parse(readFileSync(new URL('../fixtures/contract-example.json', import.meta.url), 'utf8'));

const policy = (policy_type: PolicyDefinition['policy_type'], rules: Record<string, unknown>, enforcement_level: 'strict' | 'advisory' = 'strict'): PolicyDefinition => ({
  policy_name: 'p',
  policy_type,
  rules,
  enforcement_level,
  enabled: true,
});

const request = (cash: number, positions: Position[], trades: Trade[] = []): ValidationRequest => ({
  decision: { decision_id: 'd', trades },
  portfolio_state: { cash, positions },
  applicable_policies: [],
});

describe('reference evaluator', () => {
  it('answers the contract example as the contract does', () => {
    // NAV = 1,840,000 + 800 × 200 = 2,000,000; AAPL 160,000 → 248,000: 8 % → 12.4 %; e = 0.024 / 0.10 = 0.24 → HIGH.
    const result = referenceEvaluate(example, [
      { ...policy('POSITION_LIMIT', { max_weight: 0.1 }), policy_name: 'position_limits' },
      { ...policy('SECTOR_LIMIT', { max_weight: 0.3 }), policy_name: 'sector_limits' },
    ]);
    expect(result.is_compliant).toBe(false);
    expect(result.compliance_score).toBe(0.25);
    expect(result.violations).toHaveLength(1);
    const [v] = result.violations;
    expect(v).toMatchObject({ policy_name: 'position_limits', violation_type: 'MAX_WEIGHT_EXCEEDED', subject: 'AAPL', severity: 'HIGH', limit: 0.1 });
    expect(v.observed).toBeCloseTo(0.124, 12);
    expect(v.pre_trade).toBeCloseTo(0.08, 12);
  });

  it('lets a trade that shrinks an existing breach pass as a passive breach, and blocks one that grows it', () => {
    const held = [{ symbol: 'AAPL', quantity: 800, price: 200 }];
    // 8 % > 5 % before; selling 100 leaves 140,000 / 2,000,000 = 7 %: passive, scored 0.95.
    const sell = referenceEvaluate(request(1_840_000, held, [{ symbol: 'AAPL', side: 'SELL', quantity: 100 }]), [policy('POSITION_LIMIT', { max_weight: 0.05 })]);
    expect(sell).toMatchObject({ is_compliant: true, compliance_score: 0.95, violations: [] });
    expect(sell.passive).toEqual([{ policy_name: 'p', violation_type: 'MAX_WEIGHT_EXCEEDED', subject: 'AAPL' }]);
    // Buying 10 makes it 162,000 / 2,000,000 = 8.1 %: active, e = 0.031 / 0.05 = 0.62 → CRITICAL.
    const buy = referenceEvaluate(request(1_840_000, held, [{ symbol: 'AAPL', side: 'BUY', quantity: 10 }]), [policy('POSITION_LIMIT', { max_weight: 0.05 })]);
    expect(buy).toMatchObject({ is_compliant: false, compliance_score: 0, passive: [] });
    expect(buy.violations[0].severity).toBe('CRITICAL');
  });

  it('passes a value within 1e-9 of its limit and scores a check by its utilisation', () => {
    const state = request(900_000, [{ symbol: 'A', quantity: 1000, price: 100 }]); // A = 100,000 / 1,000,000 = 10 %
    expect(referenceEvaluate(state, [policy('POSITION_LIMIT', { max_weight: 0.1 - 5e-10 })]).compliance_score).toBe(0.95);
    expect(referenceEvaluate(state, [policy('POSITION_LIMIT', { max_weight: 0.1 - 2e-9 })]).passive).toHaveLength(1);
    // u = 0.10 / 0.1052631… = 0.95 → 1 − 0.05 · 0.5 = 0.975; u = 0.10 / 0.125 = 0.8 → 1.
    expect(referenceEvaluate(state, [policy('POSITION_LIMIT', { max_weight: 0.1 / 0.95 })]).compliance_score).toBeCloseTo(0.975, 12);
    expect(referenceEvaluate(state, [policy('POSITION_LIMIT', { max_weight: 0.125 })]).compliance_score).toBe(1);
  });

  it('grades severity by relative excess, LOW and MEDIUM for advisory policies, which never block', () => {
    // A goes from 10 % to 110,000 / 1,000,000 = 11 % against 10 %: e = 0.01 / 0.10 = 0.10, the band edge.
    const buy = request(900_000, [{ symbol: 'A', quantity: 1000, price: 100 }], [{ symbol: 'A', side: 'BUY', quantity: 100 }]);
    expect(referenceEvaluate(buy, [policy('POSITION_LIMIT', { max_weight: 0.1 })]).violations[0].severity).toBe('MEDIUM');
    expect(referenceEvaluate(buy, [policy('POSITION_LIMIT', { max_weight: 0.11 / 1.5 })]).violations[0].severity).toBe('HIGH'); // e = 0.5
    expect(referenceEvaluate(buy, [policy('POSITION_LIMIT', { max_weight: 0.07 })]).violations[0].severity).toBe('CRITICAL'); // e = 0.57
    const advisory = referenceEvaluate(buy, [policy('POSITION_LIMIT', { max_weight: 0.1 }, 'advisory')]);
    expect(advisory).toMatchObject({ is_compliant: true, compliance_score: 0.75 });
    expect(advisory.violations[0].severity).toBe('LOW');
    expect(referenceEvaluate(buy, [policy('POSITION_LIMIT', { max_weight: 0.09 }, 'advisory')]).violations[0].severity).toBe('MEDIUM');
  });

  it('fails closed with MISSING_DATA (HIGH) when a held position has no beta', () => {
    const result = referenceEvaluate(request(500, [{ symbol: 'A', quantity: 10, price: 50 }]), [policy('RISK_LIMIT', { metric: 'beta', max: 2 })]);
    expect(result).toMatchObject({ is_compliant: false, compliance_score: 0.25 });
    expect(result.violations).toEqual([{ policy_name: 'p', violation_type: 'MISSING_DATA', subject: 'beta', severity: 'HIGH', strict: true }]);
  });

  it('counts only issuers strictly above 5 % toward UCITS 40 %', () => {
    // NAV 1,000,000: issuer X at 5.0 % exactly and Y at 10 %, so the aggregate is Y's 10 % alone,
    // under a 12 % cap. Buying 1,000 more X at the mark takes X to 5.1 %: 5.1 % + 10 % = 15.1 % > 12 %.
    const positions = [{ symbol: 'A', quantity: 50_000, price: 1, issuer: 'X' }, { symbol: 'B', quantity: 100_000, price: 1, issuer: 'Y' }];
    const ucits = policy('REGULATORY', { rule: 'UCITS_5_10_40', aggregate_max: 0.12 });
    expect(referenceEvaluate(request(850_000, positions), [ucits])).toMatchObject({ violations: [], passive: [] });
    const over = referenceEvaluate(request(850_000, positions, [{ symbol: 'A', side: 'BUY', quantity: 1000 }]), [ucits]);
    expect(over.violations.map((v) => [v.violation_type, v.severity])).toEqual([['AGGREGATE_LIMIT_EXCEEDED', 'CRITICAL']]);
    expect(over.violations[0].observed).toBeCloseTo(0.151, 12);
    expect(over.violations[0].pre_trade).toBeCloseTo(0.1, 12);
  });

  it('puts issuers above 5 % of total assets in the 25 % bucket, funds outside', () => {
    // TA = 700,000 + 200,000 + 100,000 = 1,000,000; A 20 % and B 10 % are both above 5 %: 30 % > 25 %.
    const positions: Position[] = [
      { symbol: 'A', quantity: 2000, price: 100, shares_outstanding: 1e9 },
      { symbol: 'B', quantity: 1000, price: 100, shares_outstanding: 1e9 },
    ];
    const rule = policy('REGULATORY', { rule: 'DIVERSIFIED_75_5_10' });
    expect(referenceEvaluate(request(700_000, positions), [rule]).passive.map((p) => p.violation_type)).toEqual(['DIVERSIFICATION_FAILED']);
    positions[1].is_fund = true;
    expect(referenceEvaluate(request(700_000, positions), [rule])).toMatchObject({ passive: [], violations: [], compliance_score: 1 });
  });

  it('rejects a traded symbol with no price anywhere and a non-positive NAV, not one priced on a later trade', () => {
    const rejection = (r: ValidationRequest) => {
      try {
        referenceEvaluate(r, []);
        return [];
      } catch (error) {
        return (error as ReferenceRejection).codes;
      }
    };
    expect(rejection(request(1000, [], [{ symbol: 'X', side: 'BUY', quantity: 1 }]))).toEqual(['PES_MISSING_PRICE']);
    expect(rejection(request(1000, [], [{ symbol: 'X', side: 'BUY', quantity: 1 }, { symbol: 'X', side: 'BUY', quantity: 1, price: 100 }]))).toEqual([]);
    expect(rejection(request(-1, [{ symbol: 'X', quantity: 0, price: 1 }]))).toEqual(['PES_NON_POSITIVE_NAV']);
  });
});
