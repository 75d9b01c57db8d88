import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import type { BodyTemplate } from '../../src/body-template.js';
import type { CpuTimes, ServerProcess } from './processes.js';
import { parseServerTiming, tailBreakdown, type TailBreakdown, type TimedAnswer } from './tail-breakdown.js';

/**
 * An open-model load generator: request i is due at start + i / rate whatever happened to the
 * earlier ones, and its latency is counted from that due time (so a stalled server cannot hide
 * its queue: no coordinated omission). Latencies go into HDR histograms in microseconds.
 */
export interface LoadOptions {
  readonly url: string;
  /** Offered load, requests per second. */
  readonly rate: number;
  readonly durationMs: number;
  /** Sent on the same schedule first, not recorded: JIT, connections and caches warm up. */
  readonly warmupMs?: number;
  /** Bodies are used in turn; each request gets a unique decision_id. */
  readonly bodies: readonly BodyTemplate[];
  /** Beyond this many requests in flight the generator itself is saturated: counted, not sent. */
  readonly maxInFlight?: number;
  /**
   * Keep-alive connections, at most (default 64), as a client's connection pool has: requests
   * beyond them wait for a free one (their latency still counts from their due time). Unbounded,
   * a slow moment makes the generator open hundreds of connections at once, the listen backlog
   * overflows, and dropped SYNs come back after 1 s and 3 s of TCP retransmission.
   */
  readonly connections?: number;
  /** Called once, as the first recorded request is due (e.g. to read a server's counters). */
  readonly onRecordingStart?: () => void;
  /** Called about every `sampleEveryMs` during the recorded window (e.g. to sample RSS). */
  readonly onSample?: (elapsedMs: number) => void;
  readonly sampleEveryMs?: number;
  /**
   * Also summarise the 2xx responses to requests due at least this long into the recorded window
   * (acceptedAfterSettling), and those due before (acceptedWhileSettling): a phase's steady state
   * apart from the moments right after a change.
   */
  readonly settlingMs?: number;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

export interface LoadResult {
  readonly offeredRate: number;
  readonly durationMs: number;
  readonly sent: number;
  /** 2xx responses per second of the recorded window. */
  readonly achievedRate: number;
  /** Latency of 2xx responses. */
  readonly accepted: LatencySummary;
  /** Latency of every other answer (e.g. 503 shedding): how fast a refusal comes back. */
  readonly refused: LatencySummary;
  /** Latency of 2xx responses per body label (e.g. compliant / violating decisions). */
  readonly acceptedByLabel: Record<string, LatencySummary>;
  /** Latency of 2xx responses to requests due `settlingMs` or more into the window, when asked for. */
  readonly acceptedAfterSettling?: LatencySummary & { readonly settlingMs: number };
  /** Latency of 2xx responses to requests due in the first `settlingMs` of the window, when asked for. */
  readonly acceptedWhileSettling?: LatencySummary;
  readonly statuses: Record<string, number>;
  /** Non-2xx answers, socket errors and requests the generator could not send. */
  readonly errors: number;
  readonly notSent: number;
  /** Requests sent including the warm-up: what the server's CPU time, and the generator's own, over the whole run served. */
  readonly totalSent: number;
  /** The server's CPU time per request over the whole run, when the caller measured it (measuredLoad). */
  readonly cpu?: CpuPerRequest;
  /**
   * This load generator's own CPU time per request sent, warm-up included (all its threads, ms). It
   * shares the cores with the server it loads: what it uses, the server cannot.
   */
  readonly generatorCpuMs?: number;
  /** The service's 503 refusals during the run by the check that made them, when the caller read them (withRefusalCauses). */
  readonly refusalCauses?: Record<string, number>;
  /** Where the 2xx answers' time went, when the server said so in a Server-Timing header (the service does; the peers do not). */
  readonly tail?: TailBreakdown;
}

export interface CpuPerRequest {
  /** The main (HTTP) thread: its inverse bounds the throughput whatever the cores. */
  readonly mainMs: number;
  /** Every other thread of the server: workers, GC helpers, libuv. */
  readonly otherMs: number;
  /** Of otherMs, the validation workers (threads named pes-validation; absent in results from before they were). */
  readonly validationMs?: number;
  /** Of otherMs, the embedded database's thread (pes-database). */
  readonly databaseMs?: number;
}

/**
 * "main / other" CPU per request, with the other threads split by role (validation, database, and
 * the rest: V8's GC and compiler helpers, libuv) where the run recorded roles and they worked.
 */
export function cpuText(cpu: CpuPerRequest, format: (ms: number) => string): string {
  const { mainMs, otherMs, validationMs = 0, databaseMs = 0 } = cpu;
  const roles = [...(validationMs > 0 ? [`validation ${format(validationMs)}`] : []), ...(databaseMs > 0 ? [`database ${format(databaseMs)}`] : [])];
  const split = roles.length ? ` (${[...roles, `rest ${format(Math.max(0, otherMs - validationMs - databaseMs))}`].join(', ')})` : '';
  return `${format(mainMs)} / ${format(otherMs)}${split}`;
}

const newHistogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });

