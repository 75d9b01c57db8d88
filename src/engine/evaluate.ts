import { ServiceError, pointer } from '../errors.js';
import type { CompiledPolicy, CompiledPolicySet } from '../policies/compile.js';
import type { PolicyViolation, ValidationRequest, ValidationResponse } from '../schemas/validation.js';
import { PolicyJudge } from './checks.js';
import { buildPortfolio, type PortfolioColumns } from './portfolio.js';

/** The policies a request names, in its order; fail closed on any that cannot be applied. */
export function resolvePolicies(requested: readonly string[], set: CompiledPolicySet): CompiledPolicy[] {
  const names = requested.length === 0 ? set.allEnabled : [...new Set(requested)];
  return names.map((name) => {
    const policy = set.enabled.get(name);
    if (policy) return policy;
    const why = set.disabled.has(name) ? 'is disabled' : 'does not exist';
    throw new ServiceError('PES_UNKNOWN_POLICY', `Policy "${name}" ${why}; the decision cannot be checked against it`, [
      { path: pointer('applicable_policies', requested.indexOf(name)), message: `policy ${name} ${why}` },
    ]);
  });
}

export interface Evaluation {
  readonly response: ValidationResponse;
  readonly portfolio: PortfolioColumns;
  readonly policies: readonly CompiledPolicy[];
}

/** Score to 12 decimals, so 0.975 does not come out as 0.9749999999999999. */
const roundScore = (score: number) => Math.round(score * 1e12) / 1e12;

/** Runs every applicable policy over the request's columns and assembles the response. */
export function evaluateRequest(request: ValidationRequest, set: CompiledPolicySet): Evaluation {
  const policies = resolvePolicies(request.applicable_policies, set);
  const portfolio = buildPortfolio(request);
  return { portfolio, policies, response: judgePortfolio(request.decision.decision_id, portfolio, policies) };
}

/** The response for a decision's columns under the given policies. */
export function judgePortfolio(decisionId: string, portfolio: PortfolioColumns, policies: readonly CompiledPolicy[]): ValidationResponse {
  const violations: PolicyViolation[] = [];
  const recommendations: string[] = [];
  let score = 1;
  for (const policy of policies) {
    const judge = new PolicyJudge(policy.identity);
    policy.evaluate(portfolio, judge);
    for (const violation of judge.violations) violations.push(violation);
    for (const note of judge.passiveBreaches) recommendations.push(note);
    if (judge.score < score) score = judge.score;
  }
  return {
    decision_id: decisionId,
    is_compliant: !violations.some((v) => v.enforcement_level === 'strict'),
    violations,
    compliance_score: roundScore(score),
    recommendations,
    policies_checked: policies.map((p) => p.identity.name),
  };
}
