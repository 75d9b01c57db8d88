import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeHeadroom } from '../../src/adjust/headroom.js';
import { evaluateRequest } from '../../src/engine/evaluate.js';
import { ServiceError } from '../../src/errors.js';
import { compilePolicySet, type CompiledPolicySet } from '../../src/policies/compile.js';
import { toPolicyDefinition } from '../../src/policies/validate-definition.js';
import type { HeadroomRequest } from '../../src/schemas/headroom.js';
import { caseArbitrary } from '../property/policy-arbitrary.js';
import { solverScaleRequestArbitrary } from '../property/request-arbitrary.js';
import { probeSupported } from '../property/supported.js';

/** PES_PROPERTY_RUNS sets the count (default 500); PES_PROPERTY_SEED replays a failure's seed. */
const RUNS = Number(process.env.PES_PROPERTY_RUNS ?? 500);
const SEED = process.env.PES_PROPERTY_SEED ? { seed: Number(process.env.PES_PROPERTY_SEED) } : {};
const supported = probeSupported();

/** The engine's verdict on trading `quantity` of one symbol alone, or undefined if it rejects the request (422). */
function compliant(request: HeadroomRequest, set: CompiledPolicySet, symbol: string, quantity: number): boolean | undefined {
  const trades = quantity > 0 ? [{ symbol, side: request.side, quantity }] : [];
  try {
    const decision = { decision_id: 'headroom-check', trades };
    return evaluateRequest({ decision, portfolio_state: request.portfolio_state, applicable_policies: request.applicable_policies }, set).response.is_compliant;
  } catch (error) {
    if (error instanceof ServiceError) return undefined;
    throw error;
  }
}

describe('POST /api/v1/headroom, as computed in the worker', () => {
  it(`on ${RUNS} random portfolios and policy sets: the quantity passes the engine and one lot more does not`, { timeout: Math.max(60_000, RUNS * 200) }, async () => {
    const tally = { rejected: 0, sized: 0, unlimited: 0, blockedBefore: 0, bound: 0 };
    await fc.assert(
      fc.asyncProperty(caseArbitrary(solverScaleRequestArbitrary, supported), fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'), async ({ request, policies }, side) => {
        const state = request.portfolio_state;
        const priced = [...state.positions.filter((p) => p.price !== undefined).map((p) => p.symbol), ...Object.keys(state.instruments ?? {}).filter((s) => state.instruments![s].price !== undefined)];
        const symbols = [...new Set(priced)].slice(0, 2);
        if (symbols.length === 0) return;
        const set = compilePolicySet(1, policies.map((p) => toPolicyDefinition(p)));
        const headroomRequest: HeadroomRequest = { portfolio_state: state, symbols, side, applicable_policies: request.applicable_policies };
        let result;
        try {
          result = await computeHeadroom(headroomRequest, set);
        } catch (error) {
          if (error instanceof ServiceError) return void tally.rejected++;
          throw error;
        }
        if (compliant(headroomRequest, set, symbols[0], 0) !== true) {
          // Not even holding still passes (missing data): nothing can be traded.
          tally.blockedBefore++;
          expect(result.headroom.every((h) => h.quantity === 0)).toBe(true);
          return;
        }
        for (const h of result.headroom) {
          if (h.quantity === null) {
            tally.unlimited++;
            expect(h.binding_policy).toBeNull();
            continue;
          }
          tally.sized++;
          expect(compliant(headroomRequest, set, h.symbol, h.quantity)).toBe(true);
          expect(compliant(headroomRequest, set, h.symbol, Number.parseFloat((h.quantity + h.lot_size).toPrecision(15)))).not.toBe(true);
          if (h.binding_policy !== null) {
            tally.bound++;
            expect(result.policies_checked).toContain(h.binding_policy);
          }
        }
      }),
      { numRuns: RUNS, ...SEED },
    );
    expect(tally.sized).toBeGreaterThan(RUNS * 0.3);
    expect(tally.bound).toBeGreaterThan(tally.sized * 0.5);
    console.log('headroom property', tally);
  });
});
