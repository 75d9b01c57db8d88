import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LinearProgram } from '../../src/adjust/program.js';
import { glpkSolver, loadGlpk } from '../../src/adjust/solvers/glpk.js';
import { highsSolver, loadHighs, solveHighsText } from '../../src/adjust/solvers/highs.js';
import { toLpText } from '../../src/adjust/solvers/lp-text.js';
import { isSingleRow, singleRowSolver } from '../../src/adjust/solvers/single-row.js';
import type { SolveResult } from '../../src/adjust/solvers/solver.js';

const RUNS = Number(process.env.PES_PROPERTY_RUNS ?? 500);
const SEED = process.env.PES_PROPERTY_SEED ? { seed: Number(process.env.PES_PROPERTY_SEED) } : {};

/** Model-like coefficients: often zero, else quarters or doubles to six decimals (the models' rows are scaled to O(1)). */
const coefficient = fc.oneof(
  fc.constant(0),
  fc.constant(0),
  fc.integer({ min: -20, max: 20 }).map((v) => v / 4),
  fc.double({ min: -3, max: 3, noNaN: true }).map((v) => Math.round(v * 1e6) / 1e6),
);

/**
 * A random programme feasible by construction: rows are built around A·x₀ for a point x₀ inside
 * the box (integral where the column is), with random one- or two-sided slack, and every column
 * boxed, so an optimum exists.
 */
const feasibleProgram: fc.Arbitrary<LinearProgram> = fc
  .record({ cols: fc.integer({ min: 1, max: 25 }), rows: fc.integer({ min: 0, max: 15 }), integers: fc.boolean() })
  .chain(({ cols, rows, integers }) =>
    fc.record({
      cost: fc.array(coefficient, { minLength: cols, maxLength: cols }),
      box: fc.array(fc.tuple(fc.integer({ min: -10, max: 0 }), fc.integer({ min: 0, max: 10 }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: cols, maxLength: cols }),
      integer: fc.array(fc.boolean(), { minLength: cols, maxLength: cols }).map((flags) => flags.map((f) => integers && f)),
      matrix: fc.array(fc.array(coefficient, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows }),
      slack: fc.array(fc.tuple(fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 500 }).map((v) => v / 100)), fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 500 }).map((v) => v / 100))), { minLength: rows, maxLength: rows }),
    }),
  )
  .map(({ cost, box, integer, matrix, slack }) => {
    const x0 = box.map(([lo, hi, t], j) => (integer[j] ? Math.round(lo + t * (hi - lo)) : lo + t * (hi - lo)));
    const starts = [0];
    const indices: number[] = [];
    const values: number[] = [];
    const lower: number[] = [];
    const upper: number[] = [];
    matrix.forEach((row, r) => {
      let activity = 0;
      row.forEach((v, j) => {
        if (v === 0) return;
        indices.push(j);
        values.push(v);
        activity += v * x0[j];
      });
      starts.push(indices.length);
      // A hair of room past A·x₀: with no slack at a corner of the box, the one feasible point
      // lies at the rounding of the row's activity, and GLPK called such a programme infeasible
      // (1.75·x₁ − 0.000005·x₅ ≤ −17.500015 with x₁ ≥ −10, x₅ ≤ 3; seed −284798012).
      const room = 1e-9 * (1 + Math.abs(activity));
      lower.push(activity - slack[r][0] - room);
      upper.push(activity + slack[r][1] + room);
    });
    // Scaled to a largest cost of 1, as reduce() scales the service's programmes: a lone cost of
    // 1e-6 sits at the solvers' dual tolerance (1e-7), where GLPK stops short (seed 983562405).
    const largestCost = cost.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    return {
      numCols: cost.length,
      numRows: matrix.length,
      colCost: Float64Array.from(cost, (v) => (largestCost > 0 ? v / largestCost : v)),
      colLower: Float64Array.from(box, ([lo]) => lo),
      colUpper: Float64Array.from(box, ([, hi]) => hi),
      integer: Uint8Array.from(integer, (f) => (f ? 1 : 0)),
      lower: Float64Array.from(lower),
      upper: Float64Array.from(upper),
      starts: Int32Array.from(starts),
      indices: Int32Array.from(indices),
      values: Float64Array.from(values),
      offset: 0,
    };
  });

