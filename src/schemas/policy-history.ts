import { Type, type Static } from '@sinclair/typebox';
import { PolicyDefinition } from './policy.js';

export const PolicyChangeAction = Type.Union(
  [
    Type.Literal('create'),
    Type.Literal('replace'),
    Type.Literal('update'),
    Type.Literal('enable'),
    Type.Literal('disable'),
    Type.Literal('delete'),
  ],
  { description: 'update = a PATCH that changed enforcement_level; enable/disable = one that changed only enabled' },
);
export type PolicyChangeAction = Static<typeof PolicyChangeAction>;

/** One entry of a policy's audit trail (GET /api/v1/policies/{name}/history). */
export const PolicyChange = Type.Object({
  id: Type.Integer({ description: 'Increases with every change, across all policies' }),
  policy_name: Type.String(),
  action: PolicyChangeAction,
  actor: Type.String({ description: "The API key's name; 'local' without keys; 'system' for seeded defaults and the policies file" }),
  changed_at: Type.String({ description: 'ISO 8601' }),
  policy_set_version: Type.Integer({ description: 'The policy-set version this change produced' }),
  before: Type.Union([PolicyDefinition, Type.Null()], { description: 'null for a create' }),
  after: Type.Union([PolicyDefinition, Type.Null()], { description: 'null for a delete' }),
});
export type PolicyChange = Static<typeof PolicyChange>;

export const PolicyHistoryQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) },
  { additionalProperties: false },
);
export type PolicyHistoryQuery = Static<typeof PolicyHistoryQuery>;
