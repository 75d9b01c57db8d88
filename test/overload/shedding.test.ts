import { setTimeout as sleep } from 'node:timers/promises';
import type { Response as LightMyRequestResponse } from 'light-my-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bigRequest, decisionRequest } from '../support/decisions.js';
import { NONE_REFUSED, refusalsByCause, sample } from '../support/metrics.js';

/**
 * The first answer that is not a 503, trying for a few seconds: on a machine busy with other work
 * the test process itself may be descheduled for a while, which is event-loop lag too.
 */
async function untilServed(send: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
  let res = await send();
  for (let attempt = 0; res.statusCode === 503 && attempt < 50; attempt++) {
    await sleep(50);
    res = await send();
  }
  return res;
}

type Validate = (id: string, payload?: Record<string, unknown>) => Promise<LightMyRequestResponse>;

/**
 * `count` big validations sent at once, and a small probe every 20 ms until they are all
 * answered (the probes not awaited one by one: an admitted probe queues behind the backlog).
 */
async function backlogWithProbes(validate: Validate, count: number): Promise<{ backlog: LightMyRequestResponse[]; probes: LightMyRequestResponse[] }> {
  let drained = false;
  const backlog = Promise.all(Array.from({ length: count }, (_, i) => validate(`backlog-${i}`, bigRequest(`backlog-${i}`)))).finally(() => (drained = true));
  const probes: Array<Promise<LightMyRequestResponse>> = [];
  while (!drained) {
    await sleep(20);
    probes.push(validate(`probe-${probes.length}`));
  }
  return { backlog: await backlog, probes: await Promise.all(probes) };
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { PES_WORKERS: '1', PES_MAX_QUEUE: '2', PES_RATE_LIMIT: '0' } });
});
afterAll(() => t.close());

const validate = (decisionId: string) => t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: bigRequest(decisionId) });

describe('load shedding at the bounded pool queue', () => {
  it('refuses what the queue cannot hold with 503 PES_OVERLOADED and Retry-After, answers the rest, and recovers', async () => {
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => validate(`burst-${i}`)));

    const refused = burst.filter((res) => res.statusCode === 503);
    const answered = burst.filter((res) => res.statusCode !== 503);
    // One running and two queued at the least; a burst of 40 cannot all fit.
    expect(refused.length).toBeGreaterThan(0);
    expect(answered.length).toBeGreaterThanOrEqual(3);
    for (const res of refused) {
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json()).toMatchObject({ statusCode: 503, code: 'PES_OVERLOADED', error: 'Service Unavailable' });
    }
    for (const res of answered) {
      expect(res.statusCode).toBe(200);
      expect(res.json().policies_checked).toEqual(['position_limits', 'risk_limits', 'sector_limits']);
    }

    // Each refusal is counted once, under the check that made it: the queue's bound on its count.
    expect(await refusalsByCause(t.app)).toEqual({ ...NONE_REFUSED, queue_full: refused.length });

    // Nothing is left behind: the queue drained and the next request is served normally.
    expect(t.services.pool.queueSize).toBe(0);
    const after = await validate('after-burst');
    expect(after.statusCode).toBe(200);
    expect(after.json().decision_id).toBe('after-burst');

    // The audit trail holds exactly the validations that were answered, none of the refused ones.
    const rows = await t.services.db.query<{ decision_id: string }>('SELECT decision_id FROM validations');
    const answeredIds = [...answered.map((res) => res.json().decision_id as string), 'after-burst'];
    expect(rows.map((r) => r.decision_id).sort()).toEqual(answeredIds.sort());
  });
});

describe('load shedding of headroom requests at the same queue', () => {
  it('refuses what the queue cannot hold and counts it as the validations\' refusals are counted', async () => {
    const before = await refusalsByCause(t.app);
    const { portfolio_state } = bigRequest('headroom');
    const body = { portfolio_state, symbols: ['S0', 'S1'], side: 'BUY', applicable_policies: [] };
    const burst = await Promise.all(Array.from({ length: 40 }, () => t.app.inject({ method: 'POST', url: '/api/v1/headroom', payload: body })));
    const refused = burst.filter((res) => res.statusCode === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(burst.every((res) => res.statusCode === 200 || res.statusCode === 503)).toBe(true);
    expect(refused[0].json()).toMatchObject({ code: 'PES_OVERLOADED' });
    expect(await refusalsByCause(t.app)).toEqual({ ...before, queue_full: before.queue_full + refused.length });
  });
});

describe('load shedding by expected queue wait', () => {
  let bounded: TestApp;
  beforeAll(async () => {
    // A 1 ms wait budget: any big body in flight already exceeds it; the task count is not what binds.
    bounded = await startTestApp({ env: { PES_MAX_QUEUE: '1000', PES_MAX_QUEUE_WAIT_MS: '1', PES_RATE_LIMIT: '0' } });
  });
  afterAll(() => bounded.close());

  it('refuses work that would wait too long with 503 PES_OVERLOADED, always takes one at an idle pool, and recovers', async () => {
    const validate = (id: string) => bounded.app.inject({ method: 'POST', url: '/api/v1/validate', payload: bigRequest(id) });
    // One alone: the pool measures what a body of this size costs.
    expect((await validate('measured')).statusCode).toBe(200);
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => validate(`wait-${i}`)));
    const refused = burst.filter((res) => res.statusCode === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(burst.filter((res) => res.statusCode === 200).length).toBeGreaterThanOrEqual(1);
    expect(burst.every((res) => res.statusCode === 200 || res.statusCode === 503)).toBe(true);
    for (const res of refused) {
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json()).toMatchObject({ statusCode: 503, code: 'PES_OVERLOADED' });
    }
    expect(await refusalsByCause(bounded.app)).toEqual({ ...NONE_REFUSED, queue_wait: refused.length });
    const after = await validate('wait-after');
    expect(after.statusCode).toBe(200);
  });
});

