/**
 * Regenerates docs/benchmarks.md, docs/benchmarks-latency.svg and docs/benchmarks-scaling.svg
 * from bench/results/latest.json. `npm run bench` calls it after a run; on its own
 * (`npm run bench:report`) it redraws the page from the last results. Never edit the page by hand.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../src/paths.js';
import { addedPolicyCostNs, fitCostModel, largestSizeGrowth, positionsOnlyError, predict, type CostModel, type CostPoint } from './support/linear-fit.js';
import type { LatencySummary, LoadResult } from './support/load-generator.js';
import { loadSection, peersAtShare, peersSection } from './support/report-load.js';
import { andList, byLabel, errorsText, int, latencyCells, machineSpeedText, ms, pct, rate, spreadText, statuses, table, threadRoundTripText } from './support/report-text.js';
import { lineChart, type Series } from './support/svg-plot.js';
import {
  RESULTS_FILE, type EngineResult, type HttpLoadResult, type HttpPeersResult, type OverloadResult, type PoolResult, type SolverResult,
  type SuiteResults,
} from './support/suite-results.js';

const DOCS = join(PROJECT_ROOT, 'docs');
const KNOWN = new Set(['engine', 'pool', 'solver', 'http-load', 'http-peers', 'overload']);
const TARGETS = { ceilingShare: 0.5, p99AtReportMs: 10, p99LargeMs: 50, linearFitError: 0.25, rssGrowthMb: 256 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];

const met = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? '**met**' : '**not met**');

function resultOf<T>(results: SuiteResults, scenario: string): T | undefined {
  return results.scenarios.find((s) => s.scenario === scenario && s.exitCode === 0)?.result as T | undefined;
}

function targets(engine?: FittedEngine, load?: HttpLoadResult, peers?: HttpPeersResult, overload?: OverloadResult): string {
  const small = load?.cases.find((c) => c.positions === 100);
  const large = load?.cases.find((c) => c.positions === 10_000);
  const bare = peers?.cases.find((c) => c.peer === 'bare');
  const share = small && bare?.sustainableRate ? small.sustainableRate / bare.sustainableRate : undefined;
  const rows: string[][] = [
    [
      `validate throughput ≥ ${pct(TARGETS.ceilingShare)} of the bare-route ceiling (100 positions)`,
      share === undefined ? '–' : `${int(small!.sustainableRate)} / ${int(bare!.sustainableRate)} req/s = ${pct(share)}${spreadText(small!, bare!)}`,
      met(share === undefined ? undefined : share >= TARGETS.ceilingShare),
    ],
    [
      `P99 < ${TARGETS.p99AtReportMs} ms at ${pct(load?.reportShare ?? 0.7)} of the highest sustainable rate (100 positions)`,
      small ? `P99 ${ms(small.atReportRate.accepted.p99Ms)} ms at ${int(small.atReportRate.offeredRate)} req/s, ${errorsText(small.atReportRate)}${peersAtShare(peers)}` : '–',
      met(small ? small.atReportRate.accepted.p99Ms < TARGETS.p99AtReportMs && small.atReportRate.errors === 0 : undefined),
    ],
    postgresTargetRow(load),
    [
      `10,000-position requests P99 < ${TARGETS.p99LargeMs} ms`,
      large
        ? `P99 ${ms(large.atReportRate.accepted.p99Ms)} ms at ${rate(large.atReportRate.offeredRate)} req/s ` +
          (large.sustainableRate > 0 ? `(${pct(load!.reportShare)} of ${rate(large.sustainableRate)}).` : '(no sustainable rate: the lowest step).') +
          byLabel(large.atReportRate)
        : '–',
      met(large ? large.atReportRate.accepted.p99Ms < TARGETS.p99LargeMs && large.atReportRate.errors === 0 : undefined),
    ],
    [
      `cost linear in positions × policies (every cell within ${pct(TARGETS.linearFitError)} of c + a·n + b·n·p)`,
      engine
        ? `worst cell ${pct(engine.fit.maxRelativeError)} off; b = ${engine.fit.perPositionPolicyNs.toFixed(1)} ns per position·policy. ` +
          `With a slope of its own for each policy count, ${pct(engine.positionsOnlyError)}`
        : '–',
      met(engine ? engine.fit.maxRelativeError <= TARGETS.linearFitError : undefined),
    ],
  ];
  if (overload) {
    const v = overload.verdict;
    rows.push([
      'at 2× the sustainable rate: sheds with 503, accepted P99 < 100 ms, memory bounded, recovers',
      `503s: ${v.shed ? 'yes' : 'none'}; accepted P99 ${ms(overload.phases[1].load.accepted.p99Ms)} ms; RSS ${v.rssGrowthMb < 0 ? '−' : '+'}${Math.abs(v.rssGrowthMb).toFixed(0)} MB from the first phase's end; ` +
        `afterwards P99 ${ms(overload.phases[2].load.accepted.p99Ms)} ms with ${errorsText(overload.phases[2].load)}`,
      met(v.shed && v.acceptedP99UnderLimit && v.onlyOkOr503 && v.recovered && v.rssGrowthMb < TARGETS.rssGrowthMb),
    ]);
  } else rows.push(['at 2× the sustainable rate: sheds, keeps P99, bounded memory, recovers', '–', met(undefined)]);
  return table(['target (2-core machine)', 'this run', ''], rows);
}

/** The P99 target again for the service storing its records on a PostgreSQL server (the production setup). */
function postgresTargetRow(load?: HttpLoadResult): string[] {
  const title = `the same with a PostgreSQL server on the same cores instead of embedded PGlite`;
  const run = load?.postgres;
  const c = run?.case;
  if (!c) return [title, run?.skipped ? `skipped: ${run.skipped}` : '–', met(undefined)];
  const r = c.atReportRate;
  return [
    title,
    `P99 ${ms(r.accepted.p99Ms)} ms at ${int(r.offeredRate)} req/s (${pct(load!.reportShare)} of ${int(c.sustainableRate)}), ${errorsText(r)}`,
    met(r.accepted.p99Ms < TARGETS.p99AtReportMs && r.errors === 0),
  ];
}

