import type { ValidationCompletedEvent } from '../schemas/events.js';
import type { ValidationResponse } from '../schemas/validation.js';
import { uuidV7 } from '../uuid-v7.js';

/** The event a validation emits; it is stored in the outbox with the validation record. */
export function validationCompletedEvent(response: ValidationResponse, now = new Date()): ValidationCompletedEvent {
  return {
    event_id: uuidV7(now.getTime()),
    timestamp: now.toISOString(),
    policy_validation: {
      decision_id: response.decision_id,
      is_compliant: response.is_compliant,
      compliance_score: response.compliance_score,
      violations: response.violations.map((v) => `${v.policy_name}:${v.violation_type}`),
      policies_checked: response.policies_checked,
    },
  };
}

/**
 * The message value, with the fields in the seed's order. The outbox keeps the event as JSONB,
 * which reorders keys, so the relay re-encodes it here rather than forwarding the stored text.
 */
export function encodeEvent(event: ValidationCompletedEvent): string {
  const v = event.policy_validation;
  return JSON.stringify({
    event_id: event.event_id,
    timestamp: event.timestamp,
    policy_validation: {
      decision_id: v.decision_id,
      is_compliant: v.is_compliant,
      compliance_score: v.compliance_score,
      violations: v.violations,
      policies_checked: v.policies_checked,
    },
  });
}
