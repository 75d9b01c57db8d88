/**
 * What publishing the events costs: the service under the realistic load at 70 % of its highest
 * sustainable rate, without a broker (events wait in the outbox, as in every other scenario) and
 * with one (librdkafka's mock cluster, started by Debian's kcat, in its own process), taking turns.
 * Reports latency, the service's CPU per request and how soon the outbox was empty afterwards.
 * Run alone (after npm run build): npx tsx bench/events.bench.ts [--quick] [sustainable req/s]
 */
import { MockKafkaBroker, kcatAvailable } from '../test/support/kafka.js';
import { measuredLoad } from './support/load-generator.js';
import { startService, type ServerProcess } from './support/processes.js';
import { describeStep, refusalCauses } from './support/rate-search.js';
import { addPolicies, realisticBodies } from './support/realistic-mix.js';
import { saveResult } from './support/results.js';
import { REPORT_SHARE, WINDOWS, databaseLabel, quick, serviceOptions, sustainableRateOrSearch, warmUpServer } from './support/scenario.js';

const ROUNDS = quick ? 1 : 2;
/** Longest wait for the outbox to empty after the load. */
const DRAIN_TIMEOUT_MS = 30_000;
const bodies = realisticBodies(100, 30);

/** Unpublished outbox rows, from the service's own gauge. */
async function backlog(service: ServerProcess): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const line = /^pes_outbox_backlog (\S+)$/m.exec(text);
  if (!line || !Number.isFinite(Number(line[1]))) throw new Error(`no outbox backlog in /metrics (the database unreachable?): ${line?.[0]}`);
  return Number(line[1]);
}

if (!kcatAvailable) {
  console.log('events: kcat is not installed (apt-get install -y kcat): SKIPPED, nothing measured');
  saveResult('events', { skipped: 'kcat is not installed (apt-get install -y kcat)' });
} else {
  const rate = Math.round((await sustainableRateOrSearch(bodies, 'events search')) * REPORT_SHARE);
  if (!rate) throw new Error('no sustainable rate found');
  const broker = await MockKafkaBroker.start();
  const rows: Array<Record<string, string | number>> = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Taking turns, in alternating order: a slower stretch of the machine hits both alike.
      for (const withBroker of round % 2 === 0 ? [false, true] : [true, false]) {
        const service = await startService(serviceOptions(withBroker ? { KAFKA_BROKERS: broker.address } : {}));
        try {
          await addPolicies(service.url);
          const url = `${service.url}/api/v1/validate`;
          await warmUpServer(url, bodies, rate);
          const load = await measuredLoad(service, { url, bodies, rate, durationMs: WINDOWS.report, warmupMs: WINDOWS.warmup });
          const atEnd = await backlog(service);
          const started = performance.now();
          let drainedMs: number | string = 'n/a (no broker)';
          if (withBroker) {
            let left = atEnd;
            while (left > 0 && performance.now() - started < DRAIN_TIMEOUT_MS) {
              await new Promise((r) => setTimeout(r, 20));
              left = await backlog(service);
            }
            drainedMs = left === 0 ? performance.now() - started : `not within ${DRAIN_TIMEOUT_MS / 1000} s`;
          }
          const events = withBroker ? 'to the mock broker' : 'none (kept in the outbox)';
          console.log(`events ${events}: ${describeStep(load)}; outbox backlog at the end ${atEnd}`);
          rows.push({
            round: round + 1, publishing: events, 'offered req/s': rate, 'ok/s': load.achievedRate,
            'P50 ms': load.accepted.p50Ms, 'P99 ms': load.accepted.p99Ms, 'P99.9 ms': load.accepted.p999Ms, errors: load.errors, 'refused by': refusalCauses(load) || '–',
            'CPU ms per request, main': load.cpu!.mainMs, 'CPU ms per request, other threads': load.cpu!.otherMs,
            'unpublished at the end': withBroker ? atEnd : 'n/a', 'outbox empty after (ms)': drainedMs,
          });
        } finally {
          await service.stop();
        }
      }
    }
  } finally {
    await broker.stop();
  }
  saveResult('events', { database: databaseLabel(), rate, runs: rows });
}
