import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { BufferScavenger } from '../../src/http/buffer-scavenger.js';

const MB = 1024 * 1024;

/** A scavenger over a made-up external-memory figure, recording when it scavenges. */
function fake(thresholdBytes: number) {
  const state = { bytes: 10 * MB, scavenged: [] as number[] };
  const scavenger = new BufferScavenger({ thresholdBytes, externalBytes: () => state.bytes, scavenge: () => state.scavenged.push(state.bytes) });
  return { state, scavenger };
}

/** Minor GCs V8 reports while `work` runs (and 50 ms after, for the observer to be called). */
async function minorGcsDuring(work: () => void): Promise<number> {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  try {
    work();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    observer.disconnect();
  }
  return entries.filter((e) => (e as PerformanceEntry & { detail: { kind: number } }).detail.kind === constants.NODE_PERFORMANCE_GC_MINOR).length;
}

describe('buffer scavenger', () => {
  it('scavenges only once external memory has grown by the threshold above its low point', () => {
    const { state, scavenger } = fake(2 * MB);
    state.bytes += 2 * MB - 1;
    expect(scavenger.check()).toBe(false);
    state.bytes += 1;
    expect(scavenger.check()).toBe(true);
    expect(state.scavenged).toEqual([12 * MB]);
    // Right after, nothing has grown: no second scavenge.
    expect(scavenger.check()).toBe(false);
    expect(scavenger.scavenges).toBe(1);
  });

  it('measures growth from the lowest point seen, so memory freed later is not counted as growth', () => {
    const { state, scavenger } = fake(2 * MB);
    state.bytes = 4 * MB; // the sweep released what the last scavenge freed
    expect(scavenger.check()).toBe(false);
    state.bytes = 6 * MB - 1;
    expect(scavenger.check()).toBe(false);
    state.bytes = 6 * MB;
    expect(scavenger.check()).toBe(true);
  });

  it('runs a real minor GC that releases dead Buffers', async () => {
    const scavenger = new BufferScavenger({ thresholdBytes: 8 * MB });
    const before = getHeapStatistics().external_memory;
    let fired = false;
    const minors = await minorGcsDuring(() => {
      // 32 MB of request-body-sized Buffers, each dead as soon as the next is made.
      for (let i = 0; i < 512 && !fired; i++) {
        Buffer.allocUnsafeSlow(64 * 1024).fill(i);
        fired = scavenger.check();
      }
    });
    expect(fired).toBe(true);
    expect(minors).toBeGreaterThanOrEqual(1);
    // The sweep after the scavenge returns the dead Buffers' bytes (it runs concurrently).
    await expect.poll(() => getHeapStatistics().external_memory - before, { timeout: 2_000 }).toBeLessThan(4 * MB);
  });

  it('leaves no gc global in threads started afterwards', async () => {
    new BufferScavenger({ thresholdBytes: MB });
    const worker = new Worker("require('node:worker_threads').parentPort.postMessage(typeof gc)", { eval: true });
    const seen = await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    await worker.terminate();
    expect(seen).toBe('undefined');
  });
});
