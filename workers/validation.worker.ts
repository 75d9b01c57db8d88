import { threadId } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { evaluateRequest } from '../src/engine/evaluate.js';
import { parseValidationRequest } from '../src/engine/parse-request.js';
import { ServiceError } from '../src/errors.js';
import { compilePolicySet, type CompiledPolicySet } from '../src/policies/compile.js';
import { readPolicySet } from '../src/policies/shared-policy-set.js';
import type { ValidationOutcome, ValidationTask } from './messages.js';

let cached: CompiledPolicySet | undefined;

function policySetFor(task: ValidationTask): CompiledPolicySet {
  if (cached?.version !== task.policySet.version) {
    cached = compilePolicySet(task.policySet.version, readPolicySet(task.policySet));
  }
  return cached;
}

/** Parses, validates and evaluates one request; expected failures come back as values. */
export default function validate(task: ValidationTask): ValidationOutcome {
  const started = performance.now();
  try {
    const request = parseValidationRequest(task.body);
    const { response } = evaluateRequest(request, policySetFor(task));
    const decision = request.decision;
    return {
      ok: true,
      response,
      decision: {
        decision_id: decision.decision_id,
        portfolio_id: decision.portfolio_id ?? request.portfolio_state.portfolio_id ?? null,
        decision_json: JSON.stringify(decision),
      },
      threadId,
      elapsedMs: performance.now() - started,
    };
  } catch (error) {
    if (error instanceof ServiceError) {
      return { ok: false, code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
    }
    throw error;
  }
}