const solveOnce = (solver: { open(lp: LinearProgram): { solve(): SolveResult; close(): void } }, lp: LinearProgram) => {
  const session = solver.open(lp);
  try {
    return session.solve();
  } finally {
    session.close();
  }
};

/** How far x leaves its worst row, relative to the bound (1 + |bound|, as GLPK measures it). */
function rowExcess(lp: LinearProgram, x: Float64Array): number {
  let worst = 0;
  for (let r = 0; r < lp.numRows; r++) {
    let activity = 0;
    for (let k = lp.starts[r]; k < lp.starts[r + 1]; k++) activity += lp.values[k] * x[lp.indices[k]];
    if (Number.isFinite(lp.lower[r])) worst = Math.max(worst, (lp.lower[r] - activity) / (1 + Math.abs(lp.lower[r])));
    if (Number.isFinite(lp.upper[r])) worst = Math.max(worst, (activity - lp.upper[r]) / (1 + Math.abs(lp.upper[r])));
  }
  return worst;
}

describe('HiGHS and GLPK on the same programmes', () => {
  it(`agree on the optimum of ${RUNS} random feasible LPs and MIPs (model API, LP text and glpk.js)`, { timeout: 120_000 }, async () => {
    const highs = await loadHighs();
    // Without the service's 1 s MIP limit: a 22-column MIP took HiGHS 0.2–0.9 s alone (GLPK 11 ms),
    // so with tests running beside it it stopped at a feasible point (seed 15394448).
    const limits = { lpSeconds: 60, mipSeconds: 60 };
    const model = highsSolver(highs, limits);
    const glpk = glpkSolver(await loadGlpk());
    let mixed = 0;
    let explained = 0;
    fc.assert(
      fc.property(feasibleProgram, (lp) => {
        const a = solveOnce(model, lp);
        const b = solveOnce(glpk, lp);
        expect(a.status).toBe('optimal');
        expect(b.status).toBe('optimal');
        const mixedInteger = lp.integer.some((f) => f);
        const scale = 1 + Math.abs(a.objective!);
        const tolerance = 1e-6 * scale;
        expect(rowExcess(lp, a.x!)).toBeLessThanOrEqual(1e-9);
        // GLPK, the second solver, is never worse than HiGHS beyond its tolerances. On a MIP its
        // presolve (glpk.js always runs it there) may settle up to 1e-5 short: 2.4e-6 of 1, a column
        // costing 1.2e-5 left at 0 that GLPK sets right when the same programme is an LP (seed -545793348).
        expect(b.objective!).toBeLessThanOrEqual(a.objective! + (mixedInteger ? 10 : 1) * tolerance);
        if (a.objective! > b.objective! + tolerance) {
          explained++;
          // GLPK keeps rows to 1e-7 of 1 + |bound| (glpk.js cannot tighten it): a point that far
          // outside a row may beat HiGHS's (3 of 12,000 random MIPs left one). Otherwise HiGHS's MIP presolve
          // returned a worse point as optimal, a known defect (ERGO-Code/HiGHS#3043, #3073, #3094):
          // without presolve the same text must reach GLPK's optimum, so our translation is right.
          if (rowExcess(lp, b.x!) <= 1e-9) {
            expect(mixedInteger).toBe(true);
            const unpresolved = solveHighsText(highs, toLpText(lp), lp.numCols, { mixedInteger, presolve: 'off', limits });
            expect(Math.abs(unpresolved.objective! - b.objective!)).toBeLessThanOrEqual(tolerance);
          }
        }
        if (mixedInteger) mixed++;
        else {
          const text = solveHighsText(highs, toLpText(lp), lp.numCols, { limits });
          expect(text.status).toBe('optimal');
          expect(Math.abs(text.objective! - a.objective!)).toBeLessThanOrEqual(1e-7 * scale);
        }
      }),
      { numRuns: RUNS, ...SEED },
    );
    expect(mixed).toBeGreaterThan(RUNS * 0.2);
    // Both explanations are rare; a wrong translation would not be.
    expect(explained).toBeLessThanOrEqual(Math.ceil(RUNS / 100));
  });

  it('LP text runs with the model API\'s tolerances: a lone cost of 1e-6 reaches the same optimum (seed 983562405)', async () => {
    const highs = await loadHighs();
    // min −1e-6·x4 s.t. 0.5·x0 − 1.125·x1 − 2.75·x4 ≥ −1.4, 1.5·x4 ≤ 0.75·x1, 0 ≤ x0 ≤ 2, x1 ≤ 7, x4 ≤ 1: x4 = 0.48.
    const lp: LinearProgram = {
      numCols: 5, numRows: 2, colCost: Float64Array.of(0, 0, 0, 0, -1e-6), offset: 0, integer: new Uint8Array(5),
      colLower: new Float64Array(5), colUpper: Float64Array.of(2, 7, 0, 0, 1),
      lower: Float64Array.of(-1.4, -Infinity), upper: Float64Array.of(Infinity, 0),
      starts: Int32Array.of(0, 3, 5), indices: Int32Array.of(0, 1, 4, 1, 4), values: Float64Array.of(0.5, -1.125, -2.75, -0.75, 1.5),
    };
    const text = solveHighsText(highs, toLpText(lp), lp.numCols);
    expect(text.objective).toBeCloseTo(-4.8e-7, 15);
    expect(solveOnce(highsSolver(highs), lp).objective).toBeCloseTo(-4.8e-7, 15);
  });

  const box = (lower: number, upper: number) => ({ colLower: Float64Array.of(lower), colUpper: Float64Array.of(upper) });
  const oneRow = (lower: number, upper: number): Omit<LinearProgram, 'colLower' | 'colUpper'> => ({
    numCols: 1, numRows: 1, colCost: Float64Array.of(-1), integer: Uint8Array.of(0), offset: 0,
    lower: Float64Array.of(lower), upper: Float64Array.of(upper), starts: Int32Array.of(0, 1), indices: Int32Array.of(0), values: Float64Array.of(1),
  });

  it('both report an infeasible programme as infeasible (x ≤ 1, x ≥ 2)', async () => {
    const lp = { ...oneRow(2, Infinity), ...box(-Infinity, 1) };
    expect(solveOnce(highsSolver(await loadHighs()), lp).status).toBe('infeasible');
    expect(solveOnce(glpkSolver(await loadGlpk()), lp).status).toBe('infeasible');
  });

  it('both report an unbounded programme as unbounded (max x, x ≥ 0)', async () => {
    const lp = { ...oneRow(0, Infinity), ...box(0, Infinity) };
    expect(solveOnce(highsSolver(await loadHighs()), lp).status).toBe('unbounded');
    expect(solveOnce(glpkSolver(await loadGlpk()), lp).status).toBe('unbounded');
  });
});

