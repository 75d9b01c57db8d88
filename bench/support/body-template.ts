import type { ValidationRequest } from '../../src/schemas/validation.js';

/** The placeholder a templated body carries where each request's unique decision_id goes. */
export const DECISION_ID_SLOT = '__DECISION_ID__';

/** A request body split around its decision_id, so a load generator can stamp unique ids cheaply. */
export interface BodyTemplate {
  readonly head: Buffer;
  readonly tail: Buffer;
  /** A class the load generator reports latency for separately, e.g. "violating". */
  readonly label?: string;
}

export function bodyTemplate(request: ValidationRequest, label?: string): BodyTemplate {
  const text = JSON.stringify({ ...request, decision: { ...request.decision, decision_id: DECISION_ID_SLOT } });
  const at = text.indexOf(DECISION_ID_SLOT);
  return { head: Buffer.from(text.slice(0, at)), tail: Buffer.from(text.slice(at + DECISION_ID_SLOT.length)), ...(label ? { label } : {}) };
}