function latencyPlot(load?: HttpLoadResult, peers?: HttpPeersResult): string | undefined {
  const small = load?.cases.find((c) => c.positions === 100);
  if (!small && !peers) return undefined;
  const series: Series[] = [];
  const curve = (steps: readonly LoadResult[], pick: (l: LatencySummary) => number) =>
    steps.filter((s) => s.accepted.count > 0).map((s) => [s.offeredRate, pick(s.accepted)] as const);
  if (small) {
    series.push({ name: 'service P50', points: curve(small.steps, (l) => l.p50Ms), color: COLORS[0] });
    series.push({ name: 'service P99', points: curve(small.steps, (l) => l.p99Ms), color: COLORS[1] });
    series.push({ name: 'service P99.9', points: curve(small.steps, (l) => l.p999Ms), color: COLORS[3] });
  }
  for (const [i, c] of (peers?.cases ?? []).entries()) {
    series.push({ name: `${c.peer} peer P99`, points: curve(c.steps, (l) => l.p99Ms), color: COLORS[4 + i], dashed: true });
  }
  return lineChart({
    title: 'Latency against offered load (100 positions, open model)',
    xLabel: 'offered load, requests per second', yLabel: 'latency, ms (log scale)', yLog: true, series,
    references: [{ y: 100, label: 'SLO 100 ms' }, { y: 10, label: 'target 10 ms' }],
  });
}

type FittedEngine = EngineResult & { readonly points: readonly CostPoint[]; readonly fit: CostModel; readonly positionsOnlyError: number };

/** The engine's result with its cells fitted here, once: the page's models come from the cells alone. */
function refitted(engine: EngineResult): FittedEngine {
  const points = engine.cells.map((c) => ({ positions: c.positions, policies: c.policies, ms: c.evaluateMs }));
  return { ...engine, points, fit: fitCostModel(points), positionsOnlyError: positionsOnlyError(points) };
}

