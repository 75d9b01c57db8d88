import { describe, expect, it } from 'vitest';
import { PolicyJudge, computedSeverity, passingScore, type CheckKind, type PolicyIdentity } from '../../src/engine/checks.js';
import { percent } from '../../src/engine/format.js';

const kind: CheckKind = { violationType: 'MAX_WEIGHT_EXCEEDED', subjectText: (s) => s, format: percent, unit: ' of NAV' };
const strict: PolicyIdentity = { name: 'p', type: 'POSITION_LIMIT', enforcement: 'strict' };
const advisory: PolicyIdentity = { ...strict, enforcement: 'advisory' };

describe('severity bands (contract 5): e = |observed − limit| / |limit|', () => {
  it.each([
    // strict: e ≤ 0.10 MEDIUM, e ≤ 0.50 HIGH, else CRITICAL
    [strict, 0.11, 0.1, 'MEDIUM'], // e = 0.10 exactly
    [strict, 0.1100001, 0.1, 'HIGH'], // e just above 0.10
    [strict, 0.15, 0.1, 'HIGH'], // e = 0.50 exactly
    [strict, 0.1500001, 0.1, 'CRITICAL'],
    [strict, 0.01, 0, 'CRITICAL'], // zero limit → e = ∞
    // advisory: e ≤ 0.10 LOW, else MEDIUM
    [advisory, 0.11, 0.1, 'LOW'],
    [advisory, 0.1100001, 0.1, 'MEDIUM'],
    [advisory, 5, 0.1, 'MEDIUM'],
    // minimums: e uses the same formula, 0.045 vs 0.05 → e = 0.10
    [strict, 0.045, 0.05, 'MEDIUM'],
  ] as const)('%o: observed %d vs limit %d → %s', (policy, observed, limit, severity) => {
    expect(computedSeverity(policy, observed, limit)).toBe(severity);
  });

  it('REGULATORY strict is CRITICAL whatever the excess, and rules.severity overrides everything', () => {
    expect(computedSeverity({ ...strict, type: 'REGULATORY' }, 0.1000001, 0.1)).toBe('CRITICAL');
    expect(computedSeverity({ ...advisory, type: 'REGULATORY' }, 0.1000001, 0.1)).toBe('LOW');
    expect(computedSeverity({ ...strict, type: 'REGULATORY', severityOverride: 'LOW' }, 9, 0.1)).toBe('LOW');
  });
});

describe('compliance score of a passing check (contract 6): 1 − 0.05 · clamp((u − 0.9) / 0.1, 0, 1)', () => {
  it.each([
    [0, 1],
    [0.9, 1], // up to 90 % of a limit
    [0.95, 0.975],
    [1, 0.95], // at the limit
  ])('u = %d → %d', (u, score) => {
    expect(passingScore(u)).toBeCloseTo(score, 12);
  });
});

describe('PolicyJudge: pass, active violation, passive breach (contract 4)', () => {
  it('passes within the 1e-9 tolerance and scores 0.95 at the limit', () => {
    const judge = new PolicyJudge(strict);
    judge.max(kind, 'A', 0, 0.1 + 0.5e-9, 0.1);
    expect(judge.violations).toEqual([]);
    expect(judge.score).toBeCloseTo(0.95, 12);
  });

  it('breaches just beyond the tolerance', () => {
    const judge = new PolicyJudge(strict);
    judge.max(kind, 'A', 0, 0.1 + 2e-9, 0.1);
    expect(judge.violations).toHaveLength(1);
    expect(judge.violations[0]).toMatchObject({ severity: 'MEDIUM', observed: 0.1 + 2e-9, limit: 0.1, pre_trade: 0 });
    expect(judge.score).toBe(0.5);
  });

  it('a breach that existed before and does not grow is passive: no violation, 0.95, a recommendation', () => {
    const judge = new PolicyJudge(strict);
    judge.max(kind, 'A', 0.2, 0.15, 0.1); // sold down from 20 % to 15 %, limit 10 %
    judge.max(kind, 'B', 0.2, 0.2, 0.1); // untouched
    expect(judge.violations).toEqual([]);
    expect(judge.score).toBe(0.95);
    expect(judge.passiveBreaches).toEqual([
      'p: A is already 20.00% of NAV, above its limit of 10.00%, and the trade moves it to 15.00%; passive breach, not a violation (MAX_WEIGHT_EXCEEDED)',
      'p: B is already 20.00% of NAV, above its limit of 10.00%, and the trade leaves it unchanged; passive breach, not a violation (MAX_WEIGHT_EXCEEDED)',
    ]);
  });

  it('a pre-existing breach that the trade makes worse is a violation', () => {
    const judge = new PolicyJudge(strict);
    judge.max(kind, 'A', 0.2, 0.21, 0.1);
    expect(judge.violations[0]).toMatchObject({ subject: 'A', severity: 'CRITICAL', observed: 0.21, pre_trade: 0.2 });
    expect(judge.score).toBe(0);
  });

  it('minimums: passive when the shortfall does not grow, a violation when it does', () => {
    const minKind = { ...kind, violationType: 'MIN_WEIGHT_BREACHED' };
    const judge = new PolicyJudge(advisory);
    judge.min(minKind, 'A', 0.01, 0.02, 0.05);
    expect(judge.violations).toEqual([]);
    judge.min(minKind, 'B', 0.05, 0.04, 0.05);
    expect(judge.violations).toEqual([
      {
        policy_name: 'p', violation_type: 'MIN_WEIGHT_BREACHED', severity: 'MEDIUM',
        description: 'B would be 4.00% of NAV; minimum 5.00%', subject: 'B', observed: 0.04, limit: 0.05, pre_trade: 0.05, enforcement_level: 'advisory',
      },
    ]);
    expect(judge.score).toBe(0.5);
  });

  it('missing data fails closed with HIGH and is never passive', () => {
    const judge = new PolicyJudge(strict);
    judge.missing('beta', 'beta is missing for X');
    expect(judge.violations).toEqual([
      { policy_name: 'p', violation_type: 'MISSING_DATA', severity: 'HIGH', description: 'beta is missing for X', subject: 'beta', enforcement_level: 'strict' },
    ]);
    expect(judge.score).toBe(0.25);
  });
});
