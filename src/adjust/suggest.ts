import type { Evaluation } from '../engine/evaluate.js';
import type { CompiledPolicySet } from '../policies/compile.js';
import type { ValidationRequest, ValidationResponse } from '../schemas/validation.js';
import { adjustDecision, type AdjustOptions } from './adjust.js';
import { applyAdjustment, outcomeText } from './explain.js';

/**
 * The validation response with its suggested adjustment (contract section 7) when it is not
 * compliant. The suggestion is advice on top of a verdict already reached: if the adjustment
 * itself breaks, the verdict stands and a recommendation says the suggestion failed.
 */
export async function withAdjustment(
  request: ValidationRequest,
  evaluation: Evaluation,
  set: CompiledPolicySet,
  options: AdjustOptions = {},
): Promise<ValidationResponse> {
  const { response } = evaluation;
  if (response.is_compliant) return response;
  try {
    return applyAdjustment(response, await adjustDecision(request, evaluation, set, options));
  } catch (error) {
    return { ...response, recommendations: [...response.recommendations, outcomeText('PES_SOLVER_FAILED', (error as Error).message)] };
  }
}
