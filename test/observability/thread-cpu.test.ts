import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { THREAD_NAMES, ThreadCpuMeter } from '../../src/observability/threads.js';

/** Keeps the calling thread busy for `ms` of wall time. */
const burn = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until);
};

/** The start of a worker's source: `burn` as above (written out: a transformed function's text may not run there), and `nameThisThread`, as the service's threads do. */
const WORKER_PRELUDE = `const { parentPort, workerData } = require('node:worker_threads');
  const burn = (ms) => { const until = Date.now() + ms; while (Date.now() < until); };
  const nameThisThread = (name) => require('node:fs').writeFileSync('/proc/thread-self/comm', name);`;

/** A thread that names itself, works `ms`, says so, then waits to be stopped. */
async function namedWorker(name: string, ms: number): Promise<Worker> {
  const worker = new Worker(
    `${WORKER_PRELUDE}
     nameThisThread(workerData.name);
     burn(workerData.ms);
     parentPort.postMessage('worked');
     setInterval(() => {}, 1000);`,
    { eval: true, workerData: { name, ms } },
  );
  await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
  return worker;
}

describe.skipIf(process.platform !== 'linux')('ThreadCpuMeter', () => {
  it('counts each thread under the role its name gives, the calling thread as http, and never takes an ended thread\'s time back', async () => {
    const meter = new ThreadCpuMeter();
    meter.sinceLast();

    const database = await namedWorker(THREAD_NAMES.database, 300);
    burn(300);
    const used = meter.sinceLast()!;
    // Clock ticks are 10 ms; 300 ms of wall time spent working gives at least one even on a busy machine.
    expect(used.database).toBeGreaterThan(0);
    expect(used.http).toBeGreaterThan(0);
    expect(used.validation).toBe(0);

    await database.terminate();
    const afterExit = meter.sinceLast()!;
    // The ended thread's time was counted once; nothing is negative now that it is gone.
    expect(afterExit.database).toBe(0);
    for (const seconds of Object.values(afterExit)) expect(seconds).toBeGreaterThanOrEqual(0);
  });

  it('counts a thread that names itself later under its new role from then on, without its earlier time', async () => {
    const meter = new ThreadCpuMeter();
    meter.sinceLast();
    const worker = new Worker(
      `${WORKER_PRELUDE}
       burn(400);
       parentPort.postMessage('unnamed');
       parentPort.once('message', () => {
         nameThisThread(workerData.name);
         burn(150);
         parentPort.postMessage('named');
       });`,
      { eval: true, workerData: { name: THREAD_NAMES.validation } },
    );
    const next = () => new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    await next();
    expect(meter.sinceLast()!.validation).toBe(0);
    worker.postMessage('rename');
    await next();
    const named = meter.sinceLast()!;
    expect(named.validation).toBeGreaterThan(0);
    // Its 400 ms before the name were counted already (as other): a thread never uses more CPU than wall time.
    expect(named.validation).toBeLessThan(0.35);
    await worker.terminate();
  });
});
