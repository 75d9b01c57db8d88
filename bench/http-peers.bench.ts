/**
 * Peers of the validate route, each its own process under the same open-model searches as the
 * service (bench/http-load.bench.ts; the median one counts): a bare Fastify route that parses and
 * TypeBox-validates the same 100-position body (the ceiling), the engine inline on the main
 * thread, and the engine through the worker pool; the last two without a database. Each is also
 * run at 70 % of its own highest sustainable rate, as the service is: the latency the machine
 * itself allows there.
 * Run alone: npx tsx bench/http-peers.bench.ts [--quick]
 */
import { startPeer, type PeerKind } from './support/processes.js';
import { describeStep, findSustainableRateRepeatedly, type SearchResult } from './support/rate-search.js';
import { measuredLoad, type LoadResult } from './support/load-generator.js';
import { realisticBodies } from './support/realistic-mix.js';
import { saveResult } from './support/results.js';
import { REPORT_SHARE, SEARCHES, reportRate, SERVICE_WARMUP_MS, START_RATE_100, SUSTAINABLE_P99_MS, WINDOWS, warmUpServer } from './support/scenario.js';

export interface PeerCase {
  readonly peer: PeerKind;
  /** The median search's, as the service's (see findSustainableRateRepeatedly). */
  readonly sustainableRate: number;
  readonly steps: readonly LoadResult[];
  /** Every search, in the order run. */
  readonly searches: readonly SearchResult[];
  /** At REPORT_SHARE of the sustainable rate, for the service's report window. */
  readonly atReportRate?: LoadResult;
}

const PEERS: PeerKind[] = ['bare', 'inline', 'pool'];
const bodies = realisticBodies(100, 30);
const cases: PeerCase[] = [];
for (const peer of PEERS) {
  const server = await startPeer(peer);
  try {
    await warmUpServer(`${server.url}/api/v1/validate`, bodies, START_RATE_100);
    const search = await findSustainableRateRepeatedly({
      url: `${server.url}/api/v1/validate`, bodies, startRate: START_RATE_100, p99LimitMs: SUSTAINABLE_P99_MS,
      stepMs: WINDOWS.step, warmupMs: WINDOWS.warmup, label: `peer ${peer}`, server,
    }, SEARCHES);
    let atReportRate: LoadResult | undefined;
    if (search.sustainableRate > 0) {
      const rate = reportRate(search.sustainableRate);
      atReportRate = await measuredLoad(server, { url: `${server.url}/api/v1/validate`, bodies, rate, durationMs: WINDOWS.report, warmupMs: WINDOWS.warmup });
      console.log(`peer ${peer} at ${REPORT_SHARE * 100} %: ${describeStep(atReportRate)}`);
    }
    cases.push({ peer, sustainableRate: search.sustainableRate, steps: search.steps, searches: search.searches, ...(atReportRate ? { atReportRate } : {}) });
  } finally {
    await server.stop();
  }
}
console.table(cases.map((c) => ({ peer: c.peer, 'highest sustainable req/s': c.sustainableRate, searches: c.searches.map((s) => s.sustainableRate).join(', ') })));
saveResult('http-peers', { positions: 100, p99LimitMs: SUSTAINABLE_P99_MS, reportShare: REPORT_SHARE, cases, serverWarmupMs: SERVICE_WARMUP_MS });
