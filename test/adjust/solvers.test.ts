import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LinearProgram } from '../../src/adjust/program.js';
import { glpkSolver, loadGlpk } from '../../src/adjust/solvers/glpk.js';
import { highsSolver, loadHighs, solveHighsText } from '../../src/adjust/solvers/highs.js';
import { toLpText } from '../../src/adjust/solvers/lp-text.js';
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
      lower.push(activity - slack[r][0]);
      upper.push(activity + slack[r][1]);
    });
    return {
      numCols: cost.length,
      numRows: matrix.length,
      colCost: Float64Array.from(cost),
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

describe('HiGHS and GLPK on the same programmes', () => {
  it(`agree on the optimum of ${RUNS} random feasible LPs and MIPs (model API, LP text and glpk.js)`, { timeout: 120_000 }, async () => {
    const highs = await loadHighs();
    const model = highsSolver(highs);
    const glpk = glpkSolver(await loadGlpk());
    let mixed = 0;
    fc.assert(
      fc.property(feasibleProgram, (lp) => {
        const a = solveOnce(model, lp);
        const b = solveOnce(glpk, lp);
        expect(a.status).toBe('optimal');
        expect(b.status).toBe('optimal');
        const scale = 1 + Math.abs(a.objective!);
        expect(Math.abs(a.objective! - b.objective!)).toBeLessThanOrEqual(1e-6 * scale);
        if (lp.integer.some((f) => f)) mixed++;
        else {
          const text = solveHighsText(highs, toLpText(lp), lp.numCols);
          expect(text.status).toBe('optimal');
          expect(Math.abs(text.objective! - a.objective!)).toBeLessThanOrEqual(1e-7 * scale);
        }
      }),
      { numRuns: RUNS, ...SEED },
    );
    expect(mixed).toBeGreaterThan(RUNS * 0.2);
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
    // With the clocks left running across programmes, every solve after the first 0.05 s stopped at the limit.
    const solver = highsSolver(await loadHighs(), { lpSeconds: 0.05, mipSeconds: 0.05 });
    const started = performance.now();
    let solves = 0;
    while (performance.now() - started < 250 || solves < 1_000) {
      const result = solveOnce(solver, program(0, 5, 3 + (solves % 4)));
      expect(result.status).toBe('optimal');
      expect(result.objective).toBeCloseTo(-Math.min(5, 3 + (solves % 4)), 9);
      solves++;
    }
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
