/** How the benchmark page words its figures (bench/report.ts): numbers, tables, errors, and what ended a rate search. */
import { cpuText, type LatencySummary, type LoadResult } from './load-generator.js';
import { refusalCauses, type SearchResult } from './rate-search.js';
import { REFERENCE_ROUNDS } from './reference-work.js';
import { IDLE_MS, type ThreadRoundTrip } from './thread-round-trip.js';

export const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
export const pct = (v: number) => `${(v * 100).toFixed(0)} %`;
export const int = (v: number) => Math.round(v).toLocaleString('en-US');
export const rate = (v: number) => (v >= 100 ? int(v) : `${+v.toPrecision(3)}`);

/** " (in-flight limit 3)": which of the service's checks refused, when the run read them and any did. */
export const causesText = (r: LoadResult) => {
  const causes = refusalCauses(r);
  return causes ? ` (${causes})` : '';
};
/** "3 errors (in-flight limit 3)", "1 error", "0 errors". */
export const errorsText = (r: LoadResult) => `${int(r.errors)} ${r.errors === 1 ? 'error' : 'errors'}${causesText(r)}`;

export const table = (head: string[], rows: Array<Array<string | number>>) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
export const latencyCells = (l: LatencySummary) => [ms(l.p50Ms), ms(l.p99Ms), ms(l.p999Ms), ms(l.maxMs)];
export const statuses = (r: LoadResult) => Object.entries(r.statuses).map(([s, n]) => `${s}: ${int(n)}`).join(', ') + causesText(r);

export const cpuCell = (r?: LoadResult) => (r?.cpu ? cpuText(r.cpu, ms) : '–');
export const CPU_LEGEND = 'main thread / other threads, these split by role where the run recorded it; rest: V8\'s GC and compiler helpers, libuv';

/** Cores kept busy by `msPerRequest` of CPU time at `rate` requests a second. */
const cores = (rate: number, msPerRequest: number) => ((rate * msPerRequest) / 1000).toFixed(2);

/**
 * "1.30 + 0.28": the cores a step kept busy, the server's and the load generator's, which shares
 * them. CPU per request counts every request sent, so this holds for steps that sent what they
 * offered (the sustainable ones); '–' for results from before the generator measured itself.
 */
export function coresCell(r?: LoadResult): string {
  if (!r?.cpu || r.generatorCpuMs === undefined) return '–';
  return `${cores(r.offeredRate, r.cpu.mainMs + r.cpu.otherMs)} + ${cores(r.offeredRate, r.generatorCpuMs)}`;
}

/**
 * "; the load generator kept 0.28 cores busy on the same machine", when it measured itself. In
 * cores, not per request: at a few requests a second, its clock's 1 ms ticks outweigh the requests.
 */
export const generatorText = (r: LoadResult) =>
  r.generatorCpuMs === undefined ? '' : `; the load generator kept ${cores(r.offeredRate, r.generatorCpuMs)} cores busy on the same machine`;

export function stepRows(steps: readonly LoadResult[]): Array<Array<string | number>> {
  return [...steps].sort((a, b) => a.offeredRate - b.offeredRate)
    .map((s) => [rate(s.offeredRate), rate(s.achievedRate), ...latencyCells(s.accepted), int(s.errors) + causesText(s), cpuCell(s)]);
}

/** " P99 by kind: compliant 4.1 ms, violating 9.3 ms." when the run labelled its bodies. */
export const byLabel = (r: LoadResult) => {
  const labels = Object.entries(r.acceptedByLabel ?? {});
  return labels.length ? ` P99 by kind: ${labels.map(([label, l]) => `${label} ${ms(l.p99Ms)} ms`).join(', ')}.` : '';
};

export const STEP_HEAD = ['offered req/s', 'achieved 2xx/s', 'P50 ms', 'P99 ms', 'P99.9 ms', 'max ms', 'errors', 'server CPU ms per request: main / other threads'];

/** The search step run at the sustainable rate (the one that set it). */
export const stepAt = (steps: readonly LoadResult[], offered: number) => steps.find((s) => s.offeredRate === offered);

/** The first step above the sustainable rate: the one that ended the search. */
const stepAbove = (steps: readonly LoadResult[], sustainableRate: number): LoadResult | undefined =>
  [...steps].filter((s) => s.offeredRate > sustainableRate).sort((a, b) => a.offeredRate - b.offeredRate)[0];

/** "900 req/s, failed on 3 errors (in-flight limit 3); its P99 was 33.6 ms": the step that ended a search, and why. */
function failedStepText(step: LoadResult, p99LimitMs: number): string {
  const slow = step.accepted.p99Ms >= p99LimitMs;
  const failures = [...(step.errors > 0 ? [errorsText(step)] : []), ...(slow ? [`P99 ${ms(step.accepted.p99Ms)} ms`] : [])];
  return `${rate(step.offeredRate)} req/s, failed on ${failures.join(' and ')}${slow ? '' : `; its P99 was ${ms(step.accepted.p99Ms)} ms`}`;
}

/** " (the step above it, 900 req/s, failed on 3 errors (in-flight limit 3); its P99 was 33.6 ms)": what ended the search. */
export function boundary(steps: readonly LoadResult[], sustainableRate: number, p99LimitMs: number): string {
  const next = stepAbove(steps, sustainableRate);
  return next ? ` (the step above it, ${failedStepText(next, p99LimitMs)})` : '';
}

