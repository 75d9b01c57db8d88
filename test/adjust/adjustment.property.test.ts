import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adjustDecision } from '../../src/adjust/adjust.js';
import { applyAdjustment } from '../../src/adjust/explain.js';
import { CONE_TOLERANCE } from '../../src/adjust/solve.js';
import { adjustedTrades } from '../../src/adjust/trades.js';
import { isCompliant, withTrades } from '../../src/adjust/verify.js';
import { evaluateRequest, type Evaluation } from '../../src/engine/evaluate.js';
import { compilePolicySet, type CompiledPolicySet } from '../../src/policies/compile.js';
import { toPolicyDefinition } from '../../src/policies/validate-definition.js';
import type { ValidationRequest } from '../../src/schemas/validation.js';
import { caseArbitrary } from '../property/policy-arbitrary.js';
import { solverScaleRequestArbitrary } from '../property/request-arbitrary.js';
import { probeSupported } from '../property/supported.js';
import { evaluateOrRefused } from './support.js';

/**
 * Section 7 on random portfolios, trades and policy sets (the engine property tests' generators:
 * limits drawn at and around the portfolio's own values). PES_PROPERTY_RUNS sets the count
 * (default 500); PES_PROPERTY_SEED replays a failure's seed.
 */
const RUNS = Number(process.env.PES_PROPERTY_RUNS ?? 500);
const SEED = process.env.PES_PROPERTY_SEED ? { seed: Number(process.env.PES_PROPERTY_SEED) } : {};
const supported = probeSupported();
/** Single-trade decisions up to this many lots are also solved by brute force against the engine. */
const BRUTE_FORCE_LOTS = 2000;

/**
 * The largest compliant quantity of a single trade among those it may take: the proposed one,
 * whole lots toward zero, or closing the position; scanned from the largest.
 */
function bruteForce(request: ValidationRequest, set: CompiledPolicySet, evaluation: Evaluation, adjustment: Awaited<ReturnType<typeof adjustDecision>>): number | undefined {
  const [trade] = adjustment.trades;
  const lots = Math.floor(Math.abs(trade.quantity) / trade.lot + 1e-9);
  if (lots > BRUTE_FORCE_LOTS) return undefined;
  const sign = Math.sign(trade.quantity);
  const candidates = [trade.quantity, ...Array.from({ length: lots + 1 }, (_, k) => sign * (lots - k) * trade.lot)];
  const close = -evaluation.portfolio.preQty[trade.slot];
  if (close * sign > 0 && Math.abs(close) < Math.abs(trade.quantity)) candidates.push(close);
  candidates.sort((a, b) => Math.abs(b) - Math.abs(a));
  return candidates.find((q) => isCompliant(request, set, adjustedTrades(adjustment.trades, [q])));
}

