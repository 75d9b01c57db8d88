import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyDefinition } from '../../src/schemas/policy.js';
import { ValidationResponse, type ValidationRequest } from '../../src/schemas/validation.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { undeclaredProperties } from '../support/undeclared.js';
import { runEngine } from './outcomes.js';
import { caseArbitrary } from './policy-arbitrary.js';
import { requestArbitrary } from './request-arbitrary.js';
import { probeSupported } from './supported.js';

/**
 * The service (HTTP → worker pool → engine → audit store) answers exactly as the engine does when
 * called directly, on a few hundred random requests against a stored set of random policies
 * (the workers run dist/: build first).
 * PES_PROPERTY_RUNS scales the count (default 1,000 → 300 requests here); PES_PROPERTY_SEED
 * replays the seed a failure printed.
 */
const RUNS = Math.ceil(Number(process.env.PES_PROPERTY_RUNS ?? 1000) * 0.3);
const SEED = process.env.PES_PROPERTY_SEED ? { seed: Number(process.env.PES_PROPERTY_SEED) } : {};
const supported = probeSupported();

let t: TestApp;
let definitions: PolicyDefinition[];

beforeAll(async () => {
  t = await startTestApp();
  // Forty-odd random policies of every supported type, stored through the API; one disabled.
  const drafts = fc.sample(caseArbitrary(requestArbitrary, supported), { numRuns: 15, seed: 20_240_601 }).flatMap((c) => c.policies);
  for (const [i, policy] of drafts.entries()) {
    const body = { ...policy, policy_name: `random_${i}`, enabled: i === 0 ? false : policy.enabled };
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/policies', payload: body });
    expect(res.statusCode, res.body).toBe(201);
  }
  definitions = (await t.app.inject({ method: 'GET', url: '/api/v1/policies' })).json();
});
afterAll(() => t?.close());

/** What the adjustment solver adds (section 7) is not the engine's to compare. */
function withoutAdjustments(body: ValidationResponse): Omit<ValidationResponse, 'adjusted_trades' | 'recommendations'> {
  const { adjusted_trades: _trades, recommendations: _notes, ...rest } = body;
  return { ...rest, violations: rest.violations.map(({ suggested_adjustment: _adjustment, ...v }) => v) };
}

/** `part` appears in `whole` in the same order, perhaps with other items between. */
function isSubsequence(part: string[], whole: string[]): boolean {
  let next = 0;
  for (const item of whole) if (item === part[next]) next++;
  return next === part.length;
}

describe('POST /api/v1/validate agrees with the engine', () => {
  it(`on ${RUNS} random requests through the worker pool`, { timeout: Math.max(30_000, RUNS * 100) }, async () => {
    const names = definitions.map((d) => d.policy_name);
    const applicable = fc.oneof(
      { weight: 2, arbitrary: fc.constant([] as string[]) },
      { weight: 8, arbitrary: fc.shuffledSubarray(names, { minLength: 1, maxLength: 6 }) },
      { weight: 1, arbitrary: fc.shuffledSubarray(names, { maxLength: 3 }).map((list) => [...list, 'no_such_policy']) },
    );
    const outcomes = { ok: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(requestArbitrary, applicable, async (draft, applicable_policies) => {
        const request: ValidationRequest = { ...draft, applicable_policies };
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: request });
        const engine = runEngine(request, definitions);
        if (!engine.ok) {
          outcomes.rejected++;
          expect(res.statusCode, res.body).toBe(engine.status);
          const { code, message, details } = res.json();
          expect({ code, message, details }).toEqual({ code: engine.code, message: engine.message, details: engine.details });
          return;
        }
        outcomes.ok++;
        expect(res.statusCode, res.body).toBe(200);
        const body: ValidationResponse = res.json();
        expect(undeclaredProperties(ValidationResponse, body)).toEqual([]);
        // The caller sees JSON, where -0 is written as 0.
        expect(withoutAdjustments(body)).toEqual(withoutAdjustments(JSON.parse(JSON.stringify(engine.response))));
        // The solver may add its own notes to a blocked decision; the engine's all stay, in order.
        if (body.is_compliant) expect(body.recommendations).toEqual(engine.response.recommendations);
        else expect(isSubsequence(engine.response.recommendations, body.recommendations), JSON.stringify(body.recommendations)).toBe(true);
      }),
      { numRuns: RUNS, ...SEED },
    );
    expect(outcomes.ok).toBeGreaterThan(RUNS / 2);
    expect(outcomes.rejected).toBeGreaterThan(0);
  });
});
