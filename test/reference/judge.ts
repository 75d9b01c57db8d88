import type { EnforcementLevel, PolicyType, Severity } from '../../src/schemas/common.js';

/** Contract sections 1 and 4–6: tolerance, active and passive breaches, severity, score. */

/** A value within 1e-9 of its limit respects it (section 1). */
export const TOLERANCE = 1e-9;

/**
 * One check of a policy: a bound on a value before and after the trades, or a value that cannot be
 * computed because an attribute is missing.
 */
export type Check =
  | { bound: 'max' | 'min'; violation_type: string; subject: string; pre: number; post: number; limit: number }
  | { bound: 'missing'; subject: string };

export interface ReferencePolicy {
  name: string;
  type: PolicyType;
  enforcement: EnforcementLevel;
  severityOverride?: Severity;
}

export interface ReferenceViolation {
  policy_name: string;
  violation_type: string;
  subject: string;
  severity: Severity;
  observed?: number;
  limit?: number;
  pre_trade?: number;
  strict: boolean;
}

export interface PassiveBreach {
  policy_name: string;
  violation_type: string;
  subject: string;
}

export interface PolicyVerdict {
  violations: ReferenceViolation[];
  passive: PassiveBreach[];
  /** The score of the policy's worst check, 1 when it has none. */
  score: number;
}

const SCORE_OF_VIOLATION: Record<Severity, number> = { LOW: 0.75, MEDIUM: 0.5, HIGH: 0.25, CRITICAL: 0 };

/** How far a value lies beyond its limit (≤ 0 when it respects it). */
function beyond(bound: 'max' | 'min', value: number, limit: number): number {
  return bound === 'max' ? value - limit : limit - value;
}

/**
 * Utilisation of a respected limit: observed / limit for a maximum, limit / observed for a
 * minimum, 0 for a zero limit. For a negative limit the contract's ratio is read as the share of
 * the way from 0 to the limit (|observed| / |limit| on the limit's side of zero), so that it is
 * 1 at the limit, as it is for a positive one.
 */
function utilisation(bound: 'max' | 'min', observed: number, limit: number): number {
  if (limit === 0) return 0;
  // Zero has no sign in the contract: a weight of -0 (-3e-323 units at a mark, over NAV) is 0, and
  // limit / 0 is then +Infinity (at the limit), not -Infinity.
  if (observed === 0) observed = 0;
  if (limit > 0) return bound === 'max' ? observed / limit : limit / observed;
  if (bound === 'max') return limit / observed; // observed ≤ limit < 0
  return observed < 0 ? observed / limit : 0; // limit < 0 ≤ observed is far inside
}

/** 1 − 0.05 · clamp((u − 0.9) / 0.1, 0, 1): 1.0 up to 90 % of a limit, 0.95 at it. */
function passingScore(u: number): number {
  const t = Math.min(1, Math.max(0, (u - 0.9) / 0.1));
  return 1 - 0.05 * t;
}

/**
 * Section 5. Band edges allow the contract's 1e-9 tolerance: an excess of exactly 10 % is 10 %
 * even when floating point makes it 10.000000000000002 %.
 */
function severityOf(policy: ReferencePolicy, observed: number, limit: number): Severity {
  if (policy.severityOverride) return policy.severityOverride;
  if (policy.enforcement === 'strict' && policy.type === 'REGULATORY') return 'CRITICAL';
  const excess = limit === 0 ? Infinity : Math.abs(observed - limit) / Math.abs(limit);
  if (policy.enforcement === 'strict') {
    if (excess <= 0.1 + TOLERANCE) return 'MEDIUM';
    if (excess <= 0.5 + TOLERANCE) return 'HIGH';
    return 'CRITICAL';
  }
  return excess <= 0.1 + TOLERANCE ? 'LOW' : 'MEDIUM';
}

export function judgePolicy(policy: ReferencePolicy, checks: Check[]): PolicyVerdict {
  const verdict: PolicyVerdict = { violations: [], passive: [], score: 1 };
  const strict = policy.enforcement === 'strict';
  for (const check of checks) {
    let score: number;
    if (check.bound === 'missing') {
      // Missing data fails closed with severity HIGH and is never passive.
      const severity = policy.severityOverride ?? 'HIGH';
      verdict.violations.push({ policy_name: policy.name, violation_type: 'MISSING_DATA', subject: check.subject, severity, strict });
      score = SCORE_OF_VIOLATION[severity];
    } else {
      const after = beyond(check.bound, check.post, check.limit);
      const before = beyond(check.bound, check.pre, check.limit);
      if (after <= TOLERANCE) {
        score = passingScore(utilisation(check.bound, check.post, check.limit));
      } else if (before > TOLERANCE && after <= before + TOLERANCE) {
        // Breached before, and the trade does not take it further beyond the limit.
        verdict.passive.push({ policy_name: policy.name, violation_type: check.violation_type, subject: check.subject });
        score = 0.95;
      } else {
        const severity = severityOf(policy, check.post, check.limit);
        verdict.violations.push({
          policy_name: policy.name,
          violation_type: check.violation_type,
          subject: check.subject,
          severity,
          observed: check.post,
          limit: check.limit,
          pre_trade: check.pre,
          strict,
        });
        score = SCORE_OF_VIOLATION[severity];
      }
    }
    verdict.score = Math.min(verdict.score, score);
  }
  return verdict;
}
