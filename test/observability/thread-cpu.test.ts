import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { statFields } from '../../src/observability/proc-stat.js';
import { THREAD_NAMES, ThreadCpuMeter } from '../../src/observability/threads.js';

/**
 * The calling thread's CPU so far in clock ticks (utime + stime of /proc/thread-self/stat). The
 * tests burn CPU time, not wall time: on a loaded CI machine a thread may get almost no CPU in
 * 150 ms of wall time, and then the meter rightly sees nothing.
 */
const threadTicks = () => {
  const fields = statFields('/proc/thread-self/stat')!;
  return fields[11] + fields[12];
};

/** Keeps the calling thread working until it has used `ticks` more clock ticks (10 ms each) of CPU. */
const burn = (ticks: number) => {
  const until = threadTicks() + ticks;
  while (threadTicks() < until);
};

/** The start of a worker's source: `threadTicks` (statFields' parsing) and `burn` as above, written out (an eval'd worker cannot load the TypeScript source, and a transformed function's text may not run there), and `nameThisThread`, as the service's threads do. */
const WORKER_PRELUDE = `const { parentPort, workerData } = require('node:worker_threads');
  const threadTicks = () => {
    const stat = require('node:fs').readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  const burn = (ticks) => { const until = threadTicks() + ticks; while (threadTicks() < until); };
  const nameThisThread = (name) => require('node:fs').writeFileSync('/proc/thread-self/comm', name);`;

/** A thread that names itself, works `ticks` of CPU, says so, then waits to be stopped. */
async function namedWorker(name: string, ticks: number): Promise<Worker> {
  const worker = new Worker(
    `${WORKER_PRELUDE}
     nameThisThread(workerData.name);
     burn(workerData.ticks);
     parentPort.postMessage('worked');
     setInterval(() => {}, 1000);`,
    { eval: true, workerData: { name, ticks } },
  );
  await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
  return worker;
}

describe.skipIf(process.platform !== 'linux')('ThreadCpuMeter', () => {
  it('counts each thread under the role its name gives, the calling thread as http, and never takes an ended thread\'s time back', async () => {
    const meter = new ThreadCpuMeter();
    meter.sinceLast();

    const database = await namedWorker(THREAD_NAMES.database, 5);
    try {
      burn(5);
      const used = meter.sinceLast()!;
      expect(used.database).toBeGreaterThanOrEqual(0.05);
      expect(used.http).toBeGreaterThanOrEqual(0.05);
      expect(used.validation).toBe(0);
    } finally {
      await database.terminate();
    }
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
       burn(40);
       parentPort.postMessage('unnamed');
       parentPort.once('message', () => {
         nameThisThread(workerData.name);
         burn(15);
         parentPort.postMessage('named');
         // Alive until terminated: a thread that ended before the meter looked would take its last ticks with it.
         setInterval(() => {}, 1000);
       });`,
      { eval: true, workerData: { name: THREAD_NAMES.validation } },
    );
    try {
      const next = () => new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
      await next();
      expect(meter.sinceLast()!.validation).toBe(0);
      worker.postMessage('rename');
      await next();
      const named = meter.sinceLast()!;
      expect(named.validation).toBeGreaterThanOrEqual(0.15);
      // Its 0.4 s of CPU before the name were counted already (as other); counted again, this would be 0.55 s or more.
      expect(named.validation).toBeLessThan(0.35);
      // Nor was that earlier time taken back out of other.
      for (const seconds of Object.values(named)) expect(seconds).toBeGreaterThanOrEqual(0);
    } finally {
      await worker.terminate();
    }
  });
});
