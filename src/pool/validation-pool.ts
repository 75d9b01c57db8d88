import { Piscina } from 'piscina';
import { ServiceError } from '../errors.js';
import { VALIDATION_WORKER_FILE } from '../paths.js';
import type { SharedPolicySet } from '../policies/shared-policy-set.js';
import type { ValidationOutcome, ValidationTask } from '../../workers/messages.js';

export interface ValidationPoolOptions {
  readonly threads: number;
  readonly maxQueue: number;
  readonly filename?: string;
}

/**
 * The worker pool every validation runs in. FIFO dispatch (Piscina's default requeues a task it
 * cannot place at the tail, which starves early requests under load), a bounded queue (503 when
 * full), and request bodies transferred, never copied.
 */
export class ValidationPool {
  readonly piscina: Piscina;

  constructor(options: ValidationPoolOptions) {
    this.piscina = new Piscina({
      filename: options.filename ?? VALIDATION_WORKER_FILE,
      minThreads: options.threads,
      maxThreads: options.threads,
      maxQueue: options.maxQueue,
      stricterFIFO: true,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
  }

  async validate(body: Buffer, policySet: SharedPolicySet): Promise<ValidationOutcome> {
    const transferable = ownBuffer(body);
    const task: ValidationTask = { body: transferable, policySet };
    try {
      return (await this.piscina.run(task, { transferList: [transferable.buffer as ArrayBuffer] })) as ValidationOutcome;
    } catch (error) {
      if ((error as Error).message?.includes('Task queue is at limit')) {
        throw new ServiceError('PES_OVERLOADED', 'All validation workers are busy and the queue is full', undefined, { cause: error });
      }
      throw new ServiceError('PES_WORKER_FAILED', undefined, undefined, { cause: error });
    }
  }

  get queueSize(): number {
    return this.piscina.queueSize;
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
