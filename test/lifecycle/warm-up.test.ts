import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warmUp } from '../../src/warm-up.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { bigRequest, decisionRequest } from '../support/decisions.js';

describe('warm-up before listening', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const count = async (table: string) => Number((await t.services.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${table}`))[0].n);

  it('runs validations through every worker and rehearses their audit writes, recording nothing', async () => {
    expect(await warmUp(t.services, 24)).toEqual({ validations: 24, failed: {} });
    expect(await count('validations')).toBe(0);
    expect(await count('policy_violations')).toBe(0);
    expect(await count('event_outbox')).toBe(0);
    // The writes did run (and were rolled back): they used up the outbox's identities.
    const [sequence] = await t.services.db.query<{ last_value: string | number }>('SELECT last_value FROM event_outbox_id_seq');
    expect(Number(sequence.last_value)).toBe(24);

    // The service records real validations as before.
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: decisionRequest('after-warm-up') });
    expect(res.statusCode).toBe(200);
    expect(await count('validations')).toBe(1);
    const events = await t.services.db.query<{ id: string | number }>('SELECT id FROM event_outbox');
    expect(events.map((e) => Number(e.id))).toEqual([25]);
  });

  it('does nothing when asked for none', async () => {
    expect(await warmUp(t.services, 0)).toEqual({ validations: 0, failed: {} });
  });
});

describe('warm-up under a tight queue-wait bound', () => {
  let bounded: TestApp;
  beforeAll(async () => {
    // A 1 ms wait budget: the warm-up's cold first tasks make any work in flight look too long.
    bounded = await startTestApp({ env: { PES_MAX_QUEUE: '1000', PES_MAX_QUEUE_WAIT_MS: '1', PES_RATE_LIMIT: '0' } });
  });
  afterAll(() => bounded.close());

  it('is never refused for the expected wait (a refusal would leave the service cold), and callers still are', async () => {
    expect(await warmUp(bounded.services, 24)).toEqual({ validations: 24, failed: {} });
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      bounded.app.inject({ method: 'POST', url: '/api/v1/validate', payload: bigRequest(`after-warm-up-${i}`) })));
    expect(burst.some((res) => res.statusCode === 503 && res.json().code === 'PES_OVERLOADED')).toBe(true);
  });
});

