/** The benchmark page's HTTP sections (bench/report.ts): the service under load, case by case, and its peers. */
import type { LoadResult } from './load-generator.js';
import {
  CPU_LEGEND, boundary, byLabel, coresCell, cpuCell, errorsText, generatorText, int, ms, pct, rate, ratesText, repeatedSearches, searchesText, stepAt, stepRows, STEP_HEAD, table,
} from './report-text.js';
import type { SearchResult } from './rate-search.js';
import type { HttpLoadCase, HttpLoadResult, HttpPeersResult } from './suite-results.js';
import type { PhaseMeans } from './tail-breakdown.js';

export function loadSection(load: HttpLoadResult, peers?: HttpPeersResult): string {
  const out = [`## The service under load (${load.database})`, ''];
  out.push(
    'Open model: requests leave on a fixed schedule whatever the answers, and each latency counts from the request\'s',
    'due time, so a slow server cannot hide its queue. A step is *sustainable* when its P99 stays under',
    `${load.p99LimitMs} ms with no error; the rate steps up by 1.5× and the boundary is then narrowed twice.`,
    ...(load.cases.some((c) => repeatedSearches(c))
      ? ['One search is one draw (a single refusal ends it), so each case is searched several times in a row and the median search is reported.']
      : []),
    'The service\'s refusals (503) name the check that made them, from its `pes_overload_refusals_total` (where the run read it):',
    'the limit on validations in flight, the backlog (work in flight, since 2026-12-07), event-loop lag, commit wait, or the pool\'s queue (wait or count).',
    ...(load.serverWarmupMs
      ? [`Before measuring, the service${peers?.serverWarmupMs ? ' and each peer' : ''} got ${load.serverWarmupMs / 1000} s of unrecorded 100-position requests: a service's first seconds are slower.`]
      : []),
    ...(load.cases.some((c) => c.atReportRate.tail) ? TAIL_LEGEND : []),
    '',
  );
  if (peers || load.cases.length) out.push('![Latency against offered load](benchmarks-latency.svg)', '');
  for (const c of load.cases) out.push(...caseBlock(`${int(c.positions)} positions, 5 policies, ${pct(c.violatingShare)} of decisions violating`, c, load));
  const pg = load.postgres;
  if (pg?.case) {
    out.push(...caseBlock(`100 positions again, with a ${pg.database}`, pg.case, load));
    out.push('The CPU columns are the service process only; the PostgreSQL server\'s own processes share the same cores.', '');
  } else if (pg?.skipped) out.push('### 100 positions with a PostgreSQL server', '', `**Skipped**: ${pg.skipped}.`, '');
  return out.join('\n');
}

function caseBlock(title: string, c: HttpLoadCase, load: HttpLoadResult): string[] {
  const r = c.atReportRate;
  const searches = repeatedSearches(c);
  return [
    `### ${title}`,
    '',
    c.sustainableRate > 0
      ? `Highest sustainable rate: **${rate(c.sustainableRate)} req/s**${searches ? searchesText(searches, load.p99LimitMs, 'service') : boundary(c.steps, c.sustainableRate, load.p99LimitMs)}. ` +
        `At ${pct(load.reportShare)} of it (${rate(r.offeredRate)} req/s for ${r.durationMs / 1000} s):`
      : `**No step was sustainable** (P99 ≥ ${load.p99LimitMs} ms even at the lowest rate)${searches ? ` in the median search${searchesText(searches, load.p99LimitMs, 'service')}` : ''}. ` +
        `At the lowest rate (${rate(r.offeredRate)} req/s for ${r.durationMs / 1000} s):`,
    `P50 **${ms(r.accepted.p50Ms)} ms**, P99 **${ms(r.accepted.p99Ms)} ms**, P99.9 **${ms(r.accepted.p999Ms)} ms**, ${rate(r.achievedRate)} answers/s, ${errorsText(r)};`,
    `server CPU per request ${cpuCell(r)} ms (${r.cpu?.validationMs || r.cpu?.databaseMs ? CPU_LEGEND : 'main thread / other threads'})${generatorText(r)}.${byLabel(r)}`,
    '',
    ...tailBlock(r),
    ...(searches ? ['The steps of the median search:', ''] : []),
    table(STEP_HEAD, stepRows(c.steps)),
    '',
  ];
}

const TAIL_LEGEND = [
  'Where the time went, at each case\'s headline rate: means in ms of the slowest 1 % of answers and of the middle tenth, from the',
  'service\'s `Server-Timing` and the load generator\'s clock. *Generator late*: from the due time until the request had a connection',
  'and left; *outside the handler*: sockets, HTTP parsing and either side\'s event loop; *pool queue*: the wait for a worker and the',
  'two hops; *commit*: the wait for the audit record\'s commit.',
];

