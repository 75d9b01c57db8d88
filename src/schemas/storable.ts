import type { ErrorDetail } from './common.js';

/**
 * What PostgreSQL's JSONB refuses, found before a request is evaluated so it gets a 400 rather
 * than a failed audit write: strings with a lone UTF-16 surrogate (JSON allows "\ud800"; JSONB
 * does not) and values nested deeper than any real request (JSONB parsing recurses).
 */
export const MAX_STORED_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** A surrogate can only come from a \uD800-\uDFFF escape: UTF-8 text cannot encode one alone. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

const escapeKey = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** The first problem in `value`, as a detail under `path`, or undefined when it can be stored. */
export function unstorable(value: unknown, path = '', depth = 0): ErrorDetail | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? { path, message: 'contains a lone UTF-16 surrogate (not valid Unicode text)' } : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_STORED_DEPTH) return { path, message: `is nested more than ${MAX_STORED_DEPTH} levels deep` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = unstorable(value[i], `${path}/${i}`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = `${path}/${escapeKey(key)}`;
    if (LONE_SURROGATE.test(key)) return { path: at, message: 'has a name with a lone UTF-16 surrogate (not valid Unicode text)' };
    const problem = unstorable(item, at, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/** Whether the JSON text may hold a lone surrogate at all: a cheap scan that spares most walks. */
export function mayHoldSurrogates(text: string): boolean {
  return text.includes('\\u') && SURROGATE_ESCAPE.test(text);
}
