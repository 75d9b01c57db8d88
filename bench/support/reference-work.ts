import { performance } from 'node:perf_hooks';
import { median } from './results.js';

/**
 * How fast the machine is, measured with work that never changes: one service at 630 req/s used
 * 1.52 ms of CPU per request in one 8 s window and 1.28 ms three minutes later (2026-12-07,
 * nothing else running), and a whole run can land on a slow or a fast spell. The
 * suite times this task before each scenario and at the end, so the page can say whether the
 * machine held its speed, and two runs can be compared. The task is JSON and arithmetic like the
 * service's, but it uses none of the service's code: no change to the service moves its figure
 * (a change to this file does: runs before and after it no longer compare).
 */

const DOCUMENT_ROWS = 2_000;
const SECTORS = ['Technology', 'Healthcare', 'Financials', 'Energy', 'Utilities', 'Industrials', 'Materials', 'Consumer Staples', 'Consumer Discretionary', 'Real Estate', 'Communication'];
/** Passes over the document per timing: ~20 ms on the machine this was written on. */
const PASSES = 25;

/** A fixed document: the same text in every process (a linear congruential sequence, not Math.random). */
function referenceDocument(): string {
  let seed = 12_345;
  const next = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
  const rows = Array.from({ length: DOCUMENT_ROWS }, (_, k) => ({
    symbol: `SYM${k}`,
    sector: SECTORS[k % SECTORS.length],
    quantity: Math.floor(next() * 10_000),
    price: Math.round(next() * 100_000) / 100,
    beta: Math.round(next() * 200) / 100,
  }));
  return JSON.stringify({ rows });
}

const DOCUMENT = referenceDocument();

interface Row {
  readonly sector: string;
  readonly quantity: number;
  readonly price: number;
  readonly beta: number;
}

/**
 * One timing's work: parse the document, sum value and beta-weighted value by sector into typed
 * arrays, write the sums out as JSON. Returns a checksum (the same every call) so that none of
 * it can be optimised away.
 */
export function referenceWork(): number {
  let checksum = 0;
  for (let pass = 0; pass < PASSES; pass++) {
    const { rows } = JSON.parse(DOCUMENT) as { rows: Row[] };
    const slotOf = new Map<string, number>();
    const value = new Float64Array(SECTORS.length);
    const betaValue = new Float64Array(SECTORS.length);
    for (const row of rows) {
      let slot = slotOf.get(row.sector);
      if (slot === undefined) slotOf.set(row.sector, (slot = slotOf.size));
      value[slot] += row.quantity * row.price;
      betaValue[slot] += row.quantity * row.price * row.beta;
    }
    checksum += JSON.stringify({ sectors: [...slotOf.keys()], value: [...value], betaValue: [...betaValue] }).length;
  }
  return checksum;
}

/** Timings per measurement; their median is the figure (one GC or preemption moves only the extremes). */
export const REFERENCE_ROUNDS = 15;

/**
 * Untimed work before every measurement: in a new process, timings ran 1.5× slower for up to a
 * second (five runs of warm-up were not always enough) while V8's optimised code was still to
 * come, and between scenarios the suite idles for minutes, long enough for V8 to drop code it
 * has not run.
 */
const WARM_UP_MS = 1_000;

/** The median of REFERENCE_ROUNDS timings of referenceWork, in ms, after WARM_UP_MS of it. */
export function timeReferenceWork(): number {
  for (const started = performance.now(); performance.now() - started < WARM_UP_MS; ) referenceWork();
  const times: number[] = [];
  for (let round = 0; round < REFERENCE_ROUNDS; round++) {
    const started = performance.now();
    referenceWork();
    times.push(performance.now() - started);
  }
  return median(times);
}