/** Where the slowest answers' time went against the middle ones', when the service said (Server-Timing). */
function tailBlock(r: LoadResult): string[] {
  const tail = r.tail;
  if (!tail) return [];
  const row = (name: string, m: PhaseMeans) =>
    [name, int(m.answers), ms(m.totalMs), ms(m.generatorMs), ms(m.elsewhereMs), ms(m.readMs), ms(m.queueMs), ms(m.workerMs), ms(m.commitMs)];
  return [
    'Where the time went at that rate (means in ms):',
    '',
    table(
      ['answers', 'count', 'total', 'generator late', 'outside the handler', 'body read', 'pool queue', 'worker', 'commit'],
      [row(`slowest ${pct(tail.slowest.share)}`, tail.slowest), row('middle 10 % (45th–55th percentile)', tail.middle)],
    ),
    '',
  ];
}

/** The peers' P99 at the same share of their own rates: what this machine allows there, for comparison. */
export function peersAtShare(peers?: HttpPeersResult): string {
  const at = (peers?.cases ?? []).filter((c) => c.atReportRate);
  if (at.length === 0) return '';
  return `. The peers at ${pct(peers!.reportShare ?? 0.7)} of their own rates: ` +
    at.map((c) => `${c.peer} P99 ${ms(c.atReportRate!.accepted.p99Ms)} ms at ${int(c.atReportRate!.offeredRate)} req/s`).join(', ');
}

export function peersSection(peers: HttpPeersResult, cpus: number, load?: HttpLoadResult): string {
  const serviceCase = load?.cases.find((c) => c.positions === peers.positions);
  const bare = peers.cases.find((c) => c.peer === 'bare')?.sustainableRate ?? 0;
  const what: Record<string, string> = {
    bare: 'bare Fastify route: parse, TypeBox-validate, answer a small object (the ceiling)',
    inline: 'a worker\'s work (evaluate + suggested adjustment) inline on the main thread; no pool, no database',
    pool: 'the same through the worker pool, raw body to the worker; no database',
  };
  const share = (v: number) => (bare ? pct(v / bare) : '–');
  // The median, and every search's rate when several ran.
  const rateCell = (c: { sustainableRate: number; searches?: SearchResult[] }) => {
    const searches = repeatedSearches(c);
    return searches ? `${int(c.sustainableRate)} (${ratesText(searches)})` : int(c.sustainableRate);
  };
  const atShare = (r?: LoadResult) => (r ? `${ms(r.accepted.p50Ms)} / ${ms(r.accepted.p99Ms)} at ${int(r.offeredRate)} req/s` : '–');
  const rows = peers.cases.map((c) => [
    what[c.peer], rateCell(c), share(c.sustainableRate), atShare(c.atReportRate), cpuCell(stepAt(c.steps, c.sustainableRate)),
    coresCell(stepAt(c.steps, c.sustainableRate)),
  ]);
  if (serviceCase) {
    rows.push([
      'the service: pool + audit record committed before the answer', rateCell(serviceCase), share(serviceCase.sustainableRate),
      atShare(serviceCase.atReportRate), cpuCell(stepAt(serviceCase.steps, serviceCase.sustainableRate)),
      coresCell(stepAt(serviceCase.steps, serviceCase.sustainableRate)),
    ]);
  }
  return [
    `## Peers (${peers.positions} positions, same load search)`,
    '',
    'Each server in its own process. CPU per request is read from /proc at the sustainable step: the main thread\'s figure',
    'bounds the throughput on any number of cores (1,000 / ms per request), and is far steadier than latency on a shared machine.',
    'Each server is also loaded at the same share of its own highest rate as the service\'s headline latency: on two cores shared',
    'with the load generator, that is what even a route without a pool or a database keeps at that load.',
    'The last column is the cores kept busy at the sustainable step: the server\'s, and the load generator\'s own, which runs on the same',
    `machine (${cpus} cores): figures that add up to about ${cpus} have filled it. A server on one thread (the bare route, the inline engine)`,
    'fills one core at most, and what the generator uses, the server cannot.',
    '',
    table(['server', `highest sustainable req/s${peers.cases.some((c) => repeatedSearches(c)) ? ' (each search\'s, in the order run; the median counts)' : ''}`, 'share of the ceiling', `P50 / P99 ms at ${pct(peers.reportShare ?? 0.7)} of its rate`, 'CPU ms per request: main / other threads', 'cores busy at that step: server + load generator'], rows),
    '',
    ...peers.cases.flatMap((c) => [`<details><summary>${c.peer}: every step${repeatedSearches(c) ? ' of the median search' : ''}</summary>`, '', table(STEP_HEAD, stepRows(c.steps)), '', '</details>', '']),
  ].join('\n');
}
