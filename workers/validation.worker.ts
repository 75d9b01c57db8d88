import { threadId } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { computeHeadroom, parseHeadroomRequest } from '../src/adjust/headroom.js';
import { loadHighs } from '../src/adjust/solvers/highs.js';
import { withAdjustment } from '../src/adjust/suggest.js';
import { evaluateRequest } from '../src/engine/evaluate.js';
import { parseValidationRequest } from '../src/engine/parse-request.js';
import { ServiceError } from '../src/errors.js';
import { compilePolicySet, type CompiledPolicySet } from '../src/policies/compile.js';
import { readPolicySet } from '../src/policies/shared-policy-set.js';
import { prepareRecord } from '../src/storage/audit-record.js';
import type { HeadroomOutcome, HeadroomTask, TaskFailure, ValidationOutcome, ValidationTask } from './messages.js';

// Start loading the solver with the thread, not with its first non-compliant request.
void loadHighs();

let cached: CompiledPolicySet | undefined;

function policySetFor(task: ValidationTask | HeadroomTask): CompiledPolicySet {
  if (cached?.version !== task.policySet.version) {
    cached = compilePolicySet(task.policySet.version, readPolicySet(task.policySet));
  }
  return cached;
}

/**
 * Parses, validates and evaluates one request (with its suggested adjustment) and prepares its
 * audit record; expected failures come back as values.
 */
export default async function validate(task: ValidationTask): Promise<ValidationOutcome> {
  const started = performance.now();
  try {
    const request = parseValidationRequest(task.body);
    const set = policySetFor(task);
    const response = await withAdjustment(request, evaluateRequest(request, set), set);
    const responseJson = JSON.stringify(response);
    const { decision } = request;
    const record = prepareRecord(
      {
        response,
        portfolioId: decision.portfolio_id ?? request.portfolio_state.portfolio_id ?? null,
        decisionJson: JSON.stringify(decision),
        policySetVersion: task.policySet.version,
      },
      responseJson,
    );
    return {
      ok: true,
      responseJson,
      summary: {
        decision_id: response.decision_id,
        is_compliant: response.is_compliant,
        violations: response.violations.map(({ policy_name, severity }) => ({ policy_name, severity })),
      },
      record,
      threadId,
      elapsedMs: performance.now() - started,
    };
  } catch (error) {
    return failure(error);
  }
}

/** Headroom per symbol (POST /api/v1/headroom). */
export async function headroom(task: HeadroomTask): Promise<HeadroomOutcome> {
  const started = performance.now();
  try {
    const response = await computeHeadroom(parseHeadroomRequest(task.body), policySetFor(task));
    return { ok: true, response, threadId, elapsedMs: performance.now() - started };
  } catch (error) {
    return failure(error);
  }
}

function failure(error: unknown): TaskFailure {
  if (error instanceof ServiceError) {
    return { ok: false, code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  }
  throw error;
}
