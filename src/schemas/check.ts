import type { TSchema } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import type { ErrorDetail } from './common.js';

/** At most this many schema errors are reported; one bad array can otherwise yield thousands. */
const MAX_DETAILS = 20;

/** Schema errors as { path, message } with JSON-pointer paths under `basePath`. */
export function schemaErrors<T extends TSchema>(checker: TypeCheck<T>, value: unknown, basePath = ''): ErrorDetail[] {
  if (checker.Check(value)) return [];
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const error of checker.Errors(value)) {
    const path = `${basePath}${error.path}`;
    // A union reports one error per branch; the first says enough about a path.
    if (seen.has(path)) continue;
    seen.add(path);
    details.push({ path, message: error.message });
    if (details.length >= MAX_DETAILS) break;
  }
  return details;
}