function summary(histogram: hdr.Histogram): LatencySummary {
  const ms = (p: number) => (histogram.totalCount === 0 ? 0 : histogram.getValueAtPercentile(p) / 1000);
  return {
    count: histogram.totalCount, p50Ms: ms(50), p90Ms: ms(90), p99Ms: ms(99), p999Ms: ms(99.9),
    maxMs: histogram.totalCount === 0 ? 0 : histogram.maxValue / 1000,
  };
}

let decisionCounter = 0;

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections ?? 64 });
  const accepted = newHistogram();
  const refused = newHistogram();
  const byLabel = new Map<string, hdr.Histogram>();
  // Accepted latencies split at settlingMs, when asked for.
  const bySettling = options.settlingMs === undefined ? undefined : { before: newHistogram(), after: newHistogram() };
  const statuses: Record<string, number> = {};
  const timed: TimedAnswer[] = [];
  const warmupMs = options.warmupMs ?? 0;
  const maxInFlight = options.maxInFlight ?? 2_000;
  const intervalMs = 1000 / options.rate;
  const endMs = warmupMs + options.durationMs;
  let inFlight = 0;
  let sent = 0;
  let notSent = 0;
  let totalSent = 0;
  let index = 0;
  const cpuAtStart = process.cpuUsage();
  const start = performance.now();

  const record = (dueMs: number, status: string, label: string | undefined, leftMs = dueMs, serverTiming?: string) => {
    const recorded = dueMs >= warmupMs;
    if (!recorded) return;
    const totalMs = performance.now() - start - dueMs;
    const micros = Math.max(1, Math.round(totalMs * 1000));
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (!status.startsWith('2')) {
      refused.recordValue(micros);
      return;
    }
    accepted.recordValue(micros);
    if (serverTiming) timed.push({ totalMs, sendLagMs: leftMs - dueMs, phases: parseServerTiming(serverTiming) });
    if (bySettling) (dueMs - warmupMs >= options.settlingMs! ? bySettling.after : bySettling.before).recordValue(micros);
    if (label === undefined) return;
    let histogram = byLabel.get(label);
    if (!histogram) byLabel.set(label, (histogram = newHistogram()));
    histogram.recordValue(micros);
  };

  const send = (dueMs: number) => {
    const template = options.bodies[index % options.bodies.length];
    const id = Buffer.from(`load-${process.pid}-${++decisionCounter}`);
    index++;
    if (inFlight >= maxInFlight) {
      if (dueMs >= warmupMs) notSent++;
      return;
    }
    inFlight++;
    totalSent++;
    if (dueMs >= warmupMs) sent++;
    // When the request got one of the agent's connections and could leave: past its due time, the
    // generator's own lateness (its timer, or every connection busy, as with a real client's pool).
    let leftMs = dueMs;
    const req = request(
      {
        agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': template.head.length + id.length + template.tail.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          inFlight--;
          const timing = res.headers['server-timing'];
          record(dueMs, String(res.statusCode), template.label, leftMs, typeof timing === 'string' ? timing : undefined);
        });
      },
    );
    req.once('socket', () => (leftMs = performance.now() - start));
    req.on('error', () => {
      inFlight--;
      record(dueMs, 'socket-error', template.label);
    });
    req.write(template.head);
    req.write(id);
    req.end(template.tail);
  };

  await new Promise<void>((resolve) => {
    let nextSampleMs = warmupMs;
    let recording = false;
    const tick = () => {
      const elapsed = performance.now() - start;
      if (!recording && elapsed >= warmupMs) {
        recording = true;
        options.onRecordingStart?.();
      }
      // Every request whose due time has passed goes now; its latency still counts from its due time.
      for (let due = index * intervalMs; due <= elapsed && due < endMs; due = index * intervalMs) send(due);
      if (options.onSample && elapsed >= nextSampleMs && elapsed < endMs) {
        options.onSample(elapsed - warmupMs);
        nextSampleMs += options.sampleEveryMs ?? 250;
      }
      if (index * intervalMs < endMs) setTimeout(tick, Math.max(0, Math.min(1, index * intervalMs - elapsed)));
      else resolve();
    };
    tick();
  });
  // Wait for the stragglers (bounded: a lost request counts as an error, not a hang).
  const drainUntil = performance.now() + 30_000;
  while (inFlight > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 5));
  agent.destroy();
  const cpu = process.cpuUsage(cpuAtStart);

  const ok = accepted.totalCount;
  const tail = tailBreakdown(timed);
  const result: LoadResult = {
    offeredRate: options.rate,
    durationMs: options.durationMs,
    sent,
    achievedRate: ok / (options.durationMs / 1000),
    accepted: summary(accepted),
    refused: summary(refused),
    acceptedByLabel: Object.fromEntries([...byLabel].map(([label, histogram]) => [label, summary(histogram)])),
    ...(bySettling ? { acceptedAfterSettling: { ...summary(bySettling.after), settlingMs: options.settlingMs! }, acceptedWhileSettling: summary(bySettling.before) } : {}),
    ...(tail ? { tail } : {}),
    statuses,
    // Refusals, socket errors, answers still missing after the drain, and requests never sent.
    errors: sent - ok + notSent,
    notSent,
    totalSent,
    ...(totalSent > 0 ? { generatorCpuMs: (cpu.user + cpu.system) / 1000 / totalSent } : {}),
  };
  for (const histogram of [accepted, refused, ...byLabel.values(), ...(bySettling ? [bySettling.before, bySettling.after] : [])]) histogram.destroy();
  return result;
}

