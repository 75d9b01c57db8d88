import { availableCores } from '../cpu-cores.js';
import { CpuPerValidation } from './cpu-per-validation.js';

/**
 * Admission control for validations: refuse new ones (503) while the service is already behind,
 * so that the ones it accepts keep their latency and it recovers by itself. The pool's bounded
 * queue (count and bytes) sheds when the workers are the bottleneck; the checks here see what no
 * queue limit sees:
 *  - the HTTP thread itself (reading bodies, the embedded database's synchronous writes,
 *    answering): requests then wait unread in the socket backlog. Symptom: event-loop lag, i.e.
 *    a timer due every `probeMs` runs late. A loop found B ms behind refuses for the next B ms:
 *    what arrived meanwhile is refused cheaply instead of admitted as one big burst (which would
 *    make the next database batch, and the next block, bigger still).
 *  - the audit store: records wait for their commit. Symptom: the oldest record still waiting
 *    has waited longer than `maxCommitWaitMs`. (Audit writes are small whatever the request's
 *    size, so unlike a request's age this does not mistake a big request for a backlog.) Its
 *    limit (config.ts) is the whole 100 ms objective, not half like the loop's: a store that
 *    pauses for less delays the answers behind it without making them late, and refusing
 *    meanwhile turns short waits into 503s, each retried a second later. At 450 req/s on a
 *    PostgreSQL server, four alternating rounds of 20 s each, 50 ms refused 0, 0, 13 and 20 for
 *    commit waits and 100 ms none, with the same accepted P99 (15.0–16.5 against 15.4–24.0 ms);
 *    on PGlite at 800 req/s neither refused for it in four rounds.
 *  - the work already admitted: the validations in flight × the CPU time one has cost lately
 *    (all threads, src/http/cpu-per-validation.ts) ÷ the cores is the least time the service
 *    needs to answer them. New ones are refused while that is above `maxBacklogMs`. The limit
 *    below learns of a queue from the waits of answered validations, at the earliest ~100 ms
 *    into a jump in load; everything that arrives meanwhile is admitted and waits. This check
 *    sees the backlog as it is admitted. At twice the sustainable rate after half of it (2 cores,
 *    same-time alternating runs, 13 rounds each), accepted P99 was 60–104 ms, median 85, with a
 *    40 ms bound against 75–177 ms, median 112, without; in the first 100 ms of the jump (9 of
 *    those rounds) 30–90 against 72–199 ms. At steady loads (900–1,300 req/s at 100 positions,
 *    45–75 at 10,000) it refused no more in all than the service without it.
 *  - anywhere, including the cores themselves when threads outnumber them: validations keep
 *    waiting (a validation's wait is its time in the service less its own work in the worker).
 *    Symptom: the median wait of the validations answered in an interval is above
 *    `maxStandingWaitMs`, two intervals in a row (one stall, a GC or a checkpoint, is not a
 *    queue). The answer is a limit on validations in flight, not a switch: while the queue
 *    stands, the limit falls to 3/4 of the most that were in flight (not below two per
 *    thread); while the median wait is under half the target it grows by a quarter each
 *    interval in which it was reached, and each interval after five intervals of such waits,
 *    until it is lifted (four times the most in flight since it fell).
 *    Intervals are 50 ms (ADMISSION_INTERVAL_MS): the limit falls at the earliest ~100 ms into a
 *    jump in load rather than ~200 ms, and what a jump lets in meanwhile is what the accepted tail is made
 *    of. From half to twice the sustainable rate (same-time alternating runs on 2 cores, 9 rounds
 *    each): accepted P99 54–110 ms, median 65, against 80–205 ms, median 100, with 100 ms
 *    intervals, lower in every round; refusals at 0.7–1× the sustainable rate were no more
 *    frequent. 25 ms intervals did no better than 50 (62–78 ms in 4 rounds).
 *    The switch this replaces (refuse everything while the least wait of two intervals was
 *    above the target) let the queue drain, then admitted everything at once: at twice the
 *    sustainable rate, bursts of a few hundred admitted requests queued behind each other
 *    (accepted P99 134–383 ms against 60–94 ms with the limit, in same-time A/B runs on 2
 *    cores). The least wait also missed queues here: with several stages, one lucky
 *    validation reset it while 40 were in flight.
 * Each counts only while at least `minInFlight` validations are in flight: with fewer there is
 * no backlog to protect (a lone slow start-up write or pause is not overload).
 * A refusal costs a small fraction of a validation, so refusing lets the service catch up.
 */
