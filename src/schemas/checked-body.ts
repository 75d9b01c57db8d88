import type { Static, TSchema } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { ServiceError } from '../errors.js';
import { schemaErrors } from './check.js';
import { parseJsonBody } from './json-body.js';
import { readRequestBody } from './request-reader.js';

/**
 * A request body with a portfolio_state, parsed and schema-checked: its positions read straight
 * from the bytes (src/schemas/position-reader.ts) where the reader can and the schema accepts the
 * result; otherwise parsed again the ordinary way, so that every error (400 PES_INVALID_JSON or
 * PES_INVALID_REQUEST, with JSON-pointer paths) is the ordinary path's. `text` is the JSON text
 * parsed: without the positions when the reader read them (they then hold no escape).
 */
export function parseCheckedBody<T extends TSchema>(body: Uint8Array | string, checker: TypeCheck<T>): { value: Static<T>; text: string } {
  const read = typeof body === 'string' ? undefined : readRequestBody(body);
  if (read && checker.Check(read.value)) return read as { value: Static<T>; text: string };
  const { value, text } = parseJsonBody(body);
  const details = schemaErrors(checker, value);
  if (details.length > 0) {
    throw new ServiceError('PES_INVALID_REQUEST', `Invalid request: ${details[0].path || '/'} ${details[0].message}`, details);
  }
  return { value: value as Static<T>, text };
}
