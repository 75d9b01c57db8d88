import { Type, type Static } from '@sinclair/typebox';
import { EnforcementLevel, Severity } from './common.js';

const Uuid = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' });

export const ViolationRecord = Type.Object(
  {
    id: Type.String(),
    decision_id: Type.String(),
    policy_name: Type.String(),
    violation_type: Type.String(),
    severity: Severity,
    description: Type.Union([Type.String(), Type.Null()]),
    resolved: Type.Boolean(),
    created_at: Type.String({ description: 'ISO 8601' }),
    subject: Type.Union([Type.String(), Type.Null()]),
    observed: Type.Union([Type.Number(), Type.Null()]),
    limit: Type.Union([Type.Number(), Type.Null()]),
    pre_trade: Type.Union([Type.Number(), Type.Null()]),
    enforcement_level: Type.Union([EnforcementLevel, Type.Null()]),
    resolved_at: Type.Union([Type.String(), Type.Null()]),
    resolved_by: Type.Union([Type.String(), Type.Null()]),
  },
);
export type ViolationRecord = Static<typeof ViolationRecord>;

export const ViolationQuery = Type.Object(
  {
    decision_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    policy_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    severity: Type.Optional(Severity),
    resolved: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
export type ViolationQuery = Static<typeof ViolationQuery>;

export const ViolationParams = Type.Object({ id: Uuid });

export const ViolationPatch = Type.Object({ resolved: Type.Literal(true) }, { additionalProperties: false });