/** Length of the intervals whose median waits steer the limit on validations in flight, and whose CPU time per validation the backlog check uses (ms). */
export const ADMISSION_INTERVAL_MS = 50;
/** Intervals of short waits after which an unreached limit grows back. */
const CALM_INTERVALS = 5;
/**
 * A limit grown unreached past this multiple of the most in flight since it fell is lifted (no
 * limit, as before the first queue): it no longer holds anything back, and growing by a quarter
 * every 50 ms interval it would read 10^8 after three seconds of calm and overflow within three minutes.
 */
const LIFT_FACTOR = 4;

/** Which of the admission control's checks refused a validation (the refusal metric's label). */
export type AdmissionCause = 'in_flight_limit' | 'backlog' | 'event_loop_lag' | 'commit_wait';

export interface AdmissionRefusal {
  readonly cause: AdmissionCause;
  /** For the 503's message: what was found behind, with its figure. */
  readonly reason: string;
}

export interface AdmissionOptions {
  /** How far behind, in ms, the event loop may fall before it refuses; 0 = never. */
  readonly maxLagMs: number;
  /** How long, in ms, the oldest audit record may wait for its commit before it refuses; 0 = never. */
  readonly maxCommitWaitMs: number;
  /** Lower the limit on validations in flight while the median wait of two intervals in a row is above this (ms); 0 = never. */
  readonly maxStandingWaitMs: number;
  /** Refuse while the validations in flight amount to more than this many ms of work for all the cores; 0 or absent = never. */
  readonly maxBacklogMs?: number;
  /** Fewest validations in flight that make a backlog (e.g. the pool's thread count). */
  readonly minInFlight: number;
  /** The cores the service's threads share (default: those it may use, a container's CPU quota counted). */
  readonly cores?: number;
  /** The process's CPU time so far (default: process.cpuUsage()). */
  readonly cpuUsage?: () => NodeJS.CpuUsage;
  readonly probeMs?: number;
  readonly intervalMs?: number;
}

export class AdmissionControl {
  private lag = 0;
  /** performance.now() until which the loop counts as behind. */
  private behindUntil = 0;
  /** The lag that set behindUntil (for the refusal's reason: later probes may find the loop on time). */
  private behindBy = 0;
  private timer?: NodeJS.Timeout;
  /** Start times of the audit commits awaited now, oldest first (a Map keeps insertion order). */
  private readonly commits = new Map<object, number>();
  /** Validations admitted and not yet answered. */
  private admittedNow = 0;

  /** Waits of the validations answered in the current interval. */
  private intervalWaits: number[] = [];
  private intervalEnds = 0;
  private previousMedianWait = 0;
  /** Validations admitted at once; no limit until a queue first stands. */
  private admitLimit = Number.POSITIVE_INFINITY;
  /** The standing wait that last lowered the limit (for the refusal's reason). */
  private loweredFor = 0;
  /** The most validations in flight during the current interval. */
  private peakInFlight = 0;
  /** The most validations in flight in any interval since the limit last fell. */
  private peakSinceLowered = 0;
  /** Intervals in a row whose standing wait was under half the target. */
  private calmIntervals = 0;

  private readonly maxLagMs: number;
  private readonly maxCommitWaitMs: number;
  private readonly maxStandingWaitMs: number;
  private readonly maxBacklogMs: number;
  private readonly minInFlight: number;
  private readonly cores: number;
  private readonly cpu: CpuPerValidation;
  private readonly probeMs: number;
  private readonly intervalMs: number;

  constructor(options: AdmissionOptions) {
    this.maxLagMs = options.maxLagMs;
    this.maxCommitWaitMs = options.maxCommitWaitMs;
    this.maxStandingWaitMs = options.maxStandingWaitMs;
    this.maxBacklogMs = options.maxBacklogMs ?? 0;
    this.minInFlight = options.minInFlight;
    this.cores = options.cores ?? availableCores();
    this.cpu = new CpuPerValidation(options.cpuUsage);
    this.probeMs = options.probeMs ?? 10;
    this.intervalMs = options.intervalMs ?? ADMISSION_INTERVAL_MS;
  }

  /** Validations admitted at once now (Infinity: no limit). */
  get limit(): number {
    return this.admitLimit;
  }

  /** Validations admitted and not yet answered. */
  get inFlight(): number {
    return this.admittedNow;
  }

  /** The CPU time one admitted validation has cost lately, all threads (ms; 0 until measured). */
  get cpuPerValidationMs(): number {
    return this.cpu.ms;
  }

