/** The placeholder a templated body carries where each request's unique decision_id goes. */
const DECISION_ID_SLOT = '__DECISION_ID__';

/**
 * A request body split around its decision_id, serialised once: the warm-up and the load generator
 * stamp each request's unique id between the two halves.
 */
export interface BodyTemplate {
  readonly head: Buffer;
  readonly tail: Buffer;
  /** A class the load generator reports latency for separately, e.g. "violating". */
  readonly label?: string;
}

/** `request` (a validation request) as a template: its decision_id is left out. */
export function bodyTemplate(request: { readonly decision: object; readonly [field: string]: unknown }, label?: string): BodyTemplate {
  const text = JSON.stringify({ ...request, decision: { ...request.decision, decision_id: DECISION_ID_SLOT } });
  const at = text.indexOf(DECISION_ID_SLOT);
  return { head: Buffer.from(text.slice(0, at)), tail: Buffer.from(text.slice(at + DECISION_ID_SLOT.length)), ...(label ? { label } : {}) };
}

/** The body of `template` with `decisionId` (plain text: no character JSON would escape). */
export function withDecisionId(template: BodyTemplate, decisionId: string): Buffer {
  return Buffer.concat([template.head, Buffer.from(decisionId), template.tail]);
}
