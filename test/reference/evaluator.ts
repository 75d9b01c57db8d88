import type { PolicyDefinition } from '../../src/schemas/policy.js';
import type { Severity } from '../../src/schemas/common.js';
import type { ValidationRequest } from '../../src/schemas/validation.js';
import { judgePolicy, type Check, type PassiveBreach, type ReferencePolicy, type ReferenceViolation } from './judge.js';
import { investmentMandateChecks, type InvestmentMandateRules } from './rules/investment-mandate.js';
import { positionLimitChecks, type PositionLimitRules } from './rules/position-limit.js';
import { regulatoryChecks, type RegulatoryRules } from './rules/regulatory.js';
import { riskLimitChecks, type RiskLimitRules } from './rules/risk-limit.js';
import { sectorLimitChecks, type SectorLimitRules } from './rules/sector-limit.js';
import { ReferenceRejection, buildReferenceState, type ReferenceState } from './state.js';

/**
 * The reference evaluator: CONTRACT.md sections 1–6 written for clarity, not speed, to hold the
 * engine to. It imports nothing from src/ but types.
 */

export interface ReferenceResult {
  is_compliant: boolean;
  compliance_score: number;
  violations: ReferenceViolation[];
  /** Breaches that were there before the trades and that the trades do not worsen (section 4). */
  passive: PassiveBreach[];
}

export { ReferenceRejection };

/** The policies a request names (an empty list: every enabled one); 422 for any unknown or disabled. */
function applicablePolicies(request: ValidationRequest, policies: PolicyDefinition[]): { chosen: PolicyDefinition[]; unknown: boolean } {
  const enabled = policies.filter((p) => p.enabled);
  if (request.applicable_policies.length === 0) return { chosen: enabled, unknown: false };
  const chosen: PolicyDefinition[] = [];
  let unknown = false;
  for (const name of new Set(request.applicable_policies)) {
    const policy = enabled.find((p) => p.policy_name === name);
    if (policy) chosen.push(policy);
    else unknown = true;
  }
  return { chosen, unknown };
}

function checksOf(policy: PolicyDefinition, state: ReferenceState, request: ValidationRequest): Check[] {
  const rules = policy.rules as never;
  switch (policy.policy_type) {
    case 'POSITION_LIMIT':
      return positionLimitChecks(rules as PositionLimitRules, state);
    case 'SECTOR_LIMIT':
      return sectorLimitChecks(rules as SectorLimitRules, state);
    case 'RISK_LIMIT':
      return riskLimitChecks(rules as RiskLimitRules, state, request.portfolio_state.risk_model);
    case 'REGULATORY':
      return regulatoryChecks(rules as RegulatoryRules, state);
    case 'INVESTMENT_MANDATE':
      return investmentMandateChecks(rules as InvestmentMandateRules, state);
  }
}

export function referenceEvaluate(request: ValidationRequest, policies: PolicyDefinition[]): ReferenceResult {
  const { chosen, unknown } = applicablePolicies(request, policies);
  let state: ReferenceState;
  try {
    state = buildReferenceState(request);
  } catch (error) {
    if (unknown && error instanceof ReferenceRejection) throw new ReferenceRejection(['PES_UNKNOWN_POLICY', ...error.codes]);
    throw error;
  }
  if (unknown) throw new ReferenceRejection(['PES_UNKNOWN_POLICY']);

  const result: ReferenceResult = { is_compliant: true, compliance_score: 1, violations: [], passive: [] };
  for (const definition of chosen) {
    const policy: ReferencePolicy = {
      name: definition.policy_name,
      type: definition.policy_type,
      enforcement: definition.enforcement_level,
      severityOverride: definition.rules.severity as Severity | undefined,
    };
    const verdict = judgePolicy(policy, checksOf(definition, state, request));
    result.violations.push(...verdict.violations);
    result.passive.push(...verdict.passive);
    result.compliance_score = Math.min(result.compliance_score, verdict.score);
  }
  // Only a strict policy's violation blocks; advisory ones are reported.
  result.is_compliant = !result.violations.some((v) => v.strict);
  return result;
}