describe('suggested adjustments (contract section 7)', () => {
  it(`on ${RUNS} random portfolios, policy sets and trades`, { timeout: Math.max(60_000, RUNS * 200) }, async () => {
    const tally = { rejected: 0, compliant: 0, adjusted: 0, none: 0, agreed: 0, glpkLoose: 0, glpkLots: 0, bruteForced: 0, closest: 0, scaledCovered: 0 };
    await fc.assert(
      fc.asyncProperty(caseArbitrary(solverScaleRequestArbitrary, supported), async ({ request, policies }) => {
        const set = compilePolicySet(1, policies.map((p) => toPolicyDefinition(p)));
        const evaluation = evaluateOrRefused(request, set);
        if (!evaluation) return void tally.rejected++;
        if (evaluation.response.is_compliant) return void tally.compliant++;

        const highs = await adjustDecision(request, evaluation, set, { solver: 'highs' });
        const response = applyAdjustment(evaluation.response, highs);
        if (!response.adjusted_trades) {
          tally.none++;
          expect(response.recommendations.at(-1)).toMatch(/\(PES_SOLVER_(INFEASIBLE|UNBOUNDED|FAILED)\)$/);
          return;
        }
        // The invariant: re-validating adjusted_trades against the same state and policies is compliant.
        tally.adjusted++;
        expect(evaluateRequest(withTrades(request, response.adjusted_trades), set).response.is_compliant).toBe(true);
        if (highs.method === 'scaled' && highs.model.notCovered.length === 0) tally.scaledCovered++;

        // The other solver on the same model: the same optimum, and no closer compliant trades.
        const glpk = await adjustDecision(request, evaluation, set, { solver: 'glpk' });
        const nav = evaluation.portfolio.preNav;
        // A cone (hhi, volatility, VaR) counts as met within CONE_TOLERANCE of its metric, and the
        // cutting planes of each solver stop at a different point of that band. For hhi, a metric
        // within ε lets each weight move by √ε: up to √ε of NAV per trade between two optima.
        const coneSlack = highs.model.cones.length > 0 ? Math.sqrt(CONE_TOLERANCE) * nav * highs.trades.length : 0;
        if (highs.proven && glpk.proven) {
          // GLPK holds bounds to 1e-7 in scaled units: against a row whose coefficients span 1 to
          // 1e-8, a column 1.4e-8 past its box bought it an objective 108 (of 628,000) below the
          // optimum (seed 1248032839). No common optimum to compare then: only points inside the
          // boxes that the engine accepts are. (Rounding to lots removes such a sliver.)
          const point = glpk.solution?.subarray(0, glpk.trades.length);
          const inBoxes = point?.every((q, c) => q >= glpk.model.lower[c] && q <= glpk.model.upper[c]);
          if (point && (!inBoxes || !isCompliant(request, set, adjustedTrades(glpk.trades, point)))) tally.glpkLoose++;
          else {
            tally.agreed++;
            expect(Math.abs(highs.objective! - glpk.objective!)).toBeLessThanOrEqual(1e-6 * nav + coneSlack);
          }
        }
        // GLPK's lot MIP (method 'lots') has the same looseness: at seed -199643252 its lots were
        // 1.5e-4 off whole, and it reached a distance (1.74 M) that HiGHS proved the model cannot
        // (1.92 M); the engine, with its own tolerance, accepted both.
        if (glpk.status === 'adjusted' && glpk.method === 'lots') tally.glpkLots++;
        else if (glpk.status === 'adjusted') {
          // Rounding to lots may cost each trade up to a lot more with one solver than the other.
          const rounding = highs.trades.reduce((sum, t) => sum + t.lot * evaluation.portfolio.mark[t.slot], 0);
          expect(highs.distance!).toBeLessThanOrEqual(glpk.distance! + rounding + 1e-6 * nav + coneSlack);
        }

        // One trade: nothing between the suggestion and the proposed quantity passes the engine.
        if (highs.trades.length === 1) {
          const best = bruteForce(request, set, evaluation, highs);
          if (best !== undefined) {
            tally.bruteForced++;
            const ours = highs.quantities![0];
            expect(Math.abs(ours)).toBeLessThanOrEqual(Math.abs(best) + 1e-9);
            if (ours === best) tally.closest++;
          }
        }
      }),
      { numRuns: RUNS, ...SEED },
    );
    // The generator must reach the interesting cases: many adjustments, both solvers proven optimal.
    expect(tally.adjusted).toBeGreaterThan(RUNS * 0.1);
    expect(tally.agreed).toBeGreaterThan(tally.adjusted * 0.8);
    // The model answers by itself (not by the scale-back fallback) whenever it covers every policy,
    // and a single trade lands on the brute-force optimum except where the model is conservative
    // (a gross minimum keeps a position on its side of zero; limits keep half the 1e-9 tolerance).
    expect(tally.scaledCovered).toBeLessThanOrEqual(Math.ceil(tally.adjusted * 0.02));
    expect(tally.closest).toBeGreaterThanOrEqual(tally.bruteForced * 0.85);
    console.log('adjustment property', tally);
  });
});
