import { Piscina } from 'piscina';
import { ServiceError } from '../errors.js';
import { VALIDATION_WORKER_FILE } from '../paths.js';
import type { SharedPolicySet } from '../policies/shared-policy-set.js';
import type { HeadroomOutcome, HeadroomTask, ValidationOutcome, ValidationTask } from '../../workers/messages.js';

export interface ValidationPoolOptions {
  readonly threads: number;
  readonly maxQueue: number;
  /**
   * New tasks get 503 when the work already in flight would keep them waiting longer than this
   * (ms). A count alone cannot bound the wait: 128 queued 25 KB bodies wait a few ms, 128 queued
   * 2.3 MB ones seconds, and a worker sharing its core with other work is slower than alone.
   * A task arriving at an idle pool is always taken, and so is the warm-up's (validate's `shed: false`).
   */
  readonly maxQueueWaitMs?: number;
  readonly filename?: string;
}

/**
 * Why the pool refused a task (the refusal metric's label): the work in flight would keep it
 * waiting past maxQueueWaitMs, or the queue holds maxQueue tasks.
 */
export type PoolRefusalCause = 'queue_wait' | 'queue_full';

/** A worker's time grows with the body it parses: ~1 ms per 50 KB until measured. */
const INITIAL_MS_PER_BYTE = 1 / 50_000;
/** Weight of each new measurement in the moving average of ms per byte. */
const SMOOTHING = 0.05;

/**
 * The worker pool every validation runs in. FIFO dispatch (Piscina's default requeues a task it
 * cannot place at the tail, which starves early requests under load), a bounded queue (503 when
 * full), and request bodies transferred, never copied.
 */
export class ValidationPool {
  readonly piscina: Piscina;
  /** Tasks handed to Piscina and not yet settled: queued plus running. */
  private inFlight = 0;
  /** Body bytes of the tasks in flight. */
  private inFlightBytes = 0;
  /** Of the tasks in flight, the validations (each may become an audit record). */
  private validationCount = 0;
  /** Worker time per body byte, a moving average of what the workers report (elapsedMs / bytes). */
  private msPerByte = INITIAL_MS_PER_BYTE;
  private readonly maxQueueWaitMs: number;
  private readonly threadCount: number;
  private workerErrorHandler: (error: unknown) => void = () => {};
  private refusalListener: (cause: PoolRefusalCause) => void = () => {};

  constructor(options: ValidationPoolOptions) {
    this.maxQueueWaitMs = options.maxQueueWaitMs ?? Number.POSITIVE_INFINITY;
    this.threadCount = options.threads;
    this.piscina = new Piscina({
      filename: options.filename ?? VALIDATION_WORKER_FILE,
      minThreads: options.threads,
      maxThreads: options.threads,
      maxQueue: options.maxQueue,
      stricterFIFO: true,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
    // A worker that fails with no task on it (e.g. while starting) is reported as an 'error'
    // event; unheard, that event would crash the whole service.
    this.piscina.on('error', (error: unknown) => this.workerErrorHandler(error));
  }

  /** Where failures of idle or starting workers go (the app logs them). */
  onWorkerError(handler: (error: unknown) => void): void {
    this.workerErrorHandler = handler;
  }

  /** Hears each caller's task the pool refuses (503 PES_OVERLOADED), and why (the app counts them). */
  onRefusal(listener: (cause: PoolRefusalCause) => void): void {
    this.refusalListener = listener;
  }

  /**
   * `shed: false` takes the task whatever the expected wait: for the warm-up, whose cold first
   * tasks (hundreds of ms each) make the wait look long and which no caller is waiting on.
   */
  validate(body: Buffer, policySet: SharedPolicySet, { shed = true }: { shed?: boolean } = {}): Promise<ValidationOutcome> {
    return this.submit<ValidationOutcome>(body, policySet, { shed });
  }

  /** Headroom runs on the same threads (the worker's `headroom` export), behind the same queue. */
  headroom(body: Buffer, policySet: SharedPolicySet): Promise<HeadroomOutcome> {
    return this.submit<HeadroomOutcome>(body, policySet, { name: 'headroom', shed: true });
  }

  /** `name`: the worker's export to run (its default one when absent); `shed`: see validate(). */
  private async submit<Outcome>(body: Buffer, policySet: SharedPolicySet, { name, shed }: { name?: string; shed: boolean }): Promise<Outcome> {
    const bytes = body.byteLength;
    if (shed && this.inFlightBytes > 0 && this.expectedWaitMs() > this.maxQueueWaitMs) {
      this.refusalListener('queue_wait');
      throw new ServiceError('PES_OVERLOADED', `The validation workers hold ~${Math.round(this.expectedWaitMs())} ms of work; new work would wait too long`);
    }
    const transferable = ownBuffer(body);
    const task: ValidationTask | HeadroomTask = { body: transferable, policySet };
    const validation = name === undefined;
    this.inFlight++;
    this.inFlightBytes += bytes;
    if (validation) this.validationCount++;
    try {
      const outcome = (await this.piscina.run(task, { transferList: [transferable.buffer as ArrayBuffer], ...(name ? { name } : {}) })) as Outcome;
      this.learn(outcome, bytes);
      return outcome;
    } catch (error) {
      if ((error as Error).message?.includes('Task queue is at limit')) {
        // The warm-up's tasks (shed: false) are no caller's: their failure is not a 503.
        if (shed) this.refusalListener('queue_full');
        throw new ServiceError('PES_OVERLOADED', 'All validation workers are busy and the queue is full', undefined, { cause: error });
      }
      throw new ServiceError('PES_WORKER_FAILED', undefined, undefined, { cause: error });
    } finally {
      this.inFlight--;
      this.inFlightBytes -= bytes;
      if (validation) this.validationCount--;
    }
  }

  /** Wait = work in flight / threads, with work = bytes × measured ms per byte. */
  private expectedWaitMs(): number {
    return (this.inFlightBytes * this.msPerByte) / this.threadCount;
  }

  private learn(outcome: unknown, bytes: number): void {
    const elapsedMs = (outcome as { elapsedMs?: number }).elapsedMs;
    if (elapsedMs === undefined || bytes === 0) return;
    this.msPerByte += SMOOTHING * (elapsedMs / bytes - this.msPerByte);
  }

  get queueSize(): number {
    return this.piscina.queueSize;
  }

  /** Validations handed to the pool and not yet returned, queued or running (headroom tasks not counted). */
  get validationsInFlight(): number {
    return this.validationCount;
  }

  /** Validations running in a worker now (in flight and not queued). */
  get running(): number {
    return Math.max(0, this.inFlight - this.piscina.queueSize);
  }

  get threads(): number {
    return this.piscina.threads.length;
  }

  get utilization(): number {
    return this.piscina.utilization;
  }

  close(): Promise<void> {
    return this.piscina.close();
  }
}

/**
 * A buffer whose whole ArrayBuffer may be transferred. Small Buffers live inside Node's shared
 * allocation pool; transferring that would detach other buffers, so those are copied (they are small).
 */
function ownBuffer(body: Buffer): Uint8Array {
  if (body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && !(body.buffer instanceof SharedArrayBuffer)) {
    return new Uint8Array(body.buffer, 0, body.byteLength);
  }
  return new Uint8Array(body);
}
