import { validationCompletedEvent } from '../events/validation-completed-event.js';
import type { ValidationResponse } from '../schemas/validation.js';
import { uuidV7 } from '../uuid-v7.js';

export interface ValidationRecordInput {
  readonly response: ValidationResponse;
  readonly portfolioId: string | null;
  /** The decision as JSON text, stored verbatim. */
  readonly decisionJson: string;
  readonly policySetVersion: number;
}

/**
 * A validation's audit record as the JSON fragments of the batch statement
 * (pes_record_validation_batch, migrations/005), made where the response is: a worker makes it
 * with the response, so the HTTP thread neither receives the response as objects nor serialises
 * it, and the response's JSON text is made once for the caller and for the record.
 */
export interface PreparedRecord {
  readonly id: string;
  /** The validations row: its columns, the response and the decision. */
  readonly validationJson: string;
  /** The policy_violations rows, as JSON array items joined by commas ('' when compliant with no violation). */
  readonly violationsJson: string;
  /** The event_outbox row. */
  readonly eventJson: string;
}

/** `responseJson`, when given, must be JSON.stringify(input.response): the caller already made it. */
export function prepareRecord(input: ValidationRecordInput, responseJson = JSON.stringify(input.response), now = new Date()): PreparedRecord {
  const { response } = input;
  // Time-ordered ids, for the validation, its violations and its event: each index on them takes
  // its inserts at one place (docs/deploy.md, "Why the stored ids are time-ordered").
  const ms = now.getTime();
  const id = uuidV7(ms);
  const columns = JSON.stringify({
    id, decision_id: response.decision_id, portfolio_id: input.portfolioId, is_compliant: response.is_compliant,
    compliance_score: response.compliance_score, policies_checked: response.policies_checked, policy_set_version: input.policySetVersion,
  });
  const validationJson = `${columns.slice(0, -1)},"response":${responseJson},"decision":${input.decisionJson}}`;
  const violationsJson = response.violations
    .map((violation) => JSON.stringify({ ...violation, id: uuidV7(ms), validation_id: id, decision_id: response.decision_id }))
    .join(',');
  const event = validationCompletedEvent(response, now);
  const eventJson = JSON.stringify({ event_id: event.event_id, event_key: response.decision_id, payload: event });
  return { id, validationJson, violationsJson, eventJson };
}

/** The batch document pes_record_validation_batch takes. */
export function batchDocument(records: readonly PreparedRecord[], topic: string): string {
  const violations = records.filter((r) => r.violationsJson !== '').map((r) => r.violationsJson);
  return `{"topic":${JSON.stringify(topic)},"validations":[${records.map((r) => r.validationJson).join(',')}],` +
    `"violations":[${violations.join(',')}],"events":[${records.map((r) => r.eventJson).join(',')}]}`;
}