function scalingPlot(engine: FittedEngine): string {
  const counts = [...new Set(engine.cells.map((c) => c.policies))];
  const sizes = [...new Set(engine.cells.map((c) => c.positions))];
  const series: Series[] = counts.flatMap((p, i) => [
    { name: `${p} ${p === 1 ? 'policy' : 'policies'}`, color: COLORS[i], points: engine.cells.filter((c) => c.policies === p).map((c) => [c.positions, c.evaluateMs] as const) },
    { name: `fit, ${p}`, color: COLORS[i], dashed: true, points: sizes.map((n) => [n, predict(engine.fit, n, p)] as const) },
  ]);
  return lineChart({
    title: 'Engine evaluate time against portfolio size', xLabel: 'positions (log scale)', yLabel: 'ms per request (log scale)',
    xLog: true, yLog: true, series,
  });
}

/** Where the cells leave the linear model, in the cells' own figures: the largest size per position, and each added policy. */
function departuresText(engine: FittedEngine): string {
  const growth = largestSizeGrowth(engine.points);
  const sizes = [...new Set(engine.points.map((pt) => pt.positions))].sort((a, b) => a - b);
  // The policy steps at the size below the largest, apart from the largest size's own departure.
  const policyStepSize = sizes.at(-2) ?? sizes[0];
  const steps = addedPolicyCostNs(engine.points, policyStepSize);
  const sizesOf = (g: { from: number; to: number }) => `${int(g.to)} positions against ${int(g.from)}`;
  const sameSizes = new Set(growth.map(sizesOf)).size === 1;
  return [
    growth.length
      ? `Time per position at ${sameSizes ? sizesOf(growth[0]) : 'the largest size against the next'}: ` +
        `${andList(growth.map((g) => `${g.ratio.toFixed(2)}× at ${g.policies} ${g.policies === 1 ? 'policy' : 'policies'}${sameSizes ? '' : ` (${sizesOf(g)})`}`))}` +
        ' (1× or a little under is linear).'
      : '',
    steps.length
      ? `At ${int(policyStepSize)} positions each added policy cost, per position, ${andList(steps.map((st) => `${st.ns.toFixed(1)} ns from ${st.from} to ${st.to} policies`))}` +
        ' (equal steps are linear; falling ones mean work shared by policies of a kind, or cheaper kinds added).'
      : '',
  ].filter(Boolean).join(' ');
}

function engineSection(engine: FittedEngine): string {
  const f = engine.fit;
  const every = engine.everyType.map((e) => [
    int(e.positions), e.riskModel ? 'yes' : 'no (a 10,000² covariance is ~700 MB of JSON)', int(e.bodyBytes / 1024), ms(e.totalMs), ms(e.totalP99Ms), ms(e.evaluateMs),
    e.violations.length === 0 ? 'none' : [...new Set(e.violations)].join(', '),
  ]);
  return [
    '## The engine without HTTP (tinybench)',
    '',
    'Parse + TypeBox check + evaluate of one request, as a worker does it ("parse+evaluate"), and evaluate alone on an',
    `already parsed request; policies are a mix of ${engine.policyTypes.join(', ')} (cycled).` +
      (engine.skipped.length ? ` Not in this build: ${engine.skipped.join('; ')}.` : ''),
    '',
    table(['positions', 'policies', 'body KB', 'parse+evaluate ms', 'P99 ms', 'evaluate ms', 'evaluate ns per position·policy'],
      engine.cells.map((c) => [int(c.positions), c.policies, int(c.bodyBytes / 1024), ms(c.totalMs), ms(c.totalP99Ms), ms(c.evaluateMs), ((c.evaluateMs * 1e6) / (c.positions * c.policies)).toFixed(1)])),
    '',
    `Fit: evaluate ≈ ${f.fixedMs.toFixed(4)} ms + ${f.perPositionNs.toFixed(1)} ns × positions + ${f.perPositionPolicyNs.toFixed(1)} ns × positions × policies;`,
    `the worst cell is ${pct(f.maxRelativeError)} off the fit (dashed lines below; linear cost means parallel lines of slope 1 on log–log axes).`,
    `One policy here is a ${engine.policyTypes[0]} alone, while more cycle through ${engine.policyTypes.length} types, and the policies of one type share`,
    `their groups and columns (built once per request): the model counts every policy the same. Allowed any shape in policies`,
    `(t = c + s·n, with a slope s of its own for each policy count), the worst cell is ${pct(engine.positionsOnlyError)} off:`,
    `that much is how far the cost is from linear in positions alone.`,
    departuresText(engine),
    '',
    '![Engine evaluate time against portfolio size](benchmarks-scaling.svg)',
    '',
    '### One policy of every type',
    '',
    table(['positions', 'risk model in the request', 'body KB', 'parse+evaluate ms', 'P99 ms', 'evaluate ms', 'violations'], every),
    '',
  ].join('\n');
}