  /** Starts probing the event loop: once the app is ready, so that its own start-up does not count as lag. */
  start(): void {
    if (this.timer || (this.maxLagMs === 0 && this.maxStandingWaitMs === 0 && this.maxBacklogMs === 0)) return;
    const probeMs = this.probeMs;
    let due = performance.now() + probeMs;
    this.intervalEnds = due + this.intervalMs;
    this.cpu.restart();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.lag = Math.max(0, now - due);
      // A shorter lag found meanwhile (a busy loop catching up) does not cut a longer one's refusal short.
      if (this.maxLagMs > 0 && this.lag > this.maxLagMs && now + this.lag > this.behindUntil) {
        this.behindUntil = now + this.lag;
        this.behindBy = this.lag;
      }
      due = now + probeMs;
      if (now >= this.intervalEnds) {
        const median = medianOf(this.intervalWaits);
        const previous = this.previousMedianWait;
        this.previousMedianWait = median;
        this.intervalWaits = [];
        this.intervalEnds = now + this.intervalMs;
        this.adaptLimit(Math.min(median, previous));
        this.cpu.closeInterval();
      }
    }, probeMs);
    this.timer.unref();
  }

  /** `standingWait`: the lesser of the last two intervals' median waits (0 when one answered nothing). */
  private adaptLimit(standingWait: number): void {
    const target = this.maxStandingWaitMs;
    const calm = standingWait < target / 2;
    this.calmIntervals = calm ? this.calmIntervals + 1 : 0;
    this.peakSinceLowered = Math.max(this.peakSinceLowered, this.peakInFlight);
    if (target > 0 && standingWait > target) {
      // Never below two per thread: a validation in flight is either in a worker or awaiting its commit.
      this.admitLimit = Math.max(2 * this.minInFlight, Math.floor(Math.min(this.admitLimit, this.peakInFlight) * 0.75));
      this.loweredFor = standingWait;
      this.peakSinceLowered = this.peakInFlight;
    } else if (calm && (this.peakInFlight >= this.admitLimit || this.calmIntervals >= CALM_INTERVALS)) {
      // An unreached limit grows only after CALM_INTERVALS of short waits: left low after one
      // spell of queueing it would refuse the next burst at a load the service carries, yet
      // raised while unreached in overload it would let a burst in.
      this.admitLimit = Math.ceil(this.admitLimit * 1.25);
      if (this.admitLimit > LIFT_FACTOR * this.peakSinceLowered) this.admitLimit = Number.POSITIVE_INFINITY;
    }
    this.peakInFlight = this.admittedNow;
  }

  /** How long an answered validation waited: its time in the service less its own work. */
  observeWait(waitMs: number): void {
    // Only while intervals close: otherwise (the limit off, or not yet started) the list would only grow.
    if (this.timer && this.maxStandingWaitMs > 0) this.intervalWaits.push(waitMs);
  }

  /** Why new validations should be refused now, or undefined to accept them. */
  behind(): AdmissionRefusal | undefined {
    if (this.admittedNow < this.minInFlight) return undefined;
    const now = performance.now();
    if (this.admittedNow >= this.admitLimit) {
      return {
        cause: 'in_flight_limit',
        reason: `${this.admittedNow} validations are in flight, its limit since half the validations answered in each of two ${this.intervalMs} ms intervals waited at least ${Math.round(this.loweredFor)} ms`,
      };
    }
    if (this.maxBacklogMs > 0) {
      const backlogMs = (this.admittedNow * this.cpu.ms) / this.cores;
      if (backlogMs > this.maxBacklogMs) {
        return { cause: 'backlog', reason: `the ${this.admittedNow} validations in flight hold ~${Math.round(backlogMs)} ms of work for its ${+this.cores.toFixed(2)} cores` };
      }
    }
    if (now < this.behindUntil) return { cause: 'event_loop_lag', reason: `its event loop ran ${Math.round(this.behindBy)} ms late` };
    if (this.maxCommitWaitMs === 0) return undefined;
    const oldest = this.commits.values().next();
    if (!oldest.done && now - oldest.value > this.maxCommitWaitMs) {
      return { cause: 'commit_wait', reason: `audit records have waited ${Math.round(now - oldest.value)} ms for their commit` };
    }
    return undefined;
  }

  /** Runs one admitted validation, counting it in flight until it settles. */
  async admitted<T>(validation: () => Promise<T>): Promise<T> {
    this.admittedNow++;
    if (this.admittedNow > this.peakInFlight) this.peakInFlight = this.admittedNow;
    try {
      return await validation();
    } finally {
      this.admittedNow--;
      this.cpu.settled();
    }
  }

  /** Runs `commit`, counting how long it waits. */
  async trackCommit<T>(commit: () => Promise<T>): Promise<T> {
    const token = {};
    this.commits.set(token, performance.now());
    try {
      return await commit();
    } finally {
      this.commits.delete(token);
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The median of `values` (sorted in place); 0 for none. */
function medianOf(values: number[]): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  return values[values.length >> 1];
}
