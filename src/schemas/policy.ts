import { Type, type Static } from '@sinclair/typebox';
import { EnforcementLevel, PolicyType } from './common.js';
import { EXAMPLE_POLICY } from './examples.js';

const PolicyName = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' });

/** What a caller sends to create or replace a policy; `rules` is checked against its type's schema. */
export const PolicyInput = Type.Object(
  {
    policy_name: PolicyName,
    policy_type: PolicyType,
    rules: Type.Record(Type.String(), Type.Unknown(), { description: 'Shape depends on policy_type' }),
    enforcement_level: Type.Optional(EnforcementLevel),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, examples: [EXAMPLE_POLICY] },
);
export type PolicyInput = Static<typeof PolicyInput>;

export const PolicyDefinition = Type.Object(
  {
    policy_name: Type.String(),
    policy_type: PolicyType,
    rules: Type.Record(Type.String(), Type.Unknown()),
    enforcement_level: EnforcementLevel,
    enabled: Type.Boolean(),
  },
);
export type PolicyDefinition = Static<typeof PolicyDefinition>;

export const PolicyNameParams = Type.Object({ name: PolicyName });

/** PATCH /api/v1/policies/{name}: enable/disable a policy or change how it is enforced. */
export const PolicyPatch = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    enforcement_level: Type.Optional(EnforcementLevel),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PolicyPatch = Static<typeof PolicyPatch>;
