/**
 * Overload: the service at twice its highest sustainable rate. It should shed what it cannot
 * serve at once (503 PES_OVERLOADED with Retry-After, from the bounded pool queue), keep the
 * accepted requests' P99 under 100 ms, keep its memory bounded, and recover by itself when the
 * load drops back. Phases on one service process: half rate, twice the rate, half rate again.
 * Run alone (after npm run build): npx tsx bench/overload.bench.ts [--quick] [sustainable req/s]
 */
import { runLoad, withRefusalCauses, type LoadResult } from './support/load-generator.js';
import { startService } from './support/processes.js';
import { describeStep, findSustainableRate } from './support/rate-search.js';
import { addPolicies, realisticBodies } from './support/realistic-mix.js';
import { saveResult } from './support/results.js';
import { SERVICE_WARMUP_MS, SUSTAINABLE_P99_MS, WINDOWS, databaseLabel, knownSustainableRate, serviceOptions, warmUpServer } from './support/scenario.js';

interface Phase {
  readonly name: string;
  readonly load: LoadResult;
  readonly rssMb: { start: number; max: number; end: number };
}

const bodies = realisticBodies(100, 30);
/**
 * Each phase's accepted latency is also given from this far in: the limit on validations in flight
 * falls at the earliest ~100 ms into a jump, and what gets in before then is most of the accepted
 * tail. In six overload phases at 2 × 995 req/s (2026-12-06), the first 250 ms had accepted P99
 * 52–167 ms (P50 28–87), each later window (250 ms to 6 s in) 32–79 ms.
 */
const SETTLING_MS = 500;
const service = await startService(serviceOptions());
try {
  await addPolicies(service.url);
  const url = `${service.url}/api/v1/validate`;
  // The sustainable rate from the command line, this suite run's http-load scenario, or a search here.
  let sustainableRate = knownSustainableRate() ?? 0;
  if (!sustainableRate) {
    await warmUpServer(url, bodies, 150);
    sustainableRate = (await findSustainableRate({
      url, bodies, startRate: 150, p99LimitMs: SUSTAINABLE_P99_MS, stepMs: WINDOWS.step, warmupMs: WINDOWS.warmup, label: 'overload search', server: service,
    })).sustainableRate;
  }
  if (!sustainableRate) throw new Error('no sustainable rate found: nothing to overload');

  const phases: Phase[] = [];
  const phase = async (name: string, rate: number, durationMs: number) => {
    const rss = { start: service.rssMb(), max: 0, end: 0 };
    const load = await withRefusalCauses(service.refusalsByCause, (onRecordingStart) => runLoad({
      url, bodies, rate, durationMs, warmupMs: 0, sampleEveryMs: 200, settlingMs: SETTLING_MS, onRecordingStart,
      onSample: () => void (rss.max = Math.max(rss.max, service.rssMb())),
    }));
    rss.end = service.rssMb();
    rss.max = Math.max(rss.max, rss.end);
    phases.push({ name, load, rssMb: rss });
    const refused = load.refused.count > 0 ? `; refusals answered in P50 ${load.refused.p50Ms.toFixed(2)} P99 ${load.refused.p99Ms.toFixed(2)} ms` : '';
    const settled = `; accepted P99 in the first ${SETTLING_MS} ms ${load.acceptedWhileSettling!.p99Ms.toFixed(2)}, from then on ${load.acceptedAfterSettling!.p99Ms.toFixed(2)} ms`;
    console.log(`overload ${name}: ${describeStep(load)} ${JSON.stringify(load.statuses)}${refused}${settled}; RSS ${rss.start.toFixed(0)} → max ${rss.max.toFixed(0)} MB`);
  };
  // Unrecorded: the overload must meet a service past its first, slower seconds (SERVICE_WARMUP_MS).
  await warmUpServer(url, bodies, Math.round(sustainableRate / 2));
  await phase('before (½×)', Math.round(sustainableRate / 2), WINDOWS.recovery);
  await phase('overload (2×)', sustainableRate * 2, WINDOWS.overload);
  await phase('after (½×)', Math.round(sustainableRate / 2), WINDOWS.recovery);

  const overload = phases[1].load;
  const after = phases[2].load;
  const verdict = {
    shed: (overload.statuses['503'] ?? 0) > 0,
    acceptedP99UnderLimit: overload.accepted.p99Ms < SUSTAINABLE_P99_MS,
    onlyOkOr503: Object.keys(overload.statuses).every((s) => s === '200' || s === '503'),
    recovered: after.errors === 0 && after.accepted.p99Ms < SUSTAINABLE_P99_MS,
    // From the end of the first phase: a fresh service's RSS peaks while it creates its database, then falls.
    rssGrowthMb: Math.max(phases[1].rssMb.max, phases[2].rssMb.max) - phases[0].rssMb.end,
  };
  console.log('overload verdict:', verdict);
  saveResult('overload', { database: databaseLabel(), sustainableRate, phases, verdict, serverWarmupMs: SERVICE_WARMUP_MS });
} finally {
  await service.stop();
}