describe('HiGHS instances kept between programmes', () => {
  const box = (lower: number, upper: number) => ({ colLower: Float64Array.of(lower), colUpper: Float64Array.of(upper) });
  // max x subject to lower ≤ x ≤ upper (a row) and the box: optimum x = min(upper, box).
  const program = (rowLower: number, rowUpper: number, colUpper: number): LinearProgram => ({
    numCols: 1, numRows: 1, colCost: Float64Array.of(-1), integer: Uint8Array.of(0), offset: 0,
    lower: Float64Array.of(rowLower), upper: Float64Array.of(rowUpper), starts: Int32Array.of(0, 1), indices: Int32Array.of(0), values: Float64Array.of(1),
    ...box(0, colUpper),
  });

  it('time each programme from zero: thousands of solves in all outlast a short time limit', async () => {
    // With the clocks left running across programmes, every solve after the first 0.05 s stopped
    // at the limit. A lone solve may still meet it when the machine takes the core away from the
    // test for 50 ms (seen in CI), so a handful of those is allowed, and nothing else.
    const highs = await loadHighs();
    const solver = highsSolver(highs, { lpSeconds: 0.05, mipSeconds: 0.05 });
    const atTimeLimit = `HiGHS model status ${highs.constants.modelStatus.timeLimit}`;
    const started = performance.now();
    let solves = 0;
    let stoppedAtLimit = 0;
    while (performance.now() - started < 500 || solves < 2_000) {
      const result = solveOnce(solver, program(0, 5, 3 + (solves % 4)));
      if (result.status === 'failed' && result.detail === atTimeLimit) stoppedAtLimit++;
      else {
        expect(result.status).toBe('optimal');
        expect(result.objective).toBeCloseTo(-Math.min(5, 3 + (solves % 4)), 9);
      }
      solves++;
    }
    expect(stoppedAtLimit).toBeLessThanOrEqual(Math.max(3, solves / 200));
  });

  it('carry nothing from one programme to the next, and give a second open session its own instance', async () => {
    const solver = highsSolver(await loadHighs());
    expect(solveOnce(solver, program(2, Infinity, 1)).status).toBe('infeasible');
    expect(solveOnce(solver, program(0, 7, 10)).objective).toBeCloseTo(-7, 9);
    const first = solver.open(program(0, 4, 10));
    const second = solver.open(program(0, 9, 10));
    try {
      expect(second.solve().objective).toBeCloseTo(-9, 9);
      expect(first.solve().objective).toBeCloseTo(-4, 9);
    } finally {
      first.close();
      second.close();
    }
    expect(solveOnce(solver, program(0, 2, 10)).objective).toBeCloseTo(-2, 9);
  });
});

