/**
 * The adjustment solver (issue 4). Part 1: one model per size (10, 100, 1,000 traded symbols, each
 * bound by one policy of every linear type) solved by HiGHS through its model API (typed-array
 * CSR), by HiGHS through CPLEX LP text, and by glpk.js; plus the model's full vs reduced size.
 * Part 2: the whole validate path (parse, evaluate, adjust, re-validate) for a 100-symbol decision
 * on a 1,000-position portfolio, and for the HTTP benchmarks' violating requests (100 and 10,000
 * positions). Run alone: npx tsx bench/solver.bench.ts [--quick]
 */
import { Bench } from 'tinybench';
import { buildAdjustmentModel } from '../src/adjust/adjust.js';
import { reduce, type LinearProgram } from '../src/adjust/program.js';
import { glpkSolver, loadGlpk } from '../src/adjust/solvers/glpk.js';
import { highsSolver, loadHighs, solveHighsText } from '../src/adjust/solvers/highs.js';
import { toLpText } from '../src/adjust/solvers/lp-text.js';
import type { Solver } from '../src/adjust/solvers/solver.js';
import { withAdjustment } from '../src/adjust/suggest.js';
import { proposedTrades } from '../src/adjust/trades.js';
import { evaluateRequest } from '../src/engine/evaluate.js';
import { parseValidationRequest } from '../src/engine/parse-request.js';
import { compilePolicySet } from '../src/policies/compile.js';
import { DEFAULT_POLICIES } from '../src/policies/defaults.js';
import type { PolicyDefinition } from '../src/schemas/policy.js';
import type { ValidationRequest } from '../src/schemas/validation.js';
import { syntheticRequest } from '../src/synthetic-request.js';
import { REALISTIC_POLICIES } from './support/realistic-mix.js';
import { fixed, saveResult, summarise } from './support/results.js';
import type { SolverPathRow as PathRow, SolverSizeRow as SizeRow } from './support/suite-results.js';

const quick = process.argv.includes('--quick') || process.env.PES_BENCH_QUICK === '1';
const bench = () => new Bench({ time: quick ? 150 : 1000, warmupTime: quick ? 50 : 200 });

const strict = (policy_name: string, policy_type: PolicyDefinition['policy_type'], rules: Record<string, unknown>): PolicyDefinition => ({
  policy_name, policy_type, rules, enforcement_level: 'strict', enabled: true,
});

/**
 * A decision buying half again of `traded` holdings spread over a 1,000-position (or larger)
 * portfolio, against limits halfway between each measure's pre- and post-trade values, so every
 * policy binds on the trades: sector (11 groups), beta, gross and net exposure and cash (mandate)
 * as rows; position and ownership limits as bounds.
 */
function bindingCase(traded: number): { request: ValidationRequest; policies: PolicyDefinition[] } {
  const positions = Math.max(1000, traded);
  const request = syntheticRequest({ positions, policies: [], trades: 0 });
  const held = request.portfolio_state.positions;
  request.decision.trades = Array.from({ length: traded }, (_, t) => {
    const position = held[Math.floor((t * positions) / traded)];
    return { symbol: position.symbol, side: 'BUY' as const, quantity: Math.ceil(position.quantity / 2), price: position.price };
  });
  const p = evaluateRequest(request, compilePolicySet(0, [])).portfolio;
  const halfway = (measure: (w: Float64Array, i: number) => number, cash: (nav: number, c: number) => number = () => 0) => {
    let pre = cash(p.preNav, p.preCash);
    let post = cash(p.postNav, p.postCash);
    for (let i = 0; i < p.n; i++) {
      pre += measure(p.preWeight, i);
      post += measure(p.postWeight, i);
    }
    return (pre + post) / 2;
  };
  const sectors = new Map<string, { pre: number; post: number }>();
  held.forEach((position, i) => {
    const s = sectors.get(position.sector!) ?? { pre: 0, post: 0 };
    s.pre += p.preWeight[i];
    s.post += p.postWeight[i];
    sectors.set(position.sector!, s);
  });
  // The position limit caps the largest tenth of the buys (single-column rows: bounds); the others bind together.
  const postWeights = request.decision.trades.map((t) => p.postWeight[p.index.get(t.symbol)!]).sort((a, b) => a - b);
  const policies = [
    strict('position', 'POSITION_LIMIT', { max_weight: postWeights[Math.floor(postWeights.length * 0.9)] }),
    strict('sector', 'SECTOR_LIMIT', { limits: Object.fromEntries([...sectors].map(([label, s]) => [label, (s.pre + s.post) / 2])) }),
    strict('beta', 'RISK_LIMIT', { metric: 'beta', max: halfway((w, i) => w[i] * (held[i].beta ?? 0)) }),
    strict('gross', 'RISK_LIMIT', { metric: 'gross_exposure', max: halfway((w, i) => Math.abs(w[i])) }),
    strict('net', 'RISK_LIMIT', { metric: 'net_exposure', max: halfway((w, i) => w[i]) }),
    strict('cash', 'INVESTMENT_MANDATE', { min_cash_weight: halfway(() => 0, (nav, cash) => cash / nav) }),
    strict('ownership', 'REGULATORY', { rule: 'OWNERSHIP_LIMIT', max_fraction: 0.1 }),
  ];
  request.applicable_policies = policies.map((policy) => policy.policy_name);
  return { request, policies };
}

function once(solver: Solver, lp: LinearProgram): void {
  const session = solver.open(lp);
  try {
    const result = session.solve();
    if (result.status !== 'optimal') throw new Error(`${solver.name}: ${result.status} ${result.detail ?? ''}`);
  } finally {
    session.close();
  }
}


