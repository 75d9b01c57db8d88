import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS, type ErrorCode } from '../../src/errors.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { postgresAvailable } from '../support/databases.js';
import { malformedBodies, type Body, type Json } from './malformed-json.js';

const example = JSON.parse(readFileSync(new URL('../fixtures/contract-example.json', import.meta.url), 'utf8'));
/**
 * The contract example, and variants of it that comply (AAPL to 9 % of NAV) and that check every
 * enabled policy. Mostly compliant bases keep the run fast: a mutation that stays valid is then
 * usually answered without computing an adjustment.
 */
const compliant = structuredClone(example);
compliant.decision.trades[0].quantity = 100;
const requests = [example, compliant, { ...compliant, applicable_policies: [] }];
/** A valid policy of each kind the service knows, to mutate. */
const policies: Json[] = [
  { policy_name: 'fuzz_position', policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.1, min_weight: -0.05, max_quantity: 1e6, max_notional: 5e6, symbols: ['AAPL'] }, enforcement_level: 'strict', enabled: true },
  { policy_name: 'fuzz_sector', policy_type: 'SECTOR_LIMIT', rules: { group_by: 'country', max_weight: 0.5, limits: { US: 0.6 }, min_weights: { US: 0.01 }, measure: 'gross' }, enforcement_level: 'advisory' },
  { policy_name: 'fuzz_risk', policy_type: 'RISK_LIMIT', rules: { metric: 'var', max: 0.05, confidence: 0.99, horizon_days: 10 } },
  { policy_name: 'fuzz_beta', policy_type: 'RISK_LIMIT', rules: { metric: 'beta', min: 0.5, max: 1.5, severity: 'LOW' } },
];

const SEED = Number(process.env.PES_FUZZ_SEED ?? Date.now() % 2 ** 31);
const VALIDATE_BODIES = 10_000;
const POLICY_BODIES = 3_000;
/** Below the pool's queue bound (PES_MAX_QUEUE), so no request is refused for load. */
const CONCURRENCY = 48;
const STACK_TRACE = /\n\s+at |\bat .+\.(?:js|ts|mjs):\d+/;

let t: TestApp;
beforeAll(async () => {
  // On PostgreSQL (when the server is there) the audit writes leave the HTTP thread free.
  t = await startTestApp({
    database: postgresAvailable ? 'postgres' : 'pglite',
    env: { PES_RATE_LIMIT: '0', PES_MAX_QUEUE: '10000' },
  });
});
afterAll(() => t.close());

interface Failure {
  readonly kind: string;
  readonly status: number;
  readonly problem: string;
  readonly body: string;
  readonly response: string;
}

/** Sends every body, CONCURRENCY at a time; returns the count per status and what went wrong. */
async function send(method: 'POST', url: string, bodies: Body[]) {
  const statuses = new Map<number, number>();
  const failures: Failure[] = [];
  const check = (body: Body, status: number, text: string): string | undefined => {
    if (status >= 500) return 'a 5xx';
    if (STACK_TRACE.test(text)) return 'a stack trace in the response';
    if (status < 400) return undefined;
    let parsed: { statusCode?: number; code?: string };
    try {
      parsed = JSON.parse(text);
    } catch {
      return 'an error body that is not JSON';
    }
    const entry = ERRORS[parsed.code as ErrorCode];
    if (!entry || entry.status !== status || parsed.statusCode !== status) return `an error body off the registry (${parsed.code})`;
    return undefined;
  };
  for (let start = 0; start < bodies.length; start += CONCURRENCY) {
    const batch = bodies.slice(start, start + CONCURRENCY);
    const responses = await Promise.all(
      batch.map((body) => t.app.inject({ method, url, payload: body.payload, headers: { 'content-type': 'application/json' } })),
    );
    responses.forEach((res, i) => {
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const problem = check(batch[i], res.statusCode, res.body);
      if (problem && failures.length < 5) {
        const payload = String(batch[i].payload);
        const body = payload.length > 400 ? `${payload.slice(0, 400)}… (${payload.length} chars)` : payload;
        failures.push({ kind: batch[i].kind, status: res.statusCode, problem, body, response: res.body.slice(0, 300) });
      }
    });
  }
  return { statuses: Object.fromEntries(statuses), failures };
}

