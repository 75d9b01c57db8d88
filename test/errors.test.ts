import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS_DOC, renderErrorsDoc } from '../scripts/errors-doc.js';
import { ERRORS, errorBody, type ErrorCode } from '../src/errors.js';

const codes = Object.keys(ERRORS) as ErrorCode[];

describe('the error registry and docs/errors.md', () => {
  it('docs/errors.md is exactly what `npm run docs:errors` generates from src/errors.ts', () => {
    const written = readFileSync(ERRORS_DOC, 'utf8');
    // On failure: run `npm run docs:errors` and commit the result.
    expect(written).toBe(renderErrorsDoc());
  });

  it('documents every code once, with its status', () => {
    const rows = readFileSync(ERRORS_DOC, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('| `PES_'))
      .map((line) => line.split('|').map((c) => c.trim()));
    expect(rows.map((r) => r[1].replace(/`/g, ''))).toEqual(codes);
    for (const row of rows) {
      const code = row[1].replace(/`/g, '') as ErrorCode;
      expect(row[2]).toBe(`${ERRORS[code].status} ${errorBody(code).error}`);
    }
  });

  it.each(codes)('%s has an error status, a reason phrase, a message and a hint', (code) => {
    const { status, message, hint } = ERRORS[code];
    expect(code).toMatch(/^PES_[A-Z_]+$/);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(600);
    expect(errorBody(code).error).not.toBe('Error');
    expect(message.length).toBeGreaterThan(0);
    expect(hint.length).toBeGreaterThan(0);
  });
});