describe('load shedding when the HTTP thread itself is saturated', () => {
  let lagging: TestApp;
  beforeAll(async () => {
    // One worker and no queue-wait bound: a burst stays in flight, and only the lag check refuses.
    lagging = await startTestApp({ env: { PES_WORKERS: '1', PES_MAX_EVENT_LOOP_LAG_MS: '50', PES_MAX_QUEUE_WAIT_MS: '60000', PES_RATE_LIMIT: '0' } });
  });
  afterAll(() => lagging.close());

  /** Keeps the event loop busy, as a backlog of requests does. */
  const block = (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until);
  };
  const validate = (decisionId: string) =>
    lagging.app.inject({ method: 'POST', url: '/api/v1/validate', payload: decisionRequest(decisionId) });

  it('refuses validations with 503 PES_OVERLOADED after the event loop ran late, and serves them once it catches up', async () => {
    // A backlog: big validations in flight, and the loop blocked (as by a long synchronous database write).
    const backlog = Array.from({ length: 10 }, (_, i) =>
      lagging.app.inject({ method: 'POST', url: '/api/v1/validate', payload: bigRequest(`backlog-${i}`) }));
    await sleep(5);
    block(150);
    await sleep(0);
    const refused = await validate('while-behind');
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toMatchObject({ statusCode: 503, code: 'PES_OVERLOADED', error: 'Service Unavailable' });
    // Still behind a little later, after probes that found the loop on time: the reason names the lag that counts.
    await sleep(30);
    const stillRefused = await validate('still-behind');
    expect(stillRefused.statusCode).toBe(503);
    const [, lateMs] = /its event loop ran (\d+) ms late/.exec(stillRefused.json().message) ?? [];
    expect(Number(lateMs)).toBeGreaterThanOrEqual(100);
    expect(await refusalsByCause(lagging.app)).toEqual({ ...NONE_REFUSED, event_loop_lag: 2 });

    // The backlog itself was admitted before the loop fell behind: it is answered, not dropped.
    expect((await Promise.all(backlog)).map((res) => res.statusCode)).toEqual(Array(10).fill(200));
    // A loop found B ms behind refuses for about B ms; then validations go through again.
    const served = await untilServed(() => validate('after-catching-up'));
    expect(served.statusCode).toBe(200);
    expect(served.json().decision_id).toBe('after-catching-up');
  });

  it('serves a lone request after a pause: with nothing in flight there is no backlog to protect', async () => {
    block(150);
    await sleep(0);
    const res = await validate('lone-after-a-pause');
    expect(res.statusCode).toBe(200);
  });
});

describe('load shedding when the audit store falls behind', () => {
  let behind: TestApp;
  beforeAll(async () => {
    behind = await startTestApp({ env: { PES_MAX_COMMIT_WAIT_MS: '20', PES_RATE_LIMIT: '0' } });
  });
  afterAll(() => behind.close());

  const validate = (decisionId: string) =>
    behind.app.inject({ method: 'POST', url: '/api/v1/validate', payload: decisionRequest(decisionId) });

  it('refuses new validations while audit records wait for their commit, and serves them once the store catches up', async () => {
    // Warm: the worker has compiled the policies, so the next validation reaches its audit write at once.
    expect((await untilServed(() => validate('warm-up'))).statusCode).toBe(200);
    // A transaction holding the validations table: every audit write waits behind it, as behind a slow store.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const blocker = behind.services.db.transaction(async (tx) => {
      await tx.query('LOCK TABLE validations IN ACCESS EXCLUSIVE MODE');
      await held;
    });
    // Two waiting (as many as the pool has threads): a backlog, not a lone slow write.
    const waiting = [validate('waits-for-its-commit'), validate('waits-too')];
    await sleep(500);

    // Admitted, this request would wait behind the lock too: give up after a while rather than hang.
    const refused = await Promise.race([validate('refused-while-behind'), sleep(5_000).then(() => undefined)]);
    if (!refused) release();
    expect(refused?.statusCode).toBe(503);
    expect(refused!.headers['retry-after']).toBe('1');
    expect(refused!.json()).toMatchObject({ code: 'PES_OVERLOADED', error: 'Service Unavailable', message: expect.stringContaining('audit records have waited') });

    release();
    await blocker;
    // Read once the store is free: /metrics reads the database too, and on the embedded one it would wait behind the lock.
    expect(await refusalsByCause(behind.app)).toEqual({ ...NONE_REFUSED, commit_wait: 1 });
    // The admitted validation was never dropped: it is answered once its record is committed.
    const admitted = await Promise.all(waiting);
    expect(admitted.map((res) => res.statusCode)).toEqual([200, 200]);
    expect(admitted[0].json().decision_id).toBe('waits-for-its-commit');
    const served = await untilServed(() => validate('after-the-store-caught-up'));
    expect(served.statusCode).toBe(200);
  });
});