describe(`malformed bodies never get a 5xx (seed ${SEED}; rerun with PES_FUZZ_SEED=${SEED})`, () => {
  it(`POST /api/v1/policies: ${POLICY_BODIES} bodies`, { timeout: 60_000 }, async () => {
    const bodies = fc.sample(malformedBodies(policies), { numRuns: POLICY_BODIES, seed: SEED });
    const { statuses, failures } = await send('POST', '/api/v1/policies', bodies);
    expect(failures).toEqual([]);
    // The generator reaches the schema (400) and, through mutations that stay valid, creation (201).
    expect(statuses[400]).toBeGreaterThan(POLICY_BODIES / 2);
    expect((statuses[201] ?? 0) + (statuses[409] ?? 0)).toBeGreaterThan(0);
  });

  // After the policies test: every policy it created is enabled and checked by an empty applicable_policies.
  it(`POST /api/v1/validate: ${VALIDATE_BODIES} bodies`, { timeout: 120_000 }, async () => {
    const bodies = fc.sample(malformedBodies(requests), { numRuns: VALIDATE_BODIES, seed: SEED + 1 });
    const { statuses, failures } = await send('POST', '/api/v1/validate', bodies);
    expect(failures).toEqual([]);
    expect(statuses[400]).toBeGreaterThan(VALIDATE_BODIES / 2);
    expect(statuses[200]).toBeGreaterThan(0);
    expect(statuses[422]).toBeGreaterThan(0);
  });
});

describe('bodies the generator once turned into 5xx', () => {
  const deep = (depth: number) => '[{"a":'.repeat(depth) + '1' + '}]'.repeat(depth);
  const withText = (path: RegExp, replacement: string) => JSON.stringify(example).replace(path, replacement);
  it.each([
    ['a market value that overflows a double', '/api/v1/validate', withText(/"quantity":800/, '"quantity":1e308'), 422, 'PES_NOT_FINITE', '/portfolio_state'],
    ['a decision field nested 10,000 deep (JSONB cannot store it)', '/api/v1/validate', withText(/"portfolio_id":"fund-a",/, `"portfolio_id":"fund-a","extra":${deep(10_000)},`), 400, 'PES_INVALID_REQUEST', '/decision/extra' + '/0/a'.repeat(31) + '/0'],
    ['a lone surrogate in a symbol (JSONB refuses it)', '/api/v1/validate', withText(/"symbol":"AAPL","side"/, '"symbol":"\\ud800","side"'), 400, 'PES_INVALID_REQUEST', '/decision/trades/0/symbol'],
    ['a lone surrogate in a group name', '/api/v1/validate', withText(/"Technology","country"/, '"Tech\\udc00","country"'), 400, 'PES_INVALID_REQUEST', '/portfolio_state/positions/0/sector'],
    ['a symbol list nested 5,000 deep (uniqueItems hashing recursed)', '/api/v1/policies', `{"policy_name":"p","policy_type":"POSITION_LIMIT","rules":{"max_weight":0.1,"symbols":[${deep(5_000)}]}}`, 400, 'PES_INVALID_RULES', '/rules/symbols/0'],
    ['a lone surrogate in a policy rule', '/api/v1/policies', '{"policy_name":"q","policy_type":"POSITION_LIMIT","rules":{"max_weight":0.1,"symbols":["\\ud83d"]}}', 400, 'PES_INVALID_RULES', '/rules/symbols/0'],
  ])('%s', async (_name, url, payload, status, code, path) => {
    const res = await t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ statusCode: status, code });
    expect(res.json().details[0].path).toBe(path);
  });
});