function poolSection(pool: PoolResult): string {
  return [
    `## The worker pool (${pool.threads} threads)`,
    '',
    'A no-op worker (bench/fixtures/noop.worker.cjs) isolates the pool\'s own cost: dispatch, the transferred body, the',
    `cloned answer. "At a time" rows keep ${pool.batch} tasks in flight and give the cost per task. Validations do a worker's`,
    'whole job (parse, evaluate, the suggested adjustment when not compliant) on a mix where a third of the requests violate.',
    '',
    table(['task', 'mean ms', 'P99 ms', 'per second'], pool.rows.map((r) => [r.name, ms(r.meanMs), ms(r.p99Ms), int(r.opsPerSecond)])),
    '',
  ].join('\n');
}

function overloadSection(o: OverloadResult): string {
  // Absent from results written before 2026-12-06.
  const settling = o.phases[0]?.load.acceptedAfterSettling?.settlingMs;
  const rows = o.phases.map((p) => [
    p.name, int(p.load.offeredRate), int(p.load.achievedRate), ...latencyCells(p.load.accepted).slice(0, 3),
    // The first moments' P99 is absent from results written before 2026-12-07.
    ...(settling ? [p.load.acceptedWhileSettling ? ms(p.load.acceptedWhileSettling.p99Ms) : '–', ms(p.load.acceptedAfterSettling?.p99Ms ?? Number.NaN)] : []),
    p.load.refused.count ? `${ms(p.load.refused.p50Ms)} / ${ms(p.load.refused.p99Ms)}` : '–', statuses(p.load),
    `${p.rssMb.start.toFixed(0)} → ${p.rssMb.max.toFixed(0)}`,
  ]);
  return [
    `## Overload (${o.database})`,
    '',
    `Highest sustainable rate ${int(o.sustainableRate)} req/s (100 positions); one service process through three phases` +
      (o.serverWarmupMs ? `, after ${o.serverWarmupMs / 1000} s of unrecorded load at ½×.` : '.'),
    'Refusals are 503 `PES_OVERLOADED` with `Retry-After`, from admission control: the pool\'s expected queue wait',
    '(`PES_MAX_QUEUE_WAIT_MS`, estimated from body sizes and measured worker time; `PES_MAX_QUEUE` caps the count), how far',
    'behind the HTTP thread\'s event loop is (`PES_MAX_EVENT_LOOP_LAG_MS`) or how long the oldest audit commit has waited (`PES_MAX_COMMIT_WAIT_MS`; before commit 95914c4, the loop\'s 50 ms),',
    'the work the validations in flight hold for the cores, from the CPU time a validation has cost lately (`PES_MAX_BACKLOG_MS`; since 2026-12-07), and a limit on validations',
    'in flight that falls while the median wait of two 50 ms intervals in a row is above `PES_MAX_STANDING_WAIT_MS` and grows back when waits are short.',
    '',
    table(['phase', 'offered req/s', 'accepted/s', 'accepted P50 ms', 'P99 ms', 'P99.9 ms', ...(settling ? [`P99 ms in the first ${settling} ms`, `P99 ms from ${settling} ms on`] : []), 'refusal P50 / P99 ms', 'answers', 'RSS MB (start → max)'], rows),
    '',
    ...(settling ? ['The limit on validations in flight falls at the earliest ~100 ms into a jump in load (the backlog check refuses sooner, once the work admitted passes its bound): what is admitted before then waits longest,', `so each phase's accepted P99 is also given for the requests due in its first ${settling} ms and from then on.`, ''] : []),
  ].join('\n');
}

