// The policy definitions as the service last listed them, shared by every view (filters, what-if, editor).
import { api } from './api.js';

let policies = [];
const listeners = new Set();

export const knownPolicies = () => policies;
export const policyNamed = (name) => policies.find((p) => p.policy_name === name);

/** Calls `listener(policies)` after every reload. */
export const onPolicies = (listener) => listeners.add(listener);

export async function reloadPolicies() {
  policies = await api('GET', '/api/v1/policies');
  policies.sort((a, b) => a.policy_name.localeCompare(b.policy_name));
  for (const listener of listeners) listener(policies);
  return policies;
}

/** The body of a PUT that replaces `policy` with `changes` applied (the name comes from the path). */
export const replacement = (policy, changes) => ({
  policy_type: policy.policy_type,
  rules: policy.rules,
  enforcement_level: policy.enforcement_level,
  enabled: policy.enabled,
  ...changes,
});
