import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ServiceError } from '../errors.js';
import { parseCheckedBody } from '../schemas/checked-body.js';
import { mayHoldSurrogates, unstorable } from '../schemas/storable.js';
import { ValidationRequest } from '../schemas/validation.js';

const checker = TypeCompiler.Compile(ValidationRequest);

/** Parses and schema-checks a validation request body; 400 with JSON-pointer paths otherwise. */
export function parseValidationRequest(body: Uint8Array | string): ValidationRequest {
  const { value: request, text } = parseCheckedBody(body, checker);
  // The decision is stored verbatim, and names from anywhere in the request reach the stored
  // response: both must be storable (the whole-request walk runs only when an escape could hide a surrogate).
  const problem = unstorable(request.decision, '/decision') ?? (mayHoldSurrogates(text) ? unstorable(request) : undefined);
  if (problem) throw new ServiceError('PES_INVALID_REQUEST', `Invalid request: ${problem.path} ${problem.message}`, [problem]);
  return request;
}
