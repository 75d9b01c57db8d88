/**
 * The worker pool's own cost: a no-op task round trip (sequential latency and concurrent
 * throughput), and a validation inline versus through the pool (the same work: parse, evaluate,
 * and the suggested adjustment when not compliant; a third of the requests violate).
 * Run alone (after npm run build): npx tsx bench/pool.bench.ts [--quick]
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { withAdjustment } from '../src/adjust/suggest.js';
import { evaluateRequest } from '../src/engine/evaluate.js';
import { parseValidationRequest } from '../src/engine/parse-request.js';
import { compilePolicySet } from '../src/policies/compile.js';
import { sharePolicySet } from '../src/policies/shared-policy-set.js';
import { ValidationPool } from '../src/pool/validation-pool.js';
import { syntheticRequest } from '../src/synthetic-request.js';
import { REALISTIC_POLICIES } from './support/realistic-mix.js';
import { fixed, saveResult, summarise, type TaskSummary } from './support/results.js';

const quick = process.argv.includes('--quick');
const threads = Math.min(2, availableParallelism());
const NOOP_WORKER = fileURLToPath(new URL('./fixtures/noop.worker.cjs', import.meta.url));
const policySet = sharePolicySet(1, REALISTIC_POLICIES);
const compiled = compilePolicySet(1, REALISTIC_POLICIES);
const names = REALISTIC_POLICIES.map((p) => p.policy_name);
const bodiesOf = (positions: number) =>
  [true, false, false].map((violating, k) => Buffer.from(JSON.stringify(syntheticRequest({ positions, policies: names, violating, seed: k + 1 }))));
const smalls = bodiesOf(100);
const larges = bodiesOf(1_000);
const small = smalls[1];
/** The next body of the mix, in turn. */
let turn = 0;
const next = (bodies: Buffer[]) => bodies[turn++ % bodies.length];
/** What a validation worker does with a body, here on the main thread. */
const inline = async (body: Buffer) => {
  const request = parseValidationRequest(body);
  await withAdjustment(request, evaluateRequest(request, compiled), compiled);
};
/** Tasks in flight at once in the concurrent rows: enough to keep every thread busy. */
const BATCH = 64;

const noopPool = new ValidationPool({ threads, maxQueue: 10_000, filename: NOOP_WORKER });
const realPool = new ValidationPool({ threads, maxQueue: 10_000 });
// Fresh buffers per call: the pool transfers (detaches) what it is given.
const copy = (body: Buffer) => Buffer.from(body);

const bench = new Bench({ time: quick ? 200 : 1_000, warmupTime: quick ? 100 : 300 });
bench
  .add('no-op round trip, 100-position body, one at a time', async () => void (await noopPool.validate(copy(small), policySet)))
  .add(`no-op round trips, ${BATCH} at a time (per task)`, async () => {
    await Promise.all(Array.from({ length: BATCH }, () => noopPool.validate(copy(small), policySet)));
  })
  .add('validate 100 positions inline (main thread)', () => inline(next(smalls)))
  .add('validate 100 positions through the pool, one at a time', async () => void (await realPool.validate(copy(next(smalls)), policySet)))
  .add(`validate 100 positions through the pool, ${BATCH} at a time (per task)`, async () => {
    await Promise.all(Array.from({ length: BATCH }, () => realPool.validate(copy(next(smalls)), policySet)));
  })
  .add('validate 1,000 positions inline (main thread)', () => inline(next(larges)))
  .add('validate 1,000 positions through the pool, one at a time', async () => void (await realPool.validate(copy(next(larges)), policySet)));
await bench.run();
await Promise.all([noopPool.close(), realPool.close()]);

const rows: TaskSummary[] = bench.tasks.map((task) => {
  const summary = summarise(task);
  // Batched rows time BATCH tasks per sample: report per task.
  if (!task.name.includes('at a time (per task)')) return summary;
  return { ...summary, meanMs: summary.meanMs / BATCH, p50Ms: summary.p50Ms / BATCH, p99Ms: summary.p99Ms / BATCH, opsPerSecond: summary.opsPerSecond * BATCH };
});
console.table(rows.map((r) => ({ task: r.name, 'mean ms': fixed(r.meanMs, 4), 'P99 ms': fixed(r.p99Ms, 4), 'per second': Math.round(r.opsPerSecond) })));
saveResult('pool', { threads, batch: BATCH, rows });
