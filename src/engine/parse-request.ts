import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ServiceError } from '../errors.js';
import { schemaErrors } from '../schemas/check.js';
import { parseJsonBody } from '../schemas/json-body.js';
import { readRequestBody } from '../schemas/request-reader.js';
import { mayHoldSurrogates, unstorable } from '../schemas/storable.js';
import { ValidationRequest } from '../schemas/validation.js';

const checker = TypeCompiler.Compile(ValidationRequest);

/** Parses and schema-checks a validation request body; 400 with JSON-pointer paths otherwise. */
export function parseValidationRequest(body: Uint8Array | string): ValidationRequest {
  // Positions read straight from the bytes (src/schemas/position-reader.ts). Whatever that path
  // declines or the schema refuses is parsed again the ordinary way, so every error is the ordinary path's.
  const read = typeof body === 'string' ? undefined : readRequestBody(body);
  const valid = read && checker.Check(read.value) ? read : undefined;
  const { value, text } = valid ?? parseJsonBody(body);
  if (!valid) {
    const details = schemaErrors(checker, value);
    if (details.length > 0) {
      throw new ServiceError('PES_INVALID_REQUEST', `Invalid request: ${details[0].path || '/'} ${details[0].message}`, details);
    }
  }
  // The decision is stored verbatim, and names from anywhere in the request reach the stored
  // response: both must be storable (the whole-request walk runs only when an escape could hide a surrogate).
  const request = value as ValidationRequest;
  const problem = unstorable(request.decision, '/decision') ?? (mayHoldSurrogates(text) ? unstorable(request) : undefined);
  if (problem) throw new ServiceError('PES_INVALID_REQUEST', `Invalid request: ${problem.path} ${problem.message}`, [problem]);
  return request;
}
