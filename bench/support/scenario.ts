import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BodyTemplate } from '../../src/body-template.js';
import { runLoad } from './load-generator.js';
import { startService, type ServiceOptions } from './processes.js';
import { findSustainableRate } from './rate-search.js';
import { addPolicies } from './realistic-mix.js';

/** Whether a scenario runs shortened (--quick): same steps, shorter windows; for trying the suite out. */
export const quick = process.argv.includes('--quick') || process.env.PES_BENCH_QUICK === '1';

/** Window lengths of the HTTP scenarios, in milliseconds. */
export const WINDOWS = quick
  ? { warmup: 300, step: 1_000, report: 2_000, overload: 2_000, recovery: 2_000 }
  : { warmup: 500, step: 2_000, report: 8_000, overload: 6_000, recovery: 4_000 };

/** The SLO the seed sets: a step is sustainable when P99 < 100 ms and nothing fails. */
export const SUSTAINABLE_P99_MS = 100;

/**
 * Load every HTTP scenario sends to a server it has just started before it measures anything, its
 * rate searches included (warmUpServer). A service's first seconds are slower even after its own
 * warm-up. In five 12 s windows in a row at 420 req/s (two starts of each build, 2026-12-06), the
 * first had P99 49–94 ms and 296–602 refusals of 5,040 when the service warmed up on the
 * contract's example, 59–60 ms and 37–93 refusals warming up on 100-position portfolios; the
 * later windows 21–37 ms and almost none. Rate searches begun right after the start found
 * 362–995 req/s (median 735, five starts) against 542–1,220 (median 995) after this warm-up (the
 * refusals read, in four searches, all came from the limit on validations in flight); the
 * overload scenario's 2× phase, reached 6 s after the start, had accepted P99 78–203 ms against
 * 65–81 ms (three starts each).
 */
export const SERVICE_WARMUP_MS = quick ? 1_000 : 12_000;

/** SERVICE_WARMUP_MS of `rate` requests per second to `url`, recording nothing. */
export async function warmUpServer(url: string, bodies: readonly BodyTemplate[], rate: number): Promise<void> {
  await runLoad({ url, bodies, rate, durationMs: SERVICE_WARMUP_MS, warmupMs: 0 });
}

/**
 * Rate searches per server and case, one after another; the median one is reported
 * (findSustainableRateRepeatedly says why one is not enough). Two when --quick: the code is exercised.
 */
export const SEARCHES = quick ? 2 : 3;

/** Where the searches for 100-position requests start (req/s), the service's and its peers' alike. */
export const START_RATE_100 = 400;

/** Share of the highest sustainable rate the headline latency is measured at (service and peers alike). */
export const REPORT_SHARE = 0.7;

/** The headline rate for a sustainable rate: REPORT_SHARE of it, to three significant digits as the searches' rates are. */
export const reportRate = (sustainableRate: number) => +(sustainableRate * REPORT_SHARE).toPrecision(3);

/**
 * How every HTTP scenario starts the service: the rate limiter off (one client sends everything),
 * and on a fresh database of the PostgreSQL server PES_BENCH_DATABASE_URL names, if set.
 */
export function serviceOptions(env: NodeJS.ProcessEnv = {}): ServiceOptions {
  const postgresAdminUrl = process.env.PES_BENCH_DATABASE_URL || undefined;
  return { env: { PES_RATE_LIMIT: '0', ...env }, ...(postgresAdminUrl ? { postgresAdminUrl } : {}) };
}

export const databaseLabel = () => (process.env.PES_BENCH_DATABASE_URL ? 'PostgreSQL server (PES_BENCH_DATABASE_URL)' : 'embedded PGlite in a temporary folder');

/**
 * The service's highest sustainable rate for 100-position requests, when known without a search:
 * a number on the command line, else what this suite run's http-load scenario found.
 */
export function knownSustainableRate(): number | undefined {
  const fromArgs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)));
  if (fromArgs) return fromArgs;
  return earlierResult<{ cases: Array<{ positions: number; sustainableRate: number }> }>('http-load')?.cases.find((c) => c.positions === 100)?.sustainableRate || undefined;
}

/** The known sustainable rate (knownSustainableRate), else one searched for on a service of its own. */
export async function sustainableRateOrSearch(bodies: readonly BodyTemplate[], label: string): Promise<number> {
  const known = knownSustainableRate();
  if (known) return known;
  const service = await startService(serviceOptions());
  try {
    await addPolicies(service.url);
    const url = `${service.url}/api/v1/validate`;
    await warmUpServer(url, bodies, 150);
    return (await findSustainableRate({
      url, bodies, startRate: 150, p99LimitMs: SUSTAINABLE_P99_MS,
      stepMs: WINDOWS.step, warmupMs: WINDOWS.warmup, label,
    })).sustainableRate;
  } finally {
    await service.stop();
  }
}

/** A result another scenario of the same suite run saved (e.g. the sustainable rate), if any. */
function earlierResult<T>(scenario: string): T | undefined {
  const dir = process.env.PES_BENCH_RESULTS_DIR;
  const file = dir && join(dir, `${scenario}.json`);
  return file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}
