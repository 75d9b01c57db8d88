import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAdjustmentModel } from '../../src/adjust/adjust.js';
import { SUPPORT_TAG, type TradeModel } from '../../src/adjust/model.js';
import { CONE_TOLERANCE } from '../../src/adjust/solve.js';
import { adjustedTrades, proposedTrades } from '../../src/adjust/trades.js';
import { revalidate } from '../../src/adjust/verify.js';
import { compilePolicySet } from '../../src/policies/compile.js';
import { toPolicyDefinition } from '../../src/policies/validate-definition.js';
import { caseArbitrary } from '../property/policy-arbitrary.js';
import { solverScaleRequestArbitrary } from '../property/request-arbitrary.js';
import { probeSupported } from '../property/supported.js';
import { evaluateOrRefused } from './support.js';

/**
 * The adjustment model against the engine, away from any solver: at random resizings of the
 * decision's trades, wherever the model's rows, bounds and cones hold, the engine must find the
 * resized decision compliant. The model may be stricter than the engine (it keeps half the
 * tolerance, and some limits are conservative), never looser. The adjustment property tests
 * cannot see a model that is wrong but still leaves a compliant answer to the engine's
 * verification and its fallbacks; this test can.
 */
const RUNS = Number(process.env.PES_PROPERTY_RUNS ?? 500);
const SEED = process.env.PES_PROPERTY_SEED ? { seed: Number(process.env.PES_PROPERTY_SEED) } : {};
const POINTS = 12;

/** The model vector at trade quantities q: each auxiliary (epigraph) column at the least value its rows allow. */
function modelPoint(model: TradeModel, q: readonly number[]): Float64Array | undefined {
  const x = new Float64Array(model.columnCount);
  q.forEach((value, c) => (x[c] = value));
  for (let c = model.tradeCount; c < model.columnCount; c++) {
    if (model.integer[c]) return undefined;
    x[c] = model.lower[c];
  }
  for (const row of model.rows) {
    if (row.tag !== SUPPORT_TAG || row.defines === undefined) continue;
    // u·a + rest ≥ lower, with a > 0: u ≥ (lower − rest) / a.
    let rest = 0;
    let own = 0;
    for (let k = 0; k < row.cols.length; k++) {
      if (row.cols[k] === row.defines) own += row.coefs[k];
      else rest += row.coefs[k] * x[row.cols[k]];
    }
    x[row.defines] = Math.max(x[row.defines], (row.lower - rest) / own);
  }
  return x;
}

/** Whether the model accepts x: its column bounds, every check row and every cone. */
function modelAccepts(model: TradeModel, x: Float64Array): boolean {
  for (let c = 0; c < model.tradeCount; c++) if (x[c] < model.lower[c] || x[c] > model.upper[c]) return false;
  for (const row of model.rows) {
    if (row.tag === SUPPORT_TAG) continue;
    let activity = 0;
    for (let k = 0; k < row.cols.length; k++) activity += row.coefs[k] * x[row.cols[k]];
    if (activity < row.lower || activity > row.upper) return false;
  }
  return model.cones.every((cone) => cone.metricAt(x) <= cone.limit + CONE_TOLERANCE);
}

describe('the adjustment model', () => {
  it(`accepts no resized decision the engine rejects, on ${RUNS} random portfolios, policy sets and trades`, { timeout: 120_000 }, () => {
    const tally = { models: 0, points: 0, accepted: 0, acceptedShrunk: 0, rejected: 0 };
    fc.assert(
      fc.property(
        caseArbitrary(solverScaleRequestArbitrary, probeSupported()),
        // Per point, each trade's share of its proposed quantity: 0 (dropped), 1 (whole) or in between.
        fc.array(fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 1, max: 999 }).map((v) => v / 1000)), { minLength: 8, maxLength: 8 }), { minLength: POINTS, maxLength: POINTS }),
        ({ request, policies }, fractions) => {
          const set = compilePolicySet(1, policies.map((p) => toPolicyDefinition(p)));
          const evaluation = evaluateOrRefused(request, set);
          if (!evaluation) return;
          const trades = proposedTrades(request, evaluation.portfolio);
          const model = buildAdjustmentModel(evaluation.portfolio, trades, evaluation.policies);
          // Only a model that claims to cover every strict policy can be held to the engine.
          if (trades.length === 0 || model.impossible.length > 0 || model.notCovered.length > 0) return;
          tally.models++;
          for (const fraction of fractions) {
            const q = trades.map((t, c) => t.quantity * fraction[c % fraction.length]);
            // A decision with no trade left is not a request the engine takes, nor one without a
            // trade that alone gives its held symbol a price or an attribute (adjustDecision keeps
            // such trades at a lot or more in a second model).
            if (q.every((v) => v === 0) || trades.some((t, c) => t.carriesData && q[c] === 0)) continue;
            const x = modelPoint(model, q);
            if (!x) return;
            tally.points++;
            if (!modelAccepts(model, x)) {
              tally.rejected++;
              continue;
            }
            tally.accepted++;
            if (q.some((v, c) => v !== 0 && v !== trades[c].quantity)) tally.acceptedShrunk++;
            const response = revalidate(request, set, adjustedTrades(trades, q));
            expect(response?.is_compliant, `the model accepts ${JSON.stringify(q)}; the engine says ${JSON.stringify(response?.violations)}`).toBe(true);
          }
        },
      ),
      { numRuns: RUNS, ...SEED },
    );
    console.log('model soundness', tally);
    expect(tally.models).toBeGreaterThan(RUNS / 4);
    expect(tally.acceptedShrunk).toBeGreaterThan(RUNS / 2);
    expect(tally.rejected).toBeGreaterThan(RUNS / 2);
  });
});