type Flat = Record<string, string | number | boolean | null>;
const isFlatRows = (v: unknown): v is Flat[] =>
  Array.isArray(v) && v.length > 0 && v.every((r) => r && typeof r === 'object' && Object.values(r).every((x) => x === null || typeof x !== 'object'));
const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? int(v) : ms(v)) : String(v));

/** A scenario this report does not know: its flat settings as a line, each list of flat rows as a table. */
function genericResult(result: unknown): string {
  if (!result || typeof result !== 'object') return ['```text', JSON.stringify(result, null, 2), '```'].join('\n');
  const entries = Object.entries(result as Record<string, unknown>);
  const settings = entries.filter(([, v]) => v === null || typeof v !== 'object').map(([k, v]) => `${k}: ${cell(v)}`);
  const tables = entries.filter(([, v]) => isFlatRows(v)).map(([k, v]) => {
    const rows = v as Flat[];
    const head = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    return `${k}:\n\n${table(head, rows.map((r) => head.map((h) => (r[h] === undefined ? '' : cell(r[h])))))}`;
  });
  const rest = entries.filter(([, v]) => v !== null && typeof v === 'object' && !isFlatRows(v));
  return [
    settings.join('; '),
    ...tables,
    ...(rest.length ? ['```json', JSON.stringify(Object.fromEntries(rest), null, 2).split('\n').slice(0, 80).join('\n'), '```'] : []),
  ].filter(Boolean).join('\n\n');
}

function solverSection(solver: SolverResult): string {
  const withP99 = (t: { meanMs: number; p99Ms: number }) => `${ms(t.meanMs)} (${ms(t.p99Ms)})`;
  return [
    '## The adjustment solver (tinybench)',
    '',
    'One model per size: a decision buying into `traded` holdings of a 1,000-position portfolio with every policy binding.',
    'The full model has a row per check; the reduced one keeps the rows that can bind on the trades\' box. Times are mean (P99) ms.',
    '',
    table(
      ['traded symbols', 'full rows × cols', 'reduced rows × cols (nonzeros)', 'build', 'HiGHS, model API', 'HiGHS, LP text', 'GLPK', 'HiGHS re-solve'],
      solver.sizes.map((r) => [
        int(r.traded), `${int(r.full.rows)} × ${int(r.full.columns)}`, `${int(r.reduced.rows)} × ${int(r.reduced.columns)} (${int(r.reduced.nonzeros)})`,
        ms(r.buildMs), withP99(r.highsModel), withP99(r.highsText), withP99(r.glpk), withP99(r.highsResolve),
      ]),
    ),
    '',
    'A worker\'s whole path on a non-compliant decision: parse + evaluate, then the same with the suggested adjustment',
    '(model, solve, lots, re-validation).',
    '',
    table(
      ['decision', 'parse + evaluate', 'with adjustment', 'adjusted trades', 'recommendations'],
      solver.path.map((r) => [r.scenario, withP99(r.evaluateOnly), withP99(r.withAdjustment), r.adjusted, r.recommendations]),
    ),
    '',
  ].join('\n');
}

function otherSection(results: SuiteResults): string {
  const others = results.scenarios.filter((s) => !KNOWN.has(s.scenario) || s.exitCode !== 0);
  if (others.length === 0) return '';
  return ['## Other scenarios', '', ...others.flatMap((s) => [
    `### ${s.scenario} (bench/${s.file}, ${s.seconds} s${s.exitCode === 0 ? '' : `, **failed with exit code ${s.exitCode}**`})`,
    '',
    s.result !== undefined && s.exitCode === 0
      ? genericResult(s.result)
      : ['```text', (s.output ?? '').trim().split('\n').slice(-60).join('\n'), '```'].join('\n'),
    '',
  ])].join('\n');
}

/** Above this share of the cores used by other processes, a scenario's figures understate the code. */
const FOREIGN_CPU_WARNING = 0.05;

