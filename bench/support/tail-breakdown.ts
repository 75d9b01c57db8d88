/**
 * Where an answer's time went: the load generator's own view (from the request's due time to the
 * end of the answer, and how late it sent the request) joined with the phases the service reports
 * in its Server-Timing header. Averaged over the slowest answers and over the middle ones, it says
 * what makes the tail: the generator, the pool's queue, the worker, the audit commit, or the time
 * outside the handler (sockets, HTTP parsing, either side's event loop).
 */

/** One answer's times, in ms. */
export interface TimedAnswer {
  /** From the request's due time to the end of the answer. */
  readonly totalMs: number;
  /** From the due time until the request had a connection and left: the generator's own lateness (its timer, or every connection busy). */
  readonly sendLagMs: number;
  /** The service's Server-Timing phases: read, pool (queue, hops and worker), worker, commit. */
  readonly phases: Readonly<Record<string, number>>;
}

/** Means over a group of answers, in ms; the parts add up to totalMs. */
export interface PhaseMeans {
  readonly answers: number;
  readonly totalMs: number;
  readonly generatorMs: number;
  /** Until the handler had the body (Server-Timing `read`). */
  readonly readMs: number;
  /** The pool's queue and the two hops: `pool` less `worker`. */
  readonly queueMs: number;
  readonly workerMs: number;
  readonly commitMs: number;
  /** The rest: sockets, HTTP parsing, and both ends' event loops, before the handler's clock and after its answer. */
  readonly elsewhereMs: number;
}

export interface TailBreakdown {
  /** The slowest `share` of the answers. */
  readonly slowest: PhaseMeans & { readonly share: number };
  /** The answers between the 45th and the 55th percentile. */
  readonly middle: PhaseMeans;
}

/** A Server-Timing parameter `dur=…` (any case, optional spaces and quotes) and its value. */
const DURATION = /^dur\s*=\s*"?([^"]*)"?$/i;

/**
 * "read;dur=0.05, pool;dur=0.61" → { read: 0.05, pool: 0.61 }: the header as the service writes
 * it. Metrics without a numeric duration are left out; a comma inside a quoted `desc` would split
 * a metric (the service writes none).
 */
export function parseServerTiming(header: string): Record<string, number> {
  const phases: Record<string, number> = {};
  for (const metric of header.split(',')) {
    const [name, ...params] = metric.split(';').map((part) => part.trim());
    const value = params.map((p) => DURATION.exec(p)?.[1].trim()).find((v) => v !== undefined);
    const ms = value ? Number(value) : Number.NaN;
    if (name && Number.isFinite(ms)) phases[name] = ms;
  }
  return phases;
}

function means(answers: readonly TimedAnswer[]): PhaseMeans {
  const mean = (pick: (a: TimedAnswer) => number) => answers.reduce((sum, a) => sum + pick(a), 0) / answers.length;
  const phase = (a: TimedAnswer, name: string) => a.phases[name] ?? 0;
  const totalMs = mean((a) => a.totalMs);
  const generatorMs = mean((a) => a.sendLagMs);
  const readMs = mean((a) => phase(a, 'read'));
  const poolMs = mean((a) => phase(a, 'pool'));
  const workerMs = mean((a) => phase(a, 'worker'));
  const commitMs = mean((a) => phase(a, 'commit'));
  return {
    answers: answers.length, totalMs, generatorMs, readMs, queueMs: poolMs - workerMs, workerMs, commitMs,
    elsewhereMs: totalMs - generatorMs - readMs - poolMs - commitMs,
  };
}

/** The breakdown of the slowest `share` (at least one answer) and of the middle tenth; undefined with no answer. */
export function tailBreakdown(answers: readonly TimedAnswer[], share = 0.01): TailBreakdown | undefined {
  if (answers.length === 0) return undefined;
  const sorted = [...answers].sort((a, b) => a.totalMs - b.totalMs);
  const slowest = sorted.slice(sorted.length - Math.max(1, Math.round(sorted.length * share)));
  const from = Math.round(sorted.length * 0.45);
  const middle = sorted.slice(from, Math.max(from + 1, Math.round(sorted.length * 0.55)));
  return { slowest: { ...means(slowest), share }, middle: means(middle) };
}
