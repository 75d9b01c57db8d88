import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ServiceMetrics } from '../observability/metrics.js';

export interface BufferScavengerOptions {
  /** Scavenge once the HTTP thread's external memory has grown this much (bytes) above its low point. */
  readonly thresholdBytes: number;
  /** The isolate's external memory in bytes (ArrayBuffers and Buffers included). */
  readonly externalBytes?: () => number;
  /** Runs a minor GC (scavenge). */
  readonly scavenge?: () => void;
}

/**
 * Frees the HTTP thread's dead request-body Buffers with a scavenge before V8 answers them with
 * a full mark-compact.
 *
 * The HTTP thread receives every body as Buffers (each chunk a copy, then the joined Buffer it
 * hands to a worker) but allocates little on its JS heap, so it rarely scavenges. V8 11 counts
 * dead young Buffers as external memory until a scavenge's sweep frees them, and it starts
 * incremental marking once old-generation growth plus external growth since the last
 * mark-compact leaves less headroom than one semi-space (Heap::IncrementalMarkingLimitReached):
 * on our HTTP thread, every 8–17 MB of bodies. Under load that was a mark-compact every
 * 120–420 ms, a 3–20 ms pause each on the thread every request passes through, plus marking on
 * the helper threads the workers also need. Measured with 10,000-position bodies at 42.6 req/s:
 * 111–131 mark-compacts on the HTTP thread in a run without this, 1–4 with it (2 MB); CPU per
 * request on the HTTP thread 3.0–3.5 → 2.1–2.5 ms, on all threads 24–30 → 21–24 ms.
 */
export class BufferScavenger {
  private readonly thresholdBytes: number;
  private readonly externalBytes: () => number;
  private readonly scavenge: () => void;
  /** The lowest external memory seen since the last scavenge: the dead Buffers' bytes are what lies above it. */
  private low: number;
  private count = 0;

  constructor(options: BufferScavengerOptions) {
    this.thresholdBytes = options.thresholdBytes;
    this.externalBytes = options.externalBytes ?? (() => getHeapStatistics().external_memory);
    this.scavenge = options.scavenge ?? minorGc();
    this.low = this.externalBytes();
  }

  /** Scavenges when external memory has grown by the threshold; true when it did. */
  check(): boolean {
    const bytes = this.externalBytes();
    if (bytes < this.low) this.low = bytes;
    if (bytes - this.low < this.thresholdBytes) return false;
    this.scavenge();
    this.count++;
    // The sweep that releases the freed Buffers' bytes runs concurrently: later checks lower `low`.
    this.low = this.externalBytes();
    return true;
  }

  /** Scavenges run so far. */
  get scavenges(): number {
    return this.count;
  }
}

/**
 * V8's gc() with { type: 'minor' }, without starting Node with --expose-gc: the flag exposes gc
 * in contexts created while it is set, so it is set for one new context and cleared at once
 * (contexts made afterwards, in any thread, get no gc global).
 */
function minorGc(): () => void {
  setFlagsFromString('--expose-gc');
  try {
    const gc = runInNewContext('gc') as (options: { type: 'minor' }) => void;
    return () => gc({ type: 'minor' });
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

/** Checks after each response is sent, when that request's body Buffers are dead; 0 bytes = never. */
export const bufferScavengingPlugin = fp(
  async (app: FastifyInstance, { thresholdBytes, metrics }: { thresholdBytes: number; metrics: Pick<ServiceMetrics, 'observeBufferScavenge'> }) => {
    if (thresholdBytes <= 0) return;
    const scavenger = new BufferScavenger({ thresholdBytes });
    app.addHook('onResponse', async () => {
      if (scavenger.check()) metrics.observeBufferScavenge();
    });
  },
  { name: 'pes-buffer-scavenging' },
);
