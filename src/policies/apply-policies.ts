import { ServiceError } from '../errors.js';
import type { PolicyDefinition } from '../schemas/policy.js';
import type { PolicyRepository } from '../storage/policy-repository.js';
import { planPolicies, type PolicyPlan } from './policy-plan.js';

/**
 * Creates or replaces each listed policy that differs from the stored one; unchanged policies are
 * not rewritten (restarts do not bump the policy-set version) and unlisted ones are left alone.
 * Replicas starting together may race to create a policy: the loser replaces it with the same.
 */
export async function applyPolicies(repository: PolicyRepository, desired: readonly PolicyDefinition[]): Promise<PolicyPlan> {
  const plan = planPolicies(desired, (await repository.snapshot()).policies);
  for (const definition of plan.create) {
    try {
      await repository.create(definition);
    } catch (error) {
      if (!(error instanceof ServiceError && error.code === 'PES_POLICY_EXISTS')) throw error;
      await repository.replace(definition);
    }
  }
  for (const { after } of plan.replace) await repository.replace(after);
  return plan;
}