function foreignCpuLine(results: SuiteResults): string {
  const measured = results.scenarios.filter((s) => s.foreignCpuShare !== undefined);
  if (measured.length === 0) return '';
  const share = (v: number) => `${(v * 100).toFixed(1)} %`;
  const disturbed = measured.filter((s) => s.foreignCpuShare! > FOREIGN_CPU_WARNING).map((s) => s.scenario);
  return `CPU that other processes used while each scenario ran (share of all cores): ${measured.map((s) => `${s.scenario} ${share(s.foreignCpuShare!)}`).join(', ')}` +
    (disturbed.length ? `. **Above ${pct(FOREIGN_CPU_WARNING)} (${disturbed.join(', ')}), figures understate what the code does: run again on a quiet machine.**` : '.');
}

export function writeReport(results: SuiteResults): void {
  const measured = resultOf<EngineResult>(results, 'engine');
  const engine = measured && refitted(measured);
  const pool = resultOf<PoolResult>(results, 'pool');
  const load = resultOf<HttpLoadResult>(results, 'http-load');
  const peers = resultOf<HttpPeersResult>(results, 'http-peers');
  const overload = resultOf<OverloadResult>(results, 'overload');
  const solver = resultOf<SolverResult>(results, 'solver');
  const m = results.machine;
  const page = [
    '# Benchmarks',
    '',
    `<!-- Generated by bench/report.ts from bench/results/latest.json. Do not edit: run \`npm run bench\`. -->`,
    `Generated by \`npm run bench\` on ${results.generatedAt.slice(0, 16).replace('T', ' ')} UTC at commit ${results.commit}` +
      `${results.quick ? ' in **quick mode** (short windows: indicative only)' : ''}. Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB,`,
    `Node ${m.node}, ${m.platform}; load average ${m.loadAverageAtStart.map((v) => v.toFixed(2)).join(' / ')} at the start and`,
    `${m.loadAverageAtEnd.map((v) => v.toFixed(2)).join(' / ')} at the end (above ${m.cpus} means other processes shared the cores).`,
    ...(m.serverNodeFlags?.length ? [`Every server (the service and its peers) ran as \`node ${[...m.serverNodeFlags, ''].join(' ')}…\`, with the flags of \`npm start\`.`] : []),
    'Load generator, servers and database share those cores. Runs differ: three runs of the same code in one evening found',
    'sustainable rates up to 1.5× apart, and machines of this kind have been 2–3× slower on other days (see [performance.md](performance.md), "Comparing runs").',
    'Compare the service with the peers of the same run rather than with another run\'s figures.',
    foreignCpuLine(results),
    machineSpeedText(results.scenarios, m.referenceMsAtEnd),
    threadRoundTripText(results.scenarios, m.threadRoundTripAtEnd),
    '',
    '## Targets',
    '',
    targets(engine, load, peers, overload),
    '',
    load ? loadSection(load, peers) : '',
    peers ? peersSection(peers, results.machine.cpus, load) : '',
    overload ? overloadSection(overload) : '',
    engine ? engineSection(engine) : '',
    pool ? poolSection(pool) : '',
    solver ? solverSection(solver) : '',
    otherSection(results),
    '## Reproduce',
    '',
    '`npm ci && npm run bench` (builds, then runs every `bench/*.bench.ts` in turn; about 20 minutes on two cores). One scenario:',
    '`npx tsx bench/<scenario>.bench.ts` (the HTTP ones need `npm run build` first). `PES_BENCH_DATABASE_URL=postgres://…`',
    'puts every service on a PostgreSQL server instead of embedded PGlite; `PES_BENCH_POSTGRES_URL` names the server for the',
    'extra PostgreSQL run (default: the local test server). `npx tsx bench/profile.ts` profiles the service under load.',
    '',
  ].join('\n');
  mkdirSync(DOCS, { recursive: true });
  writeFileSync(join(DOCS, 'benchmarks.md'), page.replace(/\n{3,}/g, '\n\n'));
  const latency = latencyPlot(load, peers);
  if (latency) writeFileSync(join(DOCS, 'benchmarks-latency.svg'), latency);
  if (engine) writeFileSync(join(DOCS, 'benchmarks-scaling.svg'), scalingPlot(engine));
  console.log(`report: ${join(DOCS, 'benchmarks.md')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeReport(JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as SuiteResults);
}
