import type { ErrorCode } from '../src/errors.js';
import type { SharedPolicySet } from '../src/policies/shared-policy-set.js';
import type { ErrorDetail } from '../src/schemas/common.js';
import type { HeadroomResponse } from '../src/schemas/headroom.js';
import type { PolicyViolation, ValidationResponse } from '../src/schemas/validation.js';
import type { PreparedRecord } from '../src/storage/audit-record.js';

/** The messages that cross between the HTTP thread and the validation workers. */

/** The raw request body travels as a transferred buffer; the worker parses and validates it. */
export interface ValidationTask {
  readonly body: Uint8Array;
  readonly policySet: SharedPolicySet;
}

/** What the HTTP thread reads of a response: for its metrics and logs. */
export interface ValidationSummary extends Pick<ValidationResponse, 'decision_id' | 'is_compliant'> {
  readonly violations: ReadonlyArray<Pick<PolicyViolation, 'policy_name' | 'severity'>>;
}

/**
 * A validation comes back as text: the response's JSON, sent to the caller as is, and its audit
 * record, written as is. The HTTP thread neither rebuilds the response from a structured clone
 * nor serialises it (twice: for the caller and for the record).
 */
export type ValidationOutcome =
  | {
      readonly ok: true;
      readonly responseJson: string;
      readonly summary: ValidationSummary;
      readonly record: PreparedRecord;
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
