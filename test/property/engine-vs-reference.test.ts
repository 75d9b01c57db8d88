import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toPolicyDefinition } from '../../src/policies/validate-definition.js';
import { expectAgreement } from './agreement.js';
import { runEngine, runReference } from './outcomes.js';
import { caseArbitrary } from './policy-arbitrary.js';
import { requestArbitrary } from './request-arbitrary.js';
import { probeSupported } from './supported.js';

/**
 * PES_PROPERTY_RUNS sets how many random portfolios the property draws (default 1,000);
 * PES_PROPERTY_SEED replays the seed a failure printed.
 */
const RUNS = Number(process.env.PES_PROPERTY_RUNS ?? 1000);
const SEED = process.env.PES_PROPERTY_SEED ? { seed: Number(process.env.PES_PROPERTY_SEED) } : {};
const supported = probeSupported();

describe('the engine agrees with the reference evaluator (contract sections 1–6)', () => {
  it(`on ${RUNS} random portfolios, trades and policy sets`, { timeout: Math.max(30_000, RUNS * 30) }, () => {
    const tally = { evaluated: 0, rejected: 0, violations: 0, passive: 0 };
    fc.assert(
      fc.property(caseArbitrary(requestArbitrary, supported), ({ request, policies }) => {
        const definitions = policies.map((p) => toPolicyDefinition(p));
        const engine = runEngine(request, definitions);
        const reference = runReference(request, definitions);
        expectAgreement(engine, reference);
        if (engine.ok) {
          tally.evaluated++;
          tally.violations += engine.response.violations.length;
          tally.passive += reference.ok ? reference.result.passive.length : 0;
        } else {
          tally.rejected++;
        }
      }),
      { numRuns: RUNS, ...SEED },
    );
    // The generator must exercise both outcomes: mostly evaluations, some impossible requests.
    expect(tally.evaluated).toBeGreaterThan(RUNS * 0.6);
    expect(tally.rejected).toBeGreaterThan(0);
    expect(tally.violations).toBeGreaterThan(0);
    expect(tally.passive).toBeGreaterThan(0);
  });
});