async function solverSizes(): Promise<SizeRow[]> {
  const highs = await loadHighs();
  const model = highsSolver(highs);
  const glpk = glpkSolver(await loadGlpk());
  const rows: SizeRow[] = [];
  for (const traded of [10, 100, 1000]) {
    const { request, policies } = bindingCase(traded);
    const set = compilePolicySet(1, policies);
    const evaluation = evaluateRequest(request, set);
    const trades = proposedTrades(request, evaluation.portfolio);
    const build = () => reduce(buildAdjustmentModel(evaluation.portfolio, trades, evaluation.policies));
    const program = build();
    const lp = program.lp;
    // A persistent model, re-solved after a bound moves: what the cutting-plane rounds do.
    const persistent = model.open(lp);
    const b = bench();
    b.add('build', () => void build());
    b.add('highs model API', () => once(model, lp));
    b.add('highs LP text', () => {
      const result = solveHighsText(highs, toLpText(lp), lp.numCols);
      if (result.status !== 'optimal') throw new Error(`LP text: ${result.status}`);
    });
    b.add('glpk', () => once(glpk, lp));
    let flip = false;
    b.add('highs re-solve', () => {
      flip = !flip;
      persistent.addRows({
        lower: Float64Array.of(-Infinity), upper: Float64Array.of(flip ? 1e9 : 1e10),
        starts: Int32Array.of(0, 1), indices: Int32Array.of(0), values: Float64Array.of(1),
      });
      persistent.solve();
    });
    await b.run();
    persistent.close();
    const task = (name: string) => summarise(b.getTask(name)!);
    rows.push({
      traded,
      full: program.size.full,
      reduced: program.size.reduced,
      buildMs: task('build').meanMs,
      highsModel: task('highs model API'),
      highsText: task('highs LP text'),
      glpk: task('glpk'),
      highsResolve: task('highs re-solve'),
    });
    console.log(`solver: ${traded} traded symbols done`);
  }
  return rows;
}


/** parse + evaluate (+ adjust + re-validate): what a worker does for a non-compliant decision. */
async function validatePath(): Promise<PathRow[]> {
  const scenarios: Array<[string, ValidationRequest, PolicyDefinition[]]> = [];
  const defaults = [...DEFAULT_POLICIES];
  scenarios.push(['1,000 positions, 100 traded: default policies, one trade to 12 %', syntheticRequest({ positions: 1000, trades: 100, violating: true, policies: defaults.map((p) => p.policy_name) }), defaults]);
  const binding = bindingCase(100);
  scenarios.push(['1,000 positions, 100 traded: every policy binding every trade', binding.request, binding.policies]);
  // The HTTP benchmarks' violating requests (realistic-mix.ts): one limit broken, a one-row programme.
  const realistic = [...REALISTIC_POLICIES];
  for (const positions of [100, 10_000]) {
    const request = syntheticRequest({ positions, violating: true, policies: realistic.map((p) => p.policy_name), seed: 1_000 });
    scenarios.push([`${positions.toLocaleString('en-US')} positions: the HTTP benchmarks' violating mix`, request, realistic]);
  }
  const rows: PathRow[] = [];
  for (const [scenario, request, policies] of scenarios) {
    const set = compilePolicySet(1, policies);
    const body = Buffer.from(JSON.stringify(request));
    const b = bench();
    b.add('evaluate', () => void evaluateRequest(parseValidationRequest(body), set));
    b.add('adjust', async () => {
      const parsed = parseValidationRequest(body);
      await withAdjustment(parsed, evaluateRequest(parsed, set), set);
    });
    await b.run();
    const parsed = parseValidationRequest(body);
    const response = await withAdjustment(parsed, evaluateRequest(parsed, set), set);
    if (!response.adjusted_trades) throw new Error(`${scenario}: no adjustment (${response.recommendations.join('; ')})`);
    rows.push({
      scenario,
      evaluateOnly: summarise(b.getTask('evaluate')!),
      withAdjustment: summarise(b.getTask('adjust')!),
      adjusted: response.adjusted_trades.length,
      recommendations: response.recommendations.length,
    });
  }
  return rows;
}

const sizes = await solverSizes();
const path = await validatePath();

console.table(sizes.map((r) => ({
  'traded symbols': r.traded,
  'full rows × cols': `${r.full.rows} × ${r.full.columns}`,
  'reduced rows × cols (nnz)': `${r.reduced.rows} × ${r.reduced.columns} (${r.reduced.nonzeros})`,
  'build ms': fixed(r.buildMs),
  'HiGHS API ms (p99)': `${fixed(r.highsModel.meanMs)} (${fixed(r.highsModel.p99Ms)})`,
  'HiGHS text ms (p99)': `${fixed(r.highsText.meanMs)} (${fixed(r.highsText.p99Ms)})`,
  'GLPK ms (p99)': `${fixed(r.glpk.meanMs)} (${fixed(r.glpk.p99Ms)})`,
  'text / API': fixed(r.highsText.meanMs / r.highsModel.meanMs, 1),
  'GLPK / API': fixed(r.glpk.meanMs / r.highsModel.meanMs, 1),
  'HiGHS re-solve ms': fixed(r.highsResolve.meanMs),
})));
console.table(path.map((r) => ({
  '1,000 positions, 100 traded': r.scenario,
  'evaluate ms (p99)': `${fixed(r.evaluateOnly.meanMs)} (${fixed(r.evaluateOnly.p99Ms)})`,
  'with adjustment ms': fixed(r.withAdjustment.meanMs),
  p50: fixed(r.withAdjustment.p50Ms),
  p99: fixed(r.withAdjustment.p99Ms),
  'adjusted trades': r.adjusted,
})));
saveResult('solver', { sizes, path });