/** Runs `load` and adds the server's CPU time per request, read before and after. */
async function withCpu(
  cpuTimes: () => CpuTimes,
  load: () => Promise<LoadResult>,
): Promise<LoadResult> {
  const before = cpuTimes();
  const result = await load();
  const after = cpuTimes();
  const n = Math.max(1, result.totalSent);
  const per = (key: keyof CpuTimes) => (after[key] - before[key]) / n;
  return { ...result, cpu: { mainMs: per('mainMs'), otherMs: per('otherMs'), validationMs: per('validationMs'), databaseMs: per('databaseMs') } };
}

/**
 * Runs `load` and adds the refusals the service counted by cause (those with none left out) from
 * the recorded window's start, which `load` signals by calling the function it is given
 * (runLoad's onRecordingStart): refusals during its unrecorded warm-up are not the step's errors.
 * The start is read by a scrape sent at that moment, so a refusal within a few ms of it may land
 * on the wrong side; the errors also count socket errors and requests never sent, which have no cause.
 */
export async function withRefusalCauses(
  refusalsByCause: (() => Promise<Record<string, number>>) | undefined,
  load: (onRecordingStart: () => void) => Promise<LoadResult>,
): Promise<LoadResult> {
  if (!refusalsByCause) return load(() => {});
  // Settled into a value at once: a failed read must not go unhandled while the load runs.
  let atStart: Promise<Record<string, number> | Error> | undefined;
  const result = await load(() => void (atStart = refusalsByCause().catch((error: Error) => error)));
  const before = await atStart;
  if (!before) throw new Error('the load never started its recorded window: no refusal count to start from');
  if (before instanceof Error) throw before;
  const after = await refusalsByCause();
  const causes = Object.entries(after).map(([cause, n]) => [cause, n - (before[cause] ?? 0)] as const).filter(([, n]) => n > 0);
  return { ...result, refusalCauses: Object.fromEntries(causes) };
}

/**
 * runLoad against a server, with its CPU time per request over the run and, for the service, its
 * refusals by cause in the recorded window (a peer has none to read).
 */
export function measuredLoad(server: Pick<ServerProcess, 'cpuTimes' | 'refusalsByCause'>, options: LoadOptions): Promise<LoadResult> {
  return withRefusalCauses(server.refusalsByCause, (onRecordingStart) => withCpu(server.cpuTimes, () => runLoad({ ...options, onRecordingStart })));
}
