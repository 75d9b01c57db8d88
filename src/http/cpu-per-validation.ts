/**
 * The CPU time one admitted validation has cost lately, counting every thread of the process
 * (HTTP thread, workers, database thread, V8's helpers): what the admission control multiplies by
 * the validations in flight to tell how much work it has already taken on (src/http/admission.ts).
 *
 * Every admitted validation counts once it settles, whatever its answer (200, 422, a failure): its
 * CPU was spent. Sampled once per admission interval, from intervals in which at least MIN_SETTLED
 * settled: fewer, and the process's own background work (timers, policy polls, a checkpoint)
 * would be charged to a handful of validations. The CPU of an interval too quiet to sample is
 * charged to none. Refusals' CPU counts: in overload, a validation's share of the cores is its
 * own work plus the refusals around it.
 */

/** Fewest validations settled in an interval for its CPU time to be a sample. */
export const MIN_SETTLED = 10;
/** Weight of each new sample in the moving average: about the last five intervals count. */
const SMOOTHING = 0.2;

export class CpuPerValidation {
  private settledSince = 0;
  private last: NodeJS.CpuUsage;
  private averageMs = 0;

  constructor(private readonly cpuUsage: () => NodeJS.CpuUsage = () => process.cpuUsage()) {
    this.last = cpuUsage();
  }

  /**
   * Starts the first interval now: the CPU spent before (the start-up's warm-up validations, which
   * no admitted validation settled) is charged to none.
   */
  restart(): void {
    this.last = this.cpuUsage();
    this.settledSince = 0;
  }

  /** One admitted validation settled in the current interval. */
  settled(): void {
    this.settledSince++;
  }

  /** Closes an interval: its CPU time per validation settled becomes a sample if enough did. */
  closeInterval(): void {
    const now = this.cpuUsage();
    const cpuMs = (now.user - this.last.user + now.system - this.last.system) / 1000;
    if (this.settledSince >= MIN_SETTLED) {
      const sample = cpuMs / this.settledSince;
      this.averageMs = this.averageMs === 0 ? sample : this.averageMs + SMOOTHING * (sample - this.averageMs);
    }
    this.last = now;
    this.settledSince = 0;
  }

  /** CPU ms per validation; 0 until an interval has been sampled. */
  get ms(): number {
    return this.averageMs;
  }
}
