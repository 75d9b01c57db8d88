/**
 * The engine without HTTP: parse + schema check + evaluate, per request size and policy count,
 * and one policy of every type. Run alone: npx tsx bench/engine.bench.ts [--quick]
 */
import { Bench } from 'tinybench';
import { evaluateRequest } from '../src/engine/evaluate.js';
import { parseValidationRequest } from '../src/engine/parse-request.js';
import { compilePolicySet } from '../src/policies/compile.js';
import type { PolicyDefinition } from '../src/schemas/policy.js';
import { mixedPolicies, onePolicyPerType, probePolicyMix } from './support/policy-mix.js';
import { fitCostModel, positionsOnlyError } from './support/linear-fit.js';
import { syntheticRequest } from '../src/synthetic-request.js';
import { fixed, saveResult, summarise } from './support/results.js';

const quick = process.argv.includes('--quick');
const SIZES = [100, 1_000, 10_000, 100_000];
const POLICY_COUNTS = [1, 10, 100];

/** Fewer, longer samples for big requests: the suite must stay within minutes. */
function benchFor(positions: number): Bench {
  if (positions >= 100_000) return new Bench({ time: quick ? 200 : 1_000, iterations: quick ? 2 : 3, warmupIterations: 1, warmupTime: 0 });
  if (positions >= 10_000) return new Bench({ time: quick ? 200 : 700, iterations: quick ? 5 : 10, warmupIterations: 3, warmupTime: 0 });
  return new Bench({ time: quick ? 100 : 400, iterations: 20, warmupTime: 100 });
}

export interface EngineCell {
  readonly positions: number;
  readonly policies: number;
  readonly bodyBytes: number;
  /** parse + schema check + evaluate: what a worker does per request. */
  readonly totalMs: number;
  readonly totalP99Ms: number;
  /** evaluate only (columns + every policy), on an already parsed request. */
  readonly evaluateMs: number;
  readonly violations: number;
}

async function grid(): Promise<{ cells: EngineCell[]; parseMs: Record<number, number>; types: string[]; skipped: readonly string[] }> {
  const mix = probePolicyMix({ riskModel: false });
  const sets = new Map(POLICY_COUNTS.map((p) => [p, mixedPolicies(mix, p)] as const));
  const cells: EngineCell[] = [];
  const parseMs: Record<number, number> = {};
  for (const positions of SIZES) {
    const bench = benchFor(positions);
    const bodies = new Map<number, Buffer>();
    const parsed = new Map<number, ReturnType<typeof parseValidationRequest>>();
    for (const [count, definitions] of sets) {
      const body = Buffer.from(JSON.stringify(syntheticRequest({ positions, policies: definitions.map((d) => d.policy_name), trades: 10 })));
      bodies.set(count, body);
      parsed.set(count, parseValidationRequest(body));
      const compiled = compilePolicySet(1, definitions);
      bench.add(`total ${positions}x${count}`, () => {
        evaluateRequest(parseValidationRequest(body), compiled);
      });
      bench.add(`evaluate ${positions}x${count}`, () => {
        evaluateRequest(parsed.get(count)!, compiled);
      });
    }
    bench.add(`parse ${positions}`, () => {
      parseValidationRequest(bodies.get(1)!);
    });
    await bench.run();
    parseMs[positions] = summarise(bench.getTask(`parse ${positions}`)!).meanMs;
    for (const [count, definitions] of sets) {
      const total = summarise(bench.getTask(`total ${positions}x${count}`)!);
      const evaluate = summarise(bench.getTask(`evaluate ${positions}x${count}`)!);
      const { response } = evaluateRequest(parsed.get(count)!, compilePolicySet(1, definitions));
      cells.push({
        positions, policies: count, bodyBytes: bodies.get(count)!.byteLength,
        totalMs: total.meanMs, totalP99Ms: total.p99Ms, evaluateMs: evaluate.meanMs, violations: response.violations.length,
      });
    }
    console.log(`engine: ${positions} positions done`);
  }
  return { cells, parseMs, types: [...mix.byType.keys()], skipped: mix.skipped };
}

interface EveryTypeCase {
  readonly positions: number;
  readonly riskModel: boolean;
  readonly policies: string[];
  readonly bodyBytes: number;
  readonly totalMs: number;
  readonly totalP99Ms: number;
  readonly evaluateMs: number;
  readonly violations: string[];
}

/** Issue 3: 1,000 positions against one policy of every type (covariance included), and 10,000. */
async function everyType(): Promise<EveryTypeCase[]> {
  const cases: EveryTypeCase[] = [];
  // A 10,000² covariance is ~700 MB of JSON: the 10,000-position case runs without a risk model.
  for (const [positions, riskModel] of [[1_000, true], [10_000, false]] as const) {
    const definitions: PolicyDefinition[] = onePolicyPerType(probePolicyMix({ riskModel }));
    const names = definitions.map((d) => d.policy_name);
    const body = Buffer.from(JSON.stringify(syntheticRequest({ positions, policies: names, trades: 10, riskModel })));
    const compiled = compilePolicySet(1, definitions);
    const parsed = parseValidationRequest(body);
    const bench = benchFor(positions);
    bench.add('total', () => void evaluateRequest(parseValidationRequest(body), compiled));
    bench.add('evaluate', () => void evaluateRequest(parsed, compiled));
    await bench.run();
    const total = summarise(bench.getTask('total')!);
    const { response } = evaluateRequest(parsed, compiled);
    cases.push({
      positions, riskModel, policies: definitions.map((d) => `${d.policy_type} ${JSON.stringify(d.rules)}`), bodyBytes: body.byteLength,
      totalMs: total.meanMs, totalP99Ms: total.p99Ms, evaluateMs: summarise(bench.getTask('evaluate')!).meanMs,
      violations: response.violations.map((v) => `${v.policy_name}:${v.violation_type}`),
    });
  }
  return cases;
}

const { cells, parseMs, types, skipped } = await grid();
// Linear cost: evaluate time ≈ c + a·n + b·n·p within a few tens of percent at every cell.
const points = cells.map((c) => ({ positions: c.positions, policies: c.policies, ms: c.evaluateMs }));
const fit = fitCostModel(points);
const every = await everyType();

console.table(cells.map((c) => ({
  positions: c.positions, policies: c.policies, 'body KB': Math.round(c.bodyBytes / 1024),
  'parse+evaluate ms': fixed(c.totalMs), 'P99 ms': fixed(c.totalP99Ms), 'evaluate ms': fixed(c.evaluateMs),
  'evaluate ns per position': fixed((c.evaluateMs * 1e6) / c.positions, 0),
})));
console.log(`fit: evaluate ≈ ${fixed(fit.fixedMs, 4)} ms + ${fixed(fit.perPositionNs, 1)} ns·n + ${fixed(fit.perPositionPolicyNs, 1)} ns·n·p; worst cell off by ${fixed(fit.maxRelativeError * 100, 1)} %`);
console.log(`with a slope of its own per policy count (linear in positions only): worst cell off by ${fixed(positionsOnlyError(points) * 100, 1)} %`);
console.log(`policy types in the mix: ${types.join(', ')}; skipped: ${skipped.join('; ') || 'none'}`);
console.table(every.map((e) => ({ positions: e.positions, 'risk model': e.riskModel, 'parse+evaluate ms': fixed(e.totalMs), 'P99 ms': fixed(e.totalP99Ms), 'evaluate ms': fixed(e.evaluateMs) })));
// The fit is printed, not saved: the page fits the saved cells itself (bench/report.ts).
saveResult('engine', { cells, parseMs, policyTypes: types, skipped, everyType: every });
