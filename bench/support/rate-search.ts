import type { RefusalCause } from '../../src/observability/metrics.js';
import { cpuText, measuredLoad, runLoad, type LoadOptions, type LoadResult } from './load-generator.js';
import type { ServerProcess } from './processes.js';
import type { BodyTemplate } from '../../src/body-template.js';

export interface SearchOptions {
  readonly url: string;
  readonly bodies: readonly BodyTemplate[];
  readonly startRate: number;
  /** A step is sustainable when P99 stays under this and nothing fails. */
  readonly p99LimitMs: number;
  readonly stepMs: number;
  readonly warmupMs: number;
  /** Rate multiplier while every step is sustainable. */
  readonly growth?: number;
  /** Halvings of the (geometric) interval between the last good and the first bad rate. */
  readonly refinements?: number;
  readonly maxRate?: number;
  /** The search gives up (sustainable rate 0) below this rate. */
  readonly minRate?: number;
  readonly label?: string;
  /** The server under test: its CPU time per request at each step, and its refusals by cause when it counts them. */
  readonly server?: Pick<ServerProcess, 'cpuTimes' | 'refusalsByCause'>;
}

export interface SearchResult {
  /** The highest offered rate that was sustainable; 0 when even the first step was not. */
  readonly sustainableRate: number;
  /** Every step, in the order run: latency against offered load. */
  readonly steps: LoadResult[];
}

/** Several searches on one server, one after another (findSustainableRateRepeatedly). */
export interface RepeatedSearch extends SearchResult {
  /** Every search, in the order run; the rate and steps above are the median one's. */
  readonly searches: readonly SearchResult[];
}

/**
 * The search whose rate is the median of them all (for an even count the lower of the two middle
 * ones), as a RepeatedSearch; ties go to the one run first.
 */
export function medianSearch(searches: readonly SearchResult[]): RepeatedSearch {
  if (searches.length === 0) throw new Error('no search to take the median of');
  const byRate = [...searches].sort((a, b) => a.sustainableRate - b.sustainableRate);
  const median = byRate[Math.floor((byRate.length - 1) / 2)];
  return { sustainableRate: median.sustainableRate, steps: median.steps, searches };
}

/**
 * `times` searches (findSustainableRate) one after another on the same server; the median one
 * stands for them. One search is one draw: it stops at the first step with a single error, and a
 * short stall of the machine or the store decides which step that is (eight searches of the same
 * service in a row found 542–1,500 req/s in an earlier session).
 */
export async function findSustainableRateRepeatedly(options: SearchOptions, times: number): Promise<RepeatedSearch> {
  const searches: SearchResult[] = [];
  for (let i = 0; i < times; i++) {
    const label = times > 1 ? `${options.label ?? 'load'} (search ${i + 1} of ${times})` : options.label;
    searches.push(await findSustainableRate({ ...options, label }));
  }
  return medianSearch(searches);
}

export function sustainable(result: LoadResult, p99LimitMs: number): boolean {
  return result.errors === 0 && result.accepted.count > 0 && result.accepted.p99Ms < p99LimitMs;
}

/** The service's refusal causes (pes_overload_refusals_total's labels) as the benchmarks print them. */
const CAUSE_NAMES: Record<RefusalCause, string> = {
  in_flight_limit: 'in-flight limit', backlog: 'backlog', event_loop_lag: 'event-loop lag', commit_wait: 'commit wait', queue_wait: 'queue wait', queue_full: 'queue full',
};

/** "in-flight limit 3, commit wait 1": the service's refusals by cause, '' when it refused none or they were not read. */
export function refusalCauses(result: LoadResult): string {
  return Object.entries(result.refusalCauses ?? {}).map(([cause, n]) => `${CAUSE_NAMES[cause as RefusalCause] ?? cause} ${n.toLocaleString('en-US')}`).join(', ');
}

/** " (refused: in-flight limit 3)" when the service counted its refusals by cause and refused any. */
function refusalText(result: LoadResult): string {
  const causes = refusalCauses(result);
  return causes ? ` (refused: ${causes})` : '';
}

export function describeStep(result: LoadResult): string {
  const a = result.accepted;
  const cpu = result.cpu ? `; CPU ms per request, main / other threads: ${cpuText(result.cpu, (ms) => ms.toFixed(3))}` : '';
  return `${+result.offeredRate.toPrecision(3)} req/s offered → ${+result.achievedRate.toPrecision(3)} ok/s, ` +
    `P50 ${a.p50Ms.toFixed(2)} P99 ${a.p99Ms.toFixed(2)} P99.9 ${a.p999Ms.toFixed(2)} ms, errors ${result.errors}${refusalText(result)}${cpu}`;
}

/**
 * Finds the highest sustainable offered rate: a short unrecorded warm-up, then steps up from
 * `startRate` by `growth` until a step fails (or down until one passes, when the first fails),
 * then halves the geometric interval between the last good and the first bad rate.
 */
export async function findSustainableRate(options: SearchOptions): Promise<SearchResult> {
  const steps: LoadResult[] = [];
  const growth = options.growth ?? 1.5;
  const minRate = options.minRate ?? 0.5;
  // Three significant digits: integers for hundreds of req/s, fractions for big requests.
  const round = (r: number) => +r.toPrecision(3);
  const load = (rate: number, durationMs: number): LoadOptions => ({ url: options.url, bodies: options.bodies, rate, durationMs, warmupMs: options.warmupMs });
  const run = (rate: number, durationMs: number) => runLoad(load(rate, durationMs));
  const step = async (rate: number) => {
    const result = options.server ? await measuredLoad(options.server, load(rate, options.stepMs)) : await run(rate, options.stepMs);
    steps.push(result);
    console.log(`${options.label ?? 'load'}: ${describeStep(result)}`);
    // Let a backlog from an overloaded step clear before the next one.
    await new Promise((r) => setTimeout(r, 300));
    return sustainable(result, options.p99LimitMs);
  };
  // JIT, connections and caches: the first recorded step should not pay for them.
  await run(Math.max(minRate, round(options.startRate / 2)), options.stepMs);

  let good = 0;
  let bad = 0;
  let rate = round(options.startRate);
  while (!(await step(rate))) {
    bad = rate;
    rate = round(rate / growth);
    if (rate < minRate) return { sustainableRate: 0, steps };
  }
  good = rate;
  while (bad === 0) {
    rate = round(rate * growth);
    if (options.maxRate && rate > options.maxRate) break;
    if (await step(rate)) good = rate;
    else bad = rate;
  }
  for (let i = 0; bad > 0 && i < (options.refinements ?? 2); i++) {
    const middle = round(Math.sqrt(good * bad));
    if (middle <= good || middle >= bad) break;
    if (await step(middle)) good = middle;
    else bad = middle;
  }
  return { sustainableRate: good, steps };
}
