import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ERRORS, errorBody, type ErrorCode } from '../src/errors.js';
import { PROJECT_ROOT } from '../src/paths.js';

/** docs/errors.md is generated from the registry (`npm run docs:errors`); test/errors.test.ts keeps them in step. */
export const ERRORS_DOC = join(PROJECT_ROOT, 'docs', 'errors.md');

/** Markdown table cell: a pipe would end the cell, and <key> would vanish as an HTML tag. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderErrorsDoc(): string {
  const rows = (Object.keys(ERRORS) as ErrorCode[]).map((code) => {
    const { status, message, hint } = ERRORS[code];
    return `| \`${code}\` | ${status} ${errorBody(code).error} | ${cell(message)} | ${cell(hint)} |`;
  });
  return [
    '# Errors',
    '',
    '<!-- Generated from src/errors.ts by `npm run docs:errors`. Do not edit by hand: test/errors.test.ts fails when this file and the registry differ. -->',
    '',
    'Every error response has the body `{ "statusCode", "code", "error", "message", "details"?, "hint", "error_id"? }`:',
    '`code` is one of the codes below, `message` says what went wrong with this request (the table gives the',
    'generic wording), `details` lists `{ "path", "message" }` with JSON-pointer paths into the body, and',
    '`error_id` (5xx only) is the request id (the caller\'s `x-request-id` when it sent a plain token): quote it',
    'when reporting the failure; the service\'s log lines for that request carry it as `reqId`.',
    'No response ever contains a stack trace. 503 and 429 responses carry `Retry-After`.',
    '',
    '| code | status | message | hint |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(ERRORS_DOC, renderErrorsDoc());
  console.log(`wrote ${ERRORS_DOC}`);
}
