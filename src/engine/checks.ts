import type { EnforcementLevel, PolicyType, Severity } from '../schemas/common.js';
import type { PolicyViolation } from '../schemas/validation.js';

/** Absolute tolerance within which a value still respects its limit (contract section 1). */
export const TOLERANCE = 1e-9;

/** One kind of check a policy makes; built once when the policy compiles. */
export interface CheckKind {
  readonly violationType: string;
  /** Names the subject for people, e.g. "AAPL" or "Sector Technology". */
  subjectText(subject: string): string;
  /** Formats a value of this check, e.g. 0.124 → "12.40%". */
  format(value: number): string;
  /** Text after the observed value, e.g. " of NAV". */
  readonly unit: string;
}

/** Where a compiled policy reports each check it makes. */
export interface CheckSink {
  /** observed ≤ limit, pre-trade value `pre`, post-trade value `post`. */
  max(kind: CheckKind, subject: string, pre: number, post: number, limit: number): void;
  /** observed ≥ limit. */
  min(kind: CheckKind, subject: string, pre: number, post: number, limit: number): void;
  /** A needed attribute is missing: fails closed, never passive. */
  missing(subject: string, description: string): void;
}

export interface PolicyIdentity {
  readonly name: string;
  readonly type: PolicyType;
  readonly enforcement: EnforcementLevel;
  readonly severityOverride?: Severity;
}

const VIOLATION_SCORE: Record<Severity, number> = { LOW: 0.75, MEDIUM: 0.5, HIGH: 0.25, CRITICAL: 0 };
/** A passive breach scores as a check passing exactly at its limit. */
const PASSIVE_SCORE = 0.95;

/** Score of a passing check: 1 − 0.05 · clamp((u − 0.9) / 0.1, 0, 1), u = utilisation. */
export function passingScore(utilisation: number): number {
  const t = Math.min(1, Math.max(0, (utilisation - 0.9) / 0.1));
  return 1 - 0.05 * t;
}

/** Utilisation of a respected maximum: observed / limit, mirrored for negative limits. */
export function maxUtilisation(observed: number, limit: number): number {
  if (limit > 0) return observed / limit;
  if (limit < 0) return observed === 0 ? 0 : limit / observed;
  return 0;
}

/** Utilisation of a respected minimum: limit / observed, mirrored for negative limits. */
export function minUtilisation(observed: number, limit: number): number {
  if (limit > 0) return observed === 0 ? Number.POSITIVE_INFINITY : limit / observed;
  if (limit < 0) return observed < 0 ? observed / limit : 0;
  return 0;
}

/** Severity from relative excess e = |observed − limit| / |limit| (contract section 5). */
export function computedSeverity(policy: PolicyIdentity, observed: number, limit: number): Severity {
  if (policy.severityOverride) return policy.severityOverride;
  const strict = policy.enforcement === 'strict';
  if (strict && policy.type === 'REGULATORY') return 'CRITICAL';
  const excess = limit === 0 ? Number.POSITIVE_INFINITY : Math.abs(observed - limit) / Math.abs(limit);
  // Band edges carry the contract's 1e-9 tolerance so 0.11 vs 0.10 is 10 %, not 10.000000000000002 %.
  if (strict) return excess <= 0.1 + TOLERANCE ? 'MEDIUM' : excess <= 0.5 + TOLERANCE ? 'HIGH' : 'CRITICAL';
  return excess <= 0.1 + TOLERANCE ? 'LOW' : 'MEDIUM';
}

/**
 * Judges every check of one policy: pass (with its score), active violation, or passive breach
 * (breached before, and the trade does not move it further beyond the limit). Contract 4–6.
 */
export class PolicyJudge implements CheckSink {
  score = 1;
  readonly violations: PolicyViolation[] = [];
  readonly passiveBreaches: string[] = [];

  constructor(private readonly policy: PolicyIdentity) {}

  max(kind: CheckKind, subject: string, pre: number, post: number, limit: number): void {
    if (post <= limit + TOLERANCE) {
      this.lower(passingScore(maxUtilisation(post, limit)));
    } else if (pre > limit + TOLERANCE && post <= pre + TOLERANCE) {
      this.passive(kind, subject, pre, post, limit, 'above');
    } else {
      this.violate(kind, subject, pre, post, limit, 'limit');
    }
  }

  min(kind: CheckKind, subject: string, pre: number, post: number, limit: number): void {
    if (post >= limit - TOLERANCE) {
      this.lower(passingScore(minUtilisation(post, limit)));
    } else if (pre < limit - TOLERANCE && post >= pre - TOLERANCE) {
      this.passive(kind, subject, pre, post, limit, 'below');
    } else {
      this.violate(kind, subject, pre, post, limit, 'minimum');
    }
  }

  missing(subject: string, description: string): void {
    const severity = this.policy.severityOverride ?? 'HIGH';
    this.lower(VIOLATION_SCORE[severity]);
    this.violations.push({
      policy_name: this.policy.name,
      violation_type: 'MISSING_DATA',
      severity,
      description,
      subject,
      enforcement_level: this.policy.enforcement,
    });
  }

  private violate(kind: CheckKind, subject: string, pre: number, post: number, limit: number, word: string): void {
    const severity = computedSeverity(this.policy, post, limit);
    this.lower(VIOLATION_SCORE[severity]);
    this.violations.push({
      policy_name: this.policy.name,
      violation_type: kind.violationType,
      severity,
      description: `${kind.subjectText(subject)} would be ${kind.format(post)}${kind.unit}; ${word} ${kind.format(limit)}`,
      subject,
      observed: post,
      limit,
      pre_trade: pre,
      enforcement_level: this.policy.enforcement,
    });
  }

  private passive(kind: CheckKind, subject: string, pre: number, post: number, limit: number, side: string): void {
    this.lower(PASSIVE_SCORE);
    const after = post === pre ? 'the trade leaves it unchanged' : `the trade moves it to ${kind.format(post)}`;
    this.passiveBreaches.push(
      `${this.policy.name}: ${kind.subjectText(subject)} is already ${kind.format(pre)}${kind.unit}, ${side} its ` +
        `${side === 'above' ? 'limit' : 'minimum'} of ${kind.format(limit)}, and ${after}; passive breach, ` +
        `not a violation (${kind.violationType})`,
    );
  }

  private lower(score: number): void {
    if (score < this.score) this.score = score;
  }
}
