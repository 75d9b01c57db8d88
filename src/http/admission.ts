import { performance } from 'node:perf_hooks';

/**
 * Admission control for validations: refuse new ones (503) while the service is already behind,
 * so that the ones it accepts keep their latency and it recovers by itself. The pool's bounded
 * queue (count and bytes) sheds when the workers are the bottleneck; two other places can fall
 * behind without any queue limit seeing it:
 *  - the HTTP thread itself (reading bodies, the embedded database's synchronous writes,
 *    answering): requests then wait unread in the socket backlog. Symptom: event-loop lag, i.e.
 *    a timer due every `probeMs` runs late. A loop found B ms behind refuses for the next B ms:
 *    what arrived meanwhile is refused cheaply instead of admitted as one big burst (which would
 *    make the next database batch, and the next block, bigger still).
 *  - the audit store: records wait for their commit. Symptom: the oldest record still waiting
 *    has waited long. (Audit writes are small whatever the request's size, so unlike a request's
 *    age this does not mistake a big request for a backlog.)
 *  - anywhere, including the cores themselves when threads outnumber them: validations keep
 *    waiting. Symptom (as in CoDel): even the validation that waited least in the last
 *    `intervalMs` waited longer than `maxStandingWaitMs` (its wait is its time in the service
 *    less its own work in the worker). A burst makes some wait and others not; only a standing
 *    queue makes all of them wait, whatever their size. Two intervals in a row must say so.
 * Each counts only while at least `minInFlight` validations are in flight: with fewer there is
 * no backlog to protect (a lone slow start-up write or pause is not overload).
 * A refusal costs a small fraction of a validation, so refusing lets the service catch up.
 */
export class AdmissionControl {
  private lag = 0;
  /** performance.now() until which the loop counts as behind. */
  private behindUntil = 0;
  private timer?: NodeJS.Timeout;
  /** Start times of the audit commits awaited now, oldest first (a Map keeps insertion order). */
  private readonly commits = new Map<object, number>();
  /** Validations admitted and not yet answered. */
  private inFlight = 0;

  /** The least wait of the validations answered in the current interval (Infinity: none yet). */
  private intervalLeastWait = Number.POSITIVE_INFINITY;
  private intervalEnds = 0;
  private previousLeastWait = 0;
  /** The least wait over the last two whole intervals; 0 when nothing was answered in one of them. */
  private standingWait = 0;

  constructor(
    /** How far behind, in ms, the event loop or the oldest audit commit may fall before it refuses; 0 = never. */
    private readonly maxLagMs: number,
    /** Refuse while every validation of the last two intervals waited longer than this (ms); 0 = never. */
    private readonly maxStandingWaitMs: number,
    /** Fewest validations in flight that make a backlog (e.g. the pool's thread count). */
    private readonly minInFlight: number,
    private readonly probeMs = 10,
    private readonly intervalMs = 100,
  ) {}

  /** Starts probing the event loop: once the app is ready, so that its own start-up does not count as lag. */
  start(): void {
    if (this.timer || (this.maxLagMs === 0 && this.maxStandingWaitMs === 0)) return;
    const probeMs = this.probeMs;
    let due = performance.now() + probeMs;
    this.intervalEnds = due + this.intervalMs;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.lag = Math.max(0, now - due);
      if (this.maxLagMs > 0 && this.lag > this.maxLagMs) this.behindUntil = now + this.lag;
      due = now + probeMs;
      if (now >= this.intervalEnds) {
        // Standing only when two intervals in a row say so: one stall (a GC, a checkpoint) is not a queue.
        const least = Number.isFinite(this.intervalLeastWait) ? this.intervalLeastWait : 0;
        this.standingWait = Math.min(least, this.previousLeastWait);
        this.previousLeastWait = least;
        this.intervalLeastWait = Number.POSITIVE_INFINITY;
        this.intervalEnds = now + this.intervalMs;
      }
    }, probeMs);
    this.timer.unref();
  }

  /** How long an answered validation waited: its time in the service less its own work. */
  observeWait(waitMs: number): void {
    if (waitMs < this.intervalLeastWait) this.intervalLeastWait = waitMs;
  }

  /** Why new validations should be refused now, or undefined to accept them. */
  behind(): string | undefined {
    if (this.inFlight < this.minInFlight) return undefined;
    const now = performance.now();
    if (this.maxStandingWaitMs > 0 && this.standingWait > this.maxStandingWaitMs) {
      return `every validation answered in the last ${2 * this.intervalMs} ms waited at least ${Math.round(this.standingWait)} ms`;
    }
    if (this.maxLagMs === 0) return undefined;
    if (now < this.behindUntil) return `its event loop ran ${Math.round(this.lag)} ms late`;
    const oldest = this.commits.values().next();
    if (!oldest.done && now - oldest.value > this.maxLagMs) {
      return `audit records have waited ${Math.round(now - oldest.value)} ms for their commit`;
    }
    return undefined;
  }

  /** Runs one admitted validation, counting it in flight until it settles. */
  async admitted<T>(validation: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await validation();
    } finally {
      this.inFlight--;
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