describe('load shedding when every validation keeps waiting (a standing queue)', () => {
  let queued: TestApp;
  beforeAll(async () => {
    // One worker, and only the standing-wait check on: the queue bounds would not refuse.
    queued = await startTestApp({ env: { PES_WORKERS: '1', PES_MAX_STANDING_WAIT_MS: '20', PES_MAX_QUEUE: '10000', PES_RATE_LIMIT: '0' } });
  });
  afterAll(() => queued.close());

  it('refuses new validations while all recent ones waited, answers every admitted one, and recovers', async () => {
    const validate = (id: string, payload = decisionRequest(id)) => queued.app.inject({ method: 'POST', url: '/api/v1/validate', payload });
    expect((await untilServed(() => validate('warm-up'))).statusCode).toBe(200);
    // A backlog for one worker: each waits behind the ones before it, for far longer than 20 ms.
    // Long enough to outlast the limit's fall: it is first set ~100 ms in, to 3/4 of the most in
    // flight, and a probe is refused only while more than that are still in flight. A backlog of
    // 100 that one fast worker drained in ~300 ms was below the limit by then (the test was flaky).
    const { backlog, probes: answers } = await backlogWithProbes(validate, 400);
    const refused = answers.find((res) => res.statusCode === 503);
    expect(refused?.statusCode).toBe(503);
    expect(answers.every((res) => res.statusCode === 200 || res.statusCode === 503)).toBe(true);
    expect(refused!.headers['retry-after']).toBe('1');
    expect(refused!.json()).toMatchObject({ code: 'PES_OVERLOADED', message: expect.stringContaining('waited at least') });
    const refusedProbes = answers.filter((res) => res.statusCode === 503).length;
    expect(await refusalsByCause(queued.app)).toEqual({ ...NONE_REFUSED, in_flight_limit: refusedProbes });
    // Everything admitted before is answered, none dropped.
    expect(backlog.every((res) => res.statusCode === 200)).toBe(true);
    expect((await untilServed(() => validate('after-the-queue-drained'))).statusCode).toBe(200);
  });
});

describe('load shedding when the validations in flight hold too much work (the backlog check)', () => {
  let loaded: TestApp;
  beforeAll(async () => {
    // One worker, and only the backlog check on (20 ms of work for the cores): the queue bounds would not refuse.
    loaded = await startTestApp({ env: { PES_WORKERS: '1', PES_MAX_BACKLOG_MS: '20', PES_MAX_QUEUE: '10000', PES_RATE_LIMIT: '0' } });
  });
  afterAll(() => loaded.close());

  const validate = (id: string, payload = decisionRequest(id)) => loaded.app.inject({ method: 'POST', url: '/api/v1/validate', payload });
  const cpuPerValidation = async () => sample((await loaded.app.inject({ method: 'GET', url: '/metrics' })).body, 'pes_cpu_seconds_per_validation') ?? 0;

  it('learns what a validation costs, refuses new ones while those in flight exceed the bound, and recovers', async () => {
    expect((await untilServed(() => validate('warm-up'))).statusCode).toBe(200);
    // Until an interval has answered enough validations, nothing is known of their cost.
    for (let round = 0; (await cpuPerValidation()) === 0 && round < 50; round++) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => validate(`cost-${round}-${i}`)));
    }
    expect(await cpuPerValidation()).toBeGreaterThan(0);
    const before = await refusalsByCause(loaded.app);

    // 200 big validations for one worker, and probes every 20 ms while they are answered.
    const { backlog, probes } = await backlogWithProbes(validate, 200);
    const answers = [...backlog, ...probes];
    expect(answers.every((res) => res.statusCode === 200 || res.statusCode === 503)).toBe(true);
    const refused = answers.filter((res) => res.statusCode === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].headers['retry-after']).toBe('1');
    expect(refused[0].json()).toMatchObject({ code: 'PES_OVERLOADED', message: expect.stringMatching(/validations in flight hold ~\d+ ms of work for its \d+ cores/) });
    expect(await refusalsByCause(loaded.app)).toEqual({ ...before, backlog: before.backlog + refused.length });
    expect((await untilServed(() => validate('after-the-backlog'))).statusCode).toBe(200);
  });
});