describe('the single-row solver', () => {
  /** One row over 1–25 boxed continuous columns; its bounds may be one- or two-sided, and infeasible. */
  const singleRowProgram: fc.Arbitrary<LinearProgram> = fc
    .integer({ min: 1, max: 25 })
    .chain((cols) =>
      fc.record({
        cost: fc.array(coefficient, { minLength: cols, maxLength: cols }),
        box: fc.array(fc.tuple(fc.integer({ min: -10, max: 0 }), fc.integer({ min: 0, max: 10 })), { minLength: cols, maxLength: cols }),
        row: fc.array(coefficient, { minLength: cols, maxLength: cols }),
        lower: fc.oneof(fc.constant(-Infinity), fc.integer({ min: -4000, max: 4000 }).map((v) => v / 100)),
        width: fc.oneof(fc.constant(Infinity), fc.constant(0), fc.integer({ min: 0, max: 2000 }).map((v) => v / 100)),
      }),
    )
    .map(({ cost, box, row, lower, width }) => {
      const columns = row.flatMap((v, j) => (v === 0 ? [] : [j]));
      const largestCost = cost.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      return {
        numCols: cost.length,
        numRows: 1,
        colCost: Float64Array.from(cost, (v) => (largestCost > 0 ? v / largestCost : v)),
        colLower: Float64Array.from(box, ([lo]) => lo),
        colUpper: Float64Array.from(box, ([, hi]) => hi),
        integer: new Uint8Array(cost.length),
        lower: Float64Array.of(lower),
        // Without a lower bound the width sets the upper one: −10 up to 10.
        upper: Float64Array.of(lower > -Infinity ? lower + width : width === Infinity ? 0 : width - 10),
        starts: Int32Array.of(0, columns.length),
        indices: Int32Array.from(columns),
        values: Float64Array.from(columns, (j) => row[j]),
        offset: 0,
      };
    });

  it(`reaches HiGHS's and GLPK's optimum, or their infeasible, on ${RUNS * 4} random one-row programmes`, { timeout: 120_000 }, async () => {
    const highs = highsSolver(await loadHighs());
    const glpk = glpkSolver(await loadGlpk());
    const tally = { optimal: 0, moved: 0, infeasible: 0 };
    fc.assert(
      fc.property(singleRowProgram, (lp) => {
        expect(isSingleRow(lp)).toBe(true);
        const ours = solveOnce(singleRowSolver, lp);
        const reference = solveOnce(highs, lp);
        const second = solveOnce(glpk, lp);
        expect(ours.status).toBe(reference.status);
        expect(second.status).toBe(reference.status);
        if (ours.status !== 'optimal') return void tally.infeasible++;
        tally.optimal++;
        const x = ours.x!;
        for (let j = 0; j < lp.numCols; j++) {
          expect(x[j]).toBeGreaterThanOrEqual(lp.colLower[j]);
          expect(x[j]).toBeLessThanOrEqual(lp.colUpper[j]);
        }
        expect(rowExcess(lp, x)).toBeLessThanOrEqual(1e-10);
        const scale = 1 + Math.abs(reference.objective!);
        expect(Math.abs(ours.objective! - reference.objective!)).toBeLessThanOrEqual(1e-9 * scale);
        // GLPK stops once no reduced cost beats its dual tolerance (tol_dj 1e-7, relative to 1 + |cⱼ|):
        // on a cost that small it may stop short of the optimum by up to that much per unit of each box.
        const glpkDualSlack = lp.colCost.reduce((sum, c, j) => sum + 1e-7 * (1 + Math.abs(c)) * (lp.colUpper[j] - lp.colLower[j]), 0);
        expect(Math.abs(ours.objective! - second.objective!)).toBeLessThanOrEqual(1e-6 * scale + glpkDualSlack);
        // The row bound the box's cheapest corner: the knapsack moved columns.
        const cheapest = Array.from(lp.colCost, (c, j) => (c < 0 ? lp.colUpper[j] : lp.colLower[j]));
        if (cheapest.some((v, j) => lp.colCost[j] !== 0 && v !== x[j])) tally.moved++;
      }),
      { numRuns: RUNS * 4, ...SEED },
    );
    // The generator reaches every case: optimal at the cheapest corner, optimal after moving, infeasible.
    console.log('single-row solver', tally);
    expect(tally.moved).toBeGreaterThan(RUNS * 0.2);
    expect(tally.optimal - tally.moved).toBeGreaterThan(RUNS * 0.2);
    expect(tally.infeasible).toBeGreaterThan(RUNS * 0.2);
  });

  it('takes only one row over boxed continuous columns', () => {
    const lp: LinearProgram = {
      numCols: 1, numRows: 1, colCost: Float64Array.of(-1), integer: Uint8Array.of(0), offset: 0, colLower: Float64Array.of(0), colUpper: Float64Array.of(1),
      lower: Float64Array.of(0), upper: Float64Array.of(0.5), starts: Int32Array.of(0, 1), indices: Int32Array.of(0), values: Float64Array.of(1),
    };
    expect(isSingleRow(lp)).toBe(true);
    expect(solveOnce(singleRowSolver, lp)).toEqual({ status: 'optimal', x: Float64Array.of(0.5), objective: -0.5 });
    expect(isSingleRow({ ...lp, integer: Uint8Array.of(1) })).toBe(false);
    expect(isSingleRow({ ...lp, colUpper: Float64Array.of(Infinity) })).toBe(false);
    expect(isSingleRow({ ...lp, numRows: 2, lower: Float64Array.of(0, 0), upper: Float64Array.of(1, 1), starts: Int32Array.of(0, 1, 1) })).toBe(false);
    expect(() => singleRowSolver.open({ ...lp, numRows: 0, starts: Int32Array.of(0) })).toThrow(/one row/);
    // A bound on the wrong side at infinity is no bound a point can meet.
    expect(solveOnce(singleRowSolver, { ...lp, lower: Float64Array.of(-Infinity), upper: Float64Array.of(-Infinity) }).status).toBe('infeasible');
    expect(solveOnce(singleRowSolver, { ...lp, lower: Float64Array.of(Infinity), upper: Float64Array.of(Infinity) }).status).toBe('infeasible');
    // The offset counts in the objective; a row 1e-9 out of reach is infeasible (HiGHS's 1e-10 here), 1e-11 is not.
    expect(solveOnce(singleRowSolver, { ...lp, offset: 2 }).objective).toBe(1.5);
    expect(solveOnce(singleRowSolver, { ...lp, lower: Float64Array.of(1 + 1e-9), upper: Float64Array.of(Infinity) }).status).toBe('infeasible');
    expect(solveOnce(singleRowSolver, { ...lp, lower: Float64Array.of(1 + 1e-11), upper: Float64Array.of(Infinity) }).status).toBe('optimal');
  });
});
