import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adjustedTrades, proposedTrades } from '../../src/adjust/trades.js';
import { resizedResponder, revalidate } from '../../src/adjust/verify.js';
import { compilePolicySet } from '../../src/policies/compile.js';
import { toPolicyDefinition } from '../../src/policies/validate-definition.js';
import { caseArbitrary } from '../property/policy-arbitrary.js';
import { requestArbitrary } from '../property/request-arbitrary.js';
import { probeSupported } from '../property/supported.js';
import { evaluateOrRefused } from './support.js';

/**
 * The adjustment checks resized trades against the original request's columns; that shortcut
 * must give exactly the response a fresh evaluation of the rewritten decision gives.
 */
const RUNS = Number(process.env.PES_PROPERTY_RUNS ?? 500);
const SEED = process.env.PES_PROPERTY_SEED ? { seed: Number(process.env.PES_PROPERTY_SEED) } : {};
const supported = probeSupported();

describe('resized trades judged on the original columns', () => {
  it(`give the fresh evaluation's response, on ${RUNS} random cases`, { timeout: Math.max(60_000, RUNS * 100) }, () => {
    let compared = 0;
    fc.assert(
      fc.property(caseArbitrary(requestArbitrary, supported), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }), ({ request, policies }, fractions) => {
        const set = compilePolicySet(1, policies.map((p) => toPolicyDefinition(p)));
        const evaluation = evaluateOrRefused(request, set);
        if (!evaluation) return;
        const trades = proposedTrades(request, evaluation.portfolio);
        const respond = resizedResponder(request, set, evaluation, trades);
        // Each trade shrunk by a drawn fraction (whole trades, halves, tiny remnants, zero).
        const quantities = trades.map((t, c) => t.quantity * [1, 0.5, 0, fractions[c % fractions.length]][c % 4]);
        expect(respond(quantities)).toEqual(revalidate(request, set, adjustedTrades(trades, quantities)));
        // Every trade kept, at drawn sizes: the shortcut's own ground (tiny remnants included).
        const kept = trades.map((t, c) => t.quantity * Math.max(fractions[c % fractions.length], 1e-9));
        expect(respond(kept)).toEqual(revalidate(request, set, adjustedTrades(trades, kept)));
        const whole = trades.map((t) => t.quantity);
        expect(respond(whole)).toEqual(revalidate(request, set, adjustedTrades(trades, whole)));
        compared++;
      }),
      { numRuns: RUNS, ...SEED },
    );
    expect(compared).toBeGreaterThan(RUNS / 4);
  });
});
