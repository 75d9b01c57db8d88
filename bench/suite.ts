/**
 * The whole benchmark suite, one command: `npm run bench` (which builds first). Runs every
 * bench/*.bench.ts in its own process, one after another, merges what each saved into
 * bench/results/latest.json, and regenerates docs/benchmarks.md and its plots from that file.
 * Scenarios that do not save results (written outside this suite's conventions) are kept as
 * their printed output. `--quick` shortens every window, for trying the suite out.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import { writeReport } from './report.js';
import { foreignShare, sampleCpu } from './support/foreign-cpu.js';
import { serviceNodeFlags } from './support/node-flags.js';
import { timeReferenceWork } from './support/reference-work.js';
import { timeThreadRoundTrips, type ThreadRoundTrip } from './support/thread-round-trip.js';
import { RESULTS_FILE, type ScenarioRun, type SuiteResults } from './support/suite-results.js';

/** Order matters only for reading the output: micro-benchmarks first, then the HTTP ones. */
const PREFERRED_ORDER = ['engine', 'pool', 'solver', 'http-peers', 'http-load', 'overload', 'events'];
const SCENARIO_TIMEOUT_MS = 10 * 60_000;

function scenarioFiles(): string[] {
  const files = readdirSync(join(PROJECT_ROOT, 'bench')).filter((f) => f.endsWith('.bench.ts'));
  const rank = (f: string) => {
    const i = PREFERRED_ORDER.indexOf(f.replace('.bench.ts', ''));
    return i < 0 ? PREFERRED_ORDER.length : i;
  };
  return files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown';
  }
}

/** The thread round trips, or none (said in the log) when timing them failed: an extra figure must not cost the run its results. */
async function roundTripsOrNone(): Promise<ThreadRoundTrip | undefined> {
  try {
    return await timeThreadRoundTrips();
  } catch (error) {
    console.warn(`thread round trips not timed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

async function runScenario(file: string, resultsDir: string, quick: boolean): Promise<ScenarioRun> {
  const scenario = file.replace('.bench.ts', '');
  // Before the scenario's own processes start: this process alone on the cores, as at the end.
  const referenceMs = timeReferenceWork();
  const threadRoundTrip = await roundTripsOrNone();
  const started = Date.now();
  const cpuBefore = sampleCpu();
  console.log(`\n=== ${scenario} (bench/${file}) ===`);
  const child = spawn(process.execPath, ['--import', 'tsx', join('bench', file), ...(quick ? ['--quick'] : [])], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PES_BENCH_RESULTS_DIR: resultsDir, ...(quick ? { PES_BENCH_QUICK: '1' } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer, to: NodeJS.WriteStream) => {
    to.write(chunk);
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', (c: Buffer) => keep(c, process.stdout));
  child.stderr.on('data', (c: Buffer) => keep(c, process.stderr));
  const timer = setTimeout(() => child.kill('SIGKILL'), SCENARIO_TIMEOUT_MS);
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  clearTimeout(timer);
  const cpuAfter = sampleCpu();
  const foreignCpuShare = cpuBefore && cpuAfter ? foreignShare(cpuBefore, cpuAfter) : undefined;
  if (foreignCpuShare !== undefined) console.log(`other processes used ${(foreignCpuShare * 100).toFixed(1)} % of the cores during ${scenario}`);
  const saved = join(resultsDir, `${scenario}.json`);
  const result = existsSync(saved) ? JSON.parse(readFileSync(saved, 'utf8')) : undefined;
  return {
    scenario, file, seconds: Math.round((Date.now() - started) / 100) / 10, exitCode,
    ...(foreignCpuShare !== undefined ? { foreignCpuShare } : {}),
    referenceMs,
    ...(threadRoundTrip ? { threadRoundTrip } : {}),
    ...(result !== undefined ? { result } : {}),
    ...(result === undefined || exitCode !== 0 ? { output } : {}),
  };
}

const quick = process.argv.includes('--quick');
// Read before the first scenario: a commit made while the suite runs (20 minutes) is not what it measured.
const measuredCommit = commit();
const resultsDir = mkdtempSync(join(tmpdir(), 'pes-bench-results-'));
const loadAverageAtStart = loadavg();
const scenarios: ScenarioRun[] = [];
try {
  for (const file of scenarioFiles()) scenarios.push(await runScenario(file, resultsDir, quick));
} finally {
  rmSync(resultsDir, { recursive: true, force: true });
}
const results: SuiteResults = {
  generatedAt: new Date().toISOString(),
  commit: measuredCommit,
  quick,
  machine: {
    cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version, platform: `${process.platform} ${process.arch}`, loadAverageAtStart, loadAverageAtEnd: loadavg(),
    serverNodeFlags: serviceNodeFlags(),
    referenceMsAtEnd: timeReferenceWork(),
    threadRoundTripAtEnd: await roundTripsOrNone(),
  },
  scenarios,
};
mkdirSync(join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + '\n');
console.log(`\nresults: ${RESULTS_FILE}`);
writeReport(results);
const failed = scenarios.filter((s) => s.exitCode !== 0);
if (failed.length > 0) {
  console.error(`failed scenarios: ${failed.map((s) => `${s.scenario} (exit ${s.exitCode})`).join(', ')}`);
  process.exitCode = 1;
}
