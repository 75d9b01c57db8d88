import { performance } from 'node:perf_hooks';

/**
 * How fast the machine is, measured with work that never changes: the same service on the same
 * machine used 1.52 ms of CPU per request in one window and 1.19 ms in another half an hour later
 * (2026-12-07, nothing else running), and a whole run can land on a slow or a fast spell. The
 * suite times this task before each scenario and at the end, so the page can say whether the
 * machine held its speed, and two runs can be compared. The task is JSON and arithmetic like the
 * service's, but it uses none of the service's code: a commit cannot change its figure.
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

/** A median, with the fastest and slowest timing: one GC or preemption moves only the extremes. */
export interface ReferenceTiming {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * Untimed work first, once per process: in a new process, timings ran 1.5× slower for up to a
 * second (five runs of warm-up were not always enough) while V8's optimised code was still to come.
 */
const WARM_UP_MS = 1_500;
let warmedUp = false;

/** `rounds` timings of referenceWork (after WARM_UP_MS of it, the first time in a process). */
export function timeReferenceWork(rounds = 15): ReferenceTiming {
  for (const started = performance.now(); !warmedUp && performance.now() - started < WARM_UP_MS; ) referenceWork();
  warmedUp = true;
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    referenceWork();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(rounds / 2)], minMs: times[0], maxMs: times[rounds - 1] };
}
