import { evaluateRequest } from '../../src/engine/evaluate.js';
import { ServiceError } from '../../src/errors.js';
import { compilePolicySet } from '../../src/policies/compile.js';
import type { ErrorDetail } from '../../src/schemas/common.js';
import type { PolicyDefinition } from '../../src/schemas/policy.js';
import type { ValidationRequest, ValidationResponse } from '../../src/schemas/validation.js';
import { ReferenceRejection, referenceEvaluate, type ReferenceResult } from '../reference/evaluator.js';

/** How the engine and the reference answer a request: a result, or the 422 codes of a rejection. */

export type EngineOutcome = { ok: true; response: ValidationResponse } | { ok: false; code: string; status: number; message: string; details?: ErrorDetail[] };
export type ReferenceOutcome = { ok: true; result: ReferenceResult } | { ok: false; codes: string[] };

export function runEngine(request: ValidationRequest, definitions: PolicyDefinition[]): EngineOutcome {
  try {
    return { ok: true, response: evaluateRequest(request, compilePolicySet(1, definitions)).response };
  } catch (error) {
    if (error instanceof ServiceError) {
      return { ok: false, code: error.code, status: error.statusCode, message: error.message, ...(error.details ? { details: error.details } : {}) };
    }
    throw error;
  }
}

export function runReference(request: ValidationRequest, definitions: PolicyDefinition[]): ReferenceOutcome {
  try {
    return { ok: true, result: referenceEvaluate(request, definitions) };
  } catch (error) {
    if (error instanceof ReferenceRejection) return { ok: false, codes: error.codes };
    throw error;
  }
}

