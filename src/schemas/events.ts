import { Type, type Static } from '@sinclair/typebox';

const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });

/**
 * `policy_validation_completed`, exactly the seed's example: published on KAFKA_TOPIC
 * (policy.validation.completed) with key = decision_id, one per validation. Delivery is
 * at-least-once: consumers dedupe by event_id.
 */
export const ValidationCompletedEvent = Type.Object(
  {
    event_id: Uuid,
    timestamp: Type.String({ description: 'ISO 8601, when the validation was recorded' }),
    policy_validation: Type.Object(
      {
        decision_id: Type.String(),
        is_compliant: Type.Boolean(),
        compliance_score: Type.Number({ minimum: 0, maximum: 1 }),
        violations: Type.Array(Type.String({ description: '"<policy_name>:<violation_type>"' })),
        policies_checked: Type.Array(Type.String()),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type ValidationCompletedEvent = Static<typeof ValidationCompletedEvent>;