const COUNT_WORDS = ['no', 'one', 'two', 'three', 'four', 'five'];
const countWord = (n: number) => COUNT_WORDS[n] ?? int(n);

/** A case's searches when several ran, one after another on the same server (results from before commit acb7b70 have none). */
export const repeatedSearches = (c: { searches?: readonly SearchResult[] }): readonly SearchResult[] | undefined =>
  c.searches && c.searches.length > 1 ? c.searches : undefined;

/** "a, b and c". */
export const andList = (items: readonly string[]) => (items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : items.join(''));

/** "720, 900 and 1,160": the searches' rates in the order run. */
export const ratesText = (searches: readonly SearchResult[]) => andList(searches.map((s) => rate(s.sustainableRate)));

/**
 * ", the median of three searches run one after another on the same service, which found 720 req/s
 * (the step above it, 810 req/s, failed on 3 errors (in-flight limit 3); its P99 was 40.1 ms); …": every search and what ended it.
 */
export function searchesText(searches: readonly SearchResult[], p99LimitMs: number, server: string): string {
  const each = searches.map((search) => {
    if (search.sustainableRate > 0) return `${rate(search.sustainableRate)} req/s${boundary(search.steps, search.sustainableRate, p99LimitMs)}`;
    const lowest = [...search.steps].sort((a, b) => a.offeredRate - b.offeredRate)[0];
    return `none${lowest ? ` (its lowest step, ${failedStepText(lowest, p99LimitMs)})` : ''}`;
  });
  return `, the median of ${countWord(searches.length)} searches run one after another on the same ${server}, which found ${each.join('; ')}`;
}

/** " (medians of three searches each: the service's found 720, 900 and 1,160 req/s, the bare route's …)" */
export function spreadText(service: { searches?: readonly SearchResult[] }, bare: { searches?: readonly SearchResult[] }): string {
  const ours = repeatedSearches(service);
  const theirs = repeatedSearches(bare);
  if (!ours || !theirs) return '';
  const count = ours.length === theirs.length ? ` of ${countWord(ours.length)} searches each` : '';
  return ` (medians${count}: the service's found ${ratesText(ours)} req/s, the bare route's ${ratesText(theirs)})`;
}

/** A spread of the machine's speed above this (slowest ÷ fastest reference timing) is called out in bold. */
const SPEED_SPREAD_WARNING = 1.2;

/**
 * The reference task's timings (bench/support/reference-work.ts) before each scenario and at the
 * end, worded for the page's header; '' for results from before the suite took them.
 */
export function machineSpeedText(scenarios: ReadonlyArray<{ scenario: string; referenceMs?: number }>, atEndMs?: number): string {
  const timed = scenarios.filter((s): s is { scenario: string; referenceMs: number } => s.referenceMs !== undefined);
  if (timed.length === 0) return '';
  const all = [...timed.map((s) => s.referenceMs), ...(atEndMs === undefined ? [] : [atEndMs])];
  const fastest = Math.min(...all);
  const spread = Math.max(...all) / fastest;
  const each = timed.map((s) => `${s.scenario} ${ms(s.referenceMs)}`).join(', ');
  const end = atEndMs === undefined ? '' : `, and ${ms(atEndMs)} at the end`;
  const slow = timed.filter((s) => s.referenceMs / fastest > SPEED_SPREAD_WARNING).map((s) => s.scenario);
  const verdict = spread > SPEED_SPREAD_WARNING
    ? `**The machine's speed changed by ${spread.toFixed(2)}× during the run${slow.length ? ` (slower before ${andList(slow)})` : ''}: ` +
      'scenarios run at different speeds compare less well.**'
    : `The slowest timing is ${spread.toFixed(2)}× the fastest.`;
  return `Machine speed: a fixed task that uses none of the service's code (bench/support/reference-work.ts, median of ${REFERENCE_ROUNDS} timings) ` +
    `took, in ms, before each scenario: ${each}${end}. ${verdict} Before comparing two runs, check whether this figure moved between them.`;
}

/**
 * The thread round trips (bench/support/thread-round-trip.ts) before each scenario and at the end,
 * worded for the page's header; '' for results from before the suite timed them.
 */
export function threadRoundTripText(scenarios: ReadonlyArray<{ scenario: string; threadRoundTrip?: ThreadRoundTrip }>, atEnd?: ThreadRoundTrip): string {
  const timed = scenarios.filter((s): s is { scenario: string; threadRoundTrip: ThreadRoundTrip } => s.threadRoundTrip !== undefined);
  if (timed.length === 0) return '';
  const pair = (t: ThreadRoundTrip) => `${t.backToBackUs.toFixed(0)} / ${t.afterIdleUs.toFixed(0)}`;
  const each = timed.map((s) => `${s.scenario} ${pair(s.threadRoundTrip)}`).join(', ');
  const end = atEnd === undefined ? '' : `, and ${pair(atEnd)} at the end`;
  return `Thread round trips: a message to another thread and back (bench/support/thread-round-trip.ts, medians in µs, back to back / after ${IDLE_MS} ms idle) ` +
    `took, before each scenario: ${each}${end}. Every validation makes several such hops, which the one-thread task above does not ` +
    '(see [performance.md](performance.md), "The reference task can miss what slows the service").';
}
