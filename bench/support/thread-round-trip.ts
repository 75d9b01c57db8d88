import { Worker } from 'node:worker_threads';
import { median } from './results.js';

/**
 * How long a message takes to reach another thread and come back, the hop every validation makes
 * several times (to a worker, back, to the database thread, back). The reference task runs on one
 * thread and cannot see it: on 2026-12-07 a machine whose reference task and bare route measured
 * as in that day's suite run gave the service 995-1,100 req/s instead of 1,660
 * (docs/performance.md, "The reference task can miss what slows the service"). The suite records
 * this beside the reference task, so that the next such day can be compared.
 */
export interface ThreadRoundTrip {
  /** Median round trip, µs, one message after another. */
  readonly backToBackUs: number;
  /** Median round trip, µs, after IDLE_MS with nothing to do: the other thread has gone to sleep. */
  readonly afterIdleUs: number;
}

/** The gap before each idle round trip: longer than a sleeping thread's spin, as between a quiet service's requests. */
export const IDLE_MS = 2;
const WARM_UP = 200;
const BACK_TO_BACK = 500;
const AFTER_IDLE = 200;

/** Plain JavaScript, so that the worker needs no TypeScript loader: it sends every message back. */
const ECHO = "const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m));";

/** Round trips to a fresh echo thread (under a second), which it then ends. */
export async function timeThreadRoundTrips(): Promise<ThreadRoundTrip> {
  const worker = new Worker(ECHO, { eval: true });
  const roundTrip = () =>
    new Promise<number>((resolve) => {
      const sent = performance.now();
      worker.once('message', () => resolve((performance.now() - sent) * 1000));
      worker.postMessage(0);
    });
  try {
    for (let i = 0; i < WARM_UP; i++) await roundTrip();
    const backToBack: number[] = [];
    for (let i = 0; i < BACK_TO_BACK; i++) backToBack.push(await roundTrip());
    const afterIdle: number[] = [];
    for (let i = 0; i < AFTER_IDLE; i++) {
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      afterIdle.push(await roundTrip());
    }
    return { backToBackUs: median(backToBack), afterIdleUs: median(afterIdle) };
  } finally {
    await worker.terminate();
  }
}
