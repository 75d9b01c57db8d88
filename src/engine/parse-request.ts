import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ServiceError } from '../errors.js';
import { schemaErrors } from '../schemas/check.js';
import { ValidationRequest } from '../schemas/validation.js';

const checker = TypeCompiler.Compile(ValidationRequest);
const decoder = new TextDecoder();

/** Parses and schema-checks a validation request body; 400 with JSON-pointer paths otherwise. */
export function parseValidationRequest(body: Uint8Array | string): ValidationRequest {
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : decoder.decode(body));
  } catch (error) {
    throw new ServiceError('PES_INVALID_JSON', `The body is not valid JSON: ${(error as Error).message}`, [
      { path: '', message: (error as Error).message },
    ]);
  }
  const details = schemaErrors(checker, value);
  if (details.length > 0) {
    throw new ServiceError('PES_INVALID_REQUEST', `Invalid request: ${details[0].path || '/'} ${details[0].message}`, details);
  }
  return value as ValidationRequest;
}
