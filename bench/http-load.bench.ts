/**
 * The real service (node dist/src/main.js) under open-model load: the offered rate steps up until
 * P99 reaches 100 ms or anything fails (SEARCHES times; the median counts), then runs longer at
 * 70 % of the highest sustainable rate;
 * for 100-position requests (the realistic mix) and for 10,000-position ones. The 100-position
 * case runs again with a PostgreSQL server (PES_BENCH_POSTGRES_URL, else the local test server;
 * skipped, and said so, when unreachable), as a production deployment would store its records.
 * Run alone (after npm run build): npx tsx bench/http-load.bench.ts [--quick]
 */
import { withDecisionId } from '../src/body-template.js';
import { measuredLoad, type LoadResult } from './support/load-generator.js';
import { LOCAL_POSTGRES_URL, postgresProblem } from './support/postgres-server.js';
import { startService, type ServerProcess } from './support/processes.js';
import { describeStep, findSustainableRateRepeatedly, type SearchResult } from './support/rate-search.js';
import { addPolicies, realisticBodies } from './support/realistic-mix.js';
import { saveResult } from './support/results.js';
import { REPORT_SHARE, SEARCHES, reportRate, SERVICE_WARMUP_MS, START_RATE_100, SUSTAINABLE_P99_MS, WINDOWS, databaseLabel, serviceOptions, warmUpServer } from './support/scenario.js';

export interface LoadCase {
  readonly positions: number;
  /** The median search's (see findSustainableRateRepeatedly). */
  readonly sustainableRate: number;
  readonly steps: readonly LoadResult[];
  /** Every search, in the order run. */
  readonly searches: readonly SearchResult[];
  /** At REPORT_SHARE of the sustainable rate, for a longer window. */
  readonly atReportRate: LoadResult;
  readonly violatingShare: number;
}

export interface PostgresRun {
  readonly database: string;
  readonly case?: LoadCase;
  readonly skipped?: string;
}

async function violatingShare(url: string, positions: number): Promise<number> {
  const bodies = realisticBodies(positions, 6);
  let violating = 0;
  for (const [k, body] of bodies.entries()) {
    const send = () => fetch(`${url}/api/v1/validate`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: withDecisionId(body, `probe-${positions}-${k}`),
    });
    let res = await send();
    // A service still busy from the previous load step may refuse for a moment (503, Retry-After).
    for (let attempt = 0; res.status === 503 && attempt < 20; attempt++) {
      await new Promise((r) => setTimeout(r, 250));
      res = await send();
    }
    if (res.status !== 200) throw new Error(`probe request answered ${res.status}: ${await res.text()}`);
    if (!((await res.json()) as { is_compliant: boolean }).is_compliant) violating++;
  }
  return violating / bodies.length;
}

async function loadCase(server: ServerProcess, positions: number, startRate: number, minRate: number, bodyCount: number, windowScale: number, name = 'service'): Promise<LoadCase> {
  const url = server.url;
  const bodies = realisticBodies(positions, bodyCount);
  const share = await violatingShare(url, positions);
  const search = await findSustainableRateRepeatedly({
    url: `${url}/api/v1/validate`, bodies, startRate, p99LimitMs: SUSTAINABLE_P99_MS,
    stepMs: WINDOWS.step * windowScale, warmupMs: WINDOWS.warmup * windowScale, label: `${name} ${positions}`, server, minRate,
  }, SEARCHES);
  // No sustainable rate at all (P99 ≥ 100 ms even at the lowest step): report the lowest step's rate instead.
  const lowest = Math.min(...search.steps.map((step) => step.offeredRate));
  const rate = search.sustainableRate > 0 ? reportRate(search.sustainableRate) : lowest;
  const atReportRate = await measuredLoad(server, { url: `${url}/api/v1/validate`, bodies, rate, durationMs: WINDOWS.report * windowScale, warmupMs: WINDOWS.warmup });
  const kinds = Object.entries(atReportRate.acceptedByLabel).map(([label, l]) => `${label} P99 ${l.p99Ms.toFixed(2)} ms`).join(', ');
  console.log(`${name} ${positions} at ${search.sustainableRate > 0 ? `${REPORT_SHARE * 100} %` : 'the lowest step'}: ${describeStep(atReportRate)} (${kinds})`);
  return { positions, sustainableRate: search.sustainableRate, steps: search.steps, searches: search.searches, atReportRate, violatingShare: share };
}

/** A service's warm-up, before its searches: 100-position requests at their search's first rate. */
const warmUp = (service: ServerProcess) => warmUpServer(`${service.url}/api/v1/validate`, realisticBodies(100, 30), START_RATE_100);

/** The server for the PostgreSQL run, or why there is none. */
async function postgresServer(): Promise<{ adminUrl: string } | { skipped: string }> {
  if (process.env.PES_BENCH_DATABASE_URL) return { skipped: 'the cases above already ran on a PostgreSQL server (PES_BENCH_DATABASE_URL)' };
  const adminUrl = process.env.PES_BENCH_POSTGRES_URL || LOCAL_POSTGRES_URL;
  const problem = await postgresProblem(adminUrl);
  return problem ? { skipped: problem } : { adminUrl };
}

async function onPostgres(): Promise<PostgresRun> {
  const server = await postgresServer();
  if ('skipped' in server) {
    console.warn(`PostgreSQL run SKIPPED: ${server.skipped}`);
    return { database: 'PostgreSQL server', skipped: server.skipped };
  }
  const service = await startService({ ...serviceOptions(), postgresAdminUrl: server.adminUrl });
  try {
    await addPolicies(service.url);
    await warmUp(service);
    return { database: `PostgreSQL server at ${new URL(server.adminUrl).host}, same cores`, case: await loadCase(service, 100, START_RATE_100, 10, 30, 1, 'service on PostgreSQL') };
  } finally {
    await service.stop();
  }
}

const service = await startService(serviceOptions());
let cases: LoadCase[];
try {
  await addPolicies(service.url);
  // The 10,000-position case follows on the same, warm service.
  await warmUp(service);
  cases = [
    await loadCase(service, 100, START_RATE_100, 10, 30, 1),
    // Big bodies: fewer requests per second, so longer windows for a meaningful P99.
    await loadCase(service, 10_000, 8, 1, 6, 2),
  ];
} finally {
  await service.stop();
}
const postgres = await onPostgres();
saveResult('http-load', { database: databaseLabel(), reportShare: REPORT_SHARE, p99LimitMs: SUSTAINABLE_P99_MS, cases, postgres, serverWarmupMs: SERVICE_WARMUP_MS });
