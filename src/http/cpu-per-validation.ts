/**
 * The CPU time one answered validation has cost lately, counting every thread of the process (HTTP
 * thread, workers, database thread, V8's helpers): what the admission control multiplies by the
 * validations in flight to tell how much work it has already taken on (src/http/admission.ts).
 *
 * Sampled once per admission interval, from intervals that answered at least MIN_ANSWERED:
 * fewer, and the process's own background work (timers, policy polls, a checkpoint) would be
 * charged to a handful of validations. The CPU of an interval too quiet to sample is charged to
 * none. Refusals' CPU counts: in overload, a validation's share of the cores is its own work plus
 * the refusals around it.
 */

/** Fewest validations answered in an interval for its CPU time to be a sample. */
export const MIN_ANSWERED = 10;
/** Weight of each new sample in the moving average: about the last five intervals count. */
const SMOOTHING = 0.2;

export class CpuPerValidation {
  private answeredSince = 0;
  private last: NodeJS.CpuUsage;
  private averageMs = 0;

  constructor(private readonly cpuUsage: () => NodeJS.CpuUsage = () => process.cpuUsage()) {
    this.last = cpuUsage();
  }

  /** One validation answered in the current interval. */
  answered(): void {
    this.answeredSince++;
  }

  /** Closes an interval: its CPU time per validation answered becomes a sample if enough were. */
  closeInterval(): void {
    const now = this.cpuUsage();
    const cpuMs = (now.user - this.last.user + now.system - this.last.system) / 1000;
    if (this.answeredSince >= MIN_ANSWERED) {
      const sample = cpuMs / this.answeredSince;
      this.averageMs = this.averageMs === 0 ? sample : this.averageMs + SMOOTHING * (sample - this.averageMs);
    }
    this.last = now;
    this.answeredSince = 0;
  }

  /** CPU ms per validation; 0 until an interval has been sampled. */
  get ms(): number {
    return this.averageMs;
  }
}
