import type { ErrorCode } from '../src/errors.js';
import type { SharedPolicySet } from '../src/policies/shared-policy-set.js';
import type { ErrorDetail } from '../src/schemas/common.js';
import type { HeadroomResponse } from '../src/schemas/headroom.js';
import type { ValidationResponse } from '../src/schemas/validation.js';

/** The messages that cross between the HTTP thread and the validation workers. */

/** The raw request body travels as a transferred buffer; the worker parses and validates it. */
export interface ValidationTask {
  readonly body: Uint8Array;
  readonly policySet: SharedPolicySet;
}

/** What the audit record needs of the request, beyond the response. */
export interface DecisionSummary {
  readonly decision_id: string;
  readonly portfolio_id: string | null;
  /** The decision as JSON text, stored verbatim. */
  readonly decision_json: string;
}

export type ValidationOutcome =
  | {
      readonly ok: true;
      readonly response: ValidationResponse;
      readonly decision: DecisionSummary;
      /** The worker thread that ran it: callers see it as the x-pes-worker header. */
      readonly threadId: number;
      readonly elapsedMs: number;
    }
  | TaskFailure;

/** Failures a worker returns as values: the HTTP thread turns them into registry errors. */
export interface TaskFailure {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: ErrorDetail[];
}

/** POST /api/v1/headroom runs in the same pool, as the worker's `headroom` export. */
export interface HeadroomTask {
  readonly body: Uint8Array;
  readonly policySet: SharedPolicySet;
}

export type HeadroomOutcome =
  | { readonly ok: true; readonly response: HeadroomResponse; readonly threadId: number; readonly elapsedMs: number }
  | TaskFailure;
