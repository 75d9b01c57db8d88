import type { PolicyDefinition } from '../schemas/policy.js';

/** Seeded on first start (contract section 11), all strict. */
export const DEFAULT_POLICIES: readonly PolicyDefinition[] = [
  { policy_name: 'position_limits', policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.1 }, enforcement_level: 'strict', enabled: true },
  { policy_name: 'sector_limits', policy_type: 'SECTOR_LIMIT', rules: { max_weight: 0.3 }, enforcement_level: 'strict', enabled: true },
  { policy_name: 'risk_limits', policy_type: 'RISK_LIMIT', rules: { metric: 'gross_exposure', max: 1.0 }, enforcement_level: 'strict', enabled: true },
];
