import { performance } from 'node:perf_hooks';

/**
 * Sheds validations while the HTTP thread itself is saturated. The pool's bounded queue sheds
 * when the workers are the bottleneck; when the HTTP thread is (reading bodies, the embedded
 * database, answering), requests wait in the socket backlog where no queue limit sees them, and
 * every latency grows without bound. The symptom is event-loop lag: a timer due every `probeMs`
 * runs late by about the time the loop spent on other work. While two probes in a row ran more
 * than `maxLagMs` late (one late probe is a pause, e.g. garbage collection; two is a backlog),
 * new validations are refused at once (503): a refusal costs a small fraction of a validation,
 * so the loop catches up and the requests it accepts keep their latency.
 */
export class EventLoopGuard {
  private lag = 0;
  private previousLag = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly maxLagMs: number,
    probeMs = 10,
  ) {
    let due = performance.now() + probeMs;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.previousLag = this.lag;
      this.lag = Math.max(0, now - due);
      due = now + probeMs;
    }, probeMs);
    this.timer.unref();
  }

  /** How late the last probe ran, in ms. */
  get lagMs(): number {
    return this.lag;
  }

  /** Whether new work should be refused now; never when maxLagMs is 0 (guard off). */
  get saturated(): boolean {
    return this.maxLagMs > 0 && Math.min(this.lag, this.previousLag) > this.maxLagMs;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
