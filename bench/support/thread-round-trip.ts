import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { median } from './results.js';

/**
 * How long a message takes to reach another thread and come back: a hop like those every
 * validation makes several times (to a worker, back, to the database thread, back). The reference
 * task runs on one thread and cannot see it: on 2026-12-07 a machine whose reference task and bare
 * route measured as in that day's suite run gave the service 995-1,100 req/s instead of 1,660
 * (docs/performance.md, "The reference task can miss what slows the service"). The suite records
 * this beside the reference task, so that the next such day can be compared with a run that has it.
 */
export interface ThreadRoundTrip {
  /** Median round trip, µs, one message after another. */
  readonly backToBackUs: number;
  /** Median round trip, µs, after IDLE_MS with nothing to do. */
  readonly afterIdleUs: number;
}

/** The gap before each idle round trip: long enough for the echo thread to block and its core to idle, as between a quiet service's requests. */
export const IDLE_MS = 2;
/** Untimed first: a fresh thread's first round trips run code V8 has not optimised yet. */
const WARM_UP_ROUND_TRIPS = 200;
/** Odd counts, so that each median is a measured round trip. */
const BACK_TO_BACK = 501;
const AFTER_IDLE = 201;
/** A round trip that takes this long means the thread is stuck: the timing gives up rather than hold up the suite. */
const GIVE_UP_MS = 10_000;

/** Plain JavaScript, so that the worker needs no TypeScript loader: it sends every message back. */
const ECHO = "const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m));";

/**
 * Round trips to a fresh echo thread (under a second), which it then ends; rejects if the thread
 * fails, exits or stops answering. One round trip at a time: each reply answers the message before
 * it. `echoSource` is the thread's code (tests give one that fails).
 */
export async function timeThreadRoundTrips(echoSource = ECHO): Promise<ThreadRoundTrip> {
  const worker = new Worker(echoSource, { eval: true });
  let failed: ((error: Error) => void) | undefined;
  const fail = (error: Error) => failed?.(error);
  const onExit = (code: number) => fail(new Error(`the echo thread exited (${code}) before answering`));
  worker.on('error', fail).on('exit', onExit);
  const roundTrip = () =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from the echo thread in ${GIVE_UP_MS} ms`)), GIVE_UP_MS);
      failed = (error) => (clearTimeout(timer), reject(error));
      const sent = performance.now();
      worker.once('message', () => (clearTimeout(timer), resolve((performance.now() - sent) * 1000)));
      worker.postMessage(0);
    });
  try {
    for (let i = 0; i < WARM_UP_ROUND_TRIPS; i++) await roundTrip();
    const backToBack: number[] = [];
    for (let i = 0; i < BACK_TO_BACK; i++) backToBack.push(await roundTrip());
    const afterIdle: number[] = [];
    for (let i = 0; i < AFTER_IDLE; i++) {
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      afterIdle.push(await roundTrip());
    }
    return { backToBackUs: median(backToBack), afterIdleUs: median(afterIdle) };
  } finally {
    worker.off('exit', onExit).removeAllListeners('message');
    await worker.terminate();
  }
}
