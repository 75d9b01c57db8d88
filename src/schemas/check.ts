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
  try {
    for (const error of checker.Errors(value)) {
      const path = `${basePath}${error.path}`;
      // A union reports one error per branch; the first says enough about a path.
      if (seen.has(path)) continue;
      seen.add(path);
      details.push({ path, message: error.message });
      if (details.length >= MAX_DETAILS) break;
    }
  } catch (error) {
    // Describing some errors recurses into the value (uniqueItems hashes each element): a value
    // nested thousands deep exhausts the stack. Check() has already said no; report what we have.
    if (!(error instanceof RangeError)) throw error;
  }
  if (details.length === 0) details.push({ path: basePath, message: 'does not match the schema (nested too deeply to describe)' });
  return details;
}
