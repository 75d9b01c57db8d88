import { DEFAULT_POLICIES } from '../../src/policies/defaults.js';
import type { PolicyDefinition } from '../../src/schemas/policy.js';
import { syntheticRequest } from '../../src/synthetic-request.js';
import { bodyTemplate, type BodyTemplate } from '../../src/body-template.js';

/** The HTTP benchmarks' policies: the seeded defaults plus a beta band and a country limit. */
export const EXTRA_POLICIES: readonly PolicyDefinition[] = [
  { policy_name: 'beta_band', policy_type: 'RISK_LIMIT', rules: { metric: 'beta', min: 0.5, max: 1.5 }, enforcement_level: 'strict', enabled: true },
  { policy_name: 'country_limits', policy_type: 'SECTOR_LIMIT', rules: { group_by: 'country', max_weight: 0.6 }, enforcement_level: 'strict', enabled: true },
];
export const REALISTIC_POLICIES: readonly PolicyDefinition[] = [...DEFAULT_POLICIES, ...EXTRA_POLICIES];

/**
 * `count` distinct request bodies of `positions` positions checked against the five policies;
 * every third one buys a symbol to 12 % of NAV (a violation that will need an adjustment).
 */
export function realisticBodies(positions: number, count = 30): BodyTemplate[] {
  const policies = REALISTIC_POLICIES.map((p) => p.policy_name);
  return Array.from({ length: count }, (_, k) => {
    const violating = k % 3 === 0;
    return bodyTemplate(syntheticRequest({ positions, policies, violating, seed: 1_000 + k }), violating ? 'violating' : 'compliant');
  });
}

/** Creates the extra policies on a running service (the defaults are seeded on first start). */
export async function addPolicies(baseUrl: string): Promise<void> {
  for (const policy of EXTRA_POLICIES) {
    const res = await fetch(`${baseUrl}/api/v1/policies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(policy) });
    if (res.status !== 201) throw new Error(`creating policy ${policy.policy_name}: ${res.status} ${await res.text()}`);
  }
}
