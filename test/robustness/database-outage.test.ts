import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, startServices } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ERRORS } from '../../src/errors.js';
import { ADMIN_URL, createPostgresDatabase, postgresAvailable } from '../support/databases.js';
import { NO_ADMISSION_SHEDDING } from '../support/no-shedding.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const example = JSON.parse(readFileSync(new URL('../fixtures/contract-example.json', import.meta.url), 'utf8'));

/**
 * The service reaches a fresh PostgreSQL database through a TCP proxy; stopping the proxy takes
 * the database away (listener closed, open connections cut), restarting it brings it back.
 */
describe.skipIf(!postgresAvailable)('the database going away', () => {
  let app: FastifyInstance;
  let proxy: TcpProxy;
  let databaseUrl: string;
  let drop: () => Promise<void>;
  let sequence = 0;

  beforeAll(async () => {
    const created = await createPostgresDatabase();
    databaseUrl = created.url;
    drop = created.drop;
    const server = new URL(ADMIN_URL);
    proxy = new TcpProxy(server.hostname, Number(server.port || 5432));
    const proxied = new URL(databaseUrl);
    proxied.port = String(await proxy.start());
    const services = await startServices(loadConfig({ PES_WORKERS: '2', PES_LOG_LEVEL: 'silent', ...NO_ADMISSION_SHEDDING, DATABASE_URL: proxied.toString() }));
    app = await buildApp(services);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.stop();
    await drop?.();
  });

  /** Each validation gets its own decision id, so the records can be checked one by one afterwards. */
  const answers: Array<{ decisionId: string; status: number }> = [];
  async function validate() {
    const request = structuredClone(example);
    request.decision.decision_id = `outage-${++sequence}`;
    const res = await app.inject({ method: 'POST', url: '/api/v1/validate', payload: request });
    answers.push({ decisionId: request.decision.decision_id, status: res.statusCode });
    return res;
  }
  const ready = () => app.inject({ method: 'GET', url: '/health/ready' });

  it('validates while the database is there', async () => {
    expect((await validate()).statusCode).toBe(200);
    expect((await ready()).statusCode).toBe(200);
  });

  it('answers 503 PES_STORE_UNAVAILABLE with Retry-After while it is gone, approving nothing', async () => {
    await proxy.stop();
    const responses = await Promise.all(Array.from({ length: 5 }, () => validate()));
    for (const res of responses) {
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json()).toEqual({
        statusCode: 503,
        code: 'PES_STORE_UNAVAILABLE',
        error: 'Service Unavailable',
        message: ERRORS.PES_STORE_UNAVAILABLE.message,
        hint: ERRORS.PES_STORE_UNAVAILABLE.hint,
        error_id: res.headers['x-request-id'],
      });
    }
    // Every route that needs the database says the same.
    for (const url of ['/api/v1/policies', '/api/v1/violations']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('PES_STORE_UNAVAILABLE');
    }
    const health = await ready();
    expect(health.statusCode).toBe(503);
    expect(health.json().status).toBe('unavailable');
  });

  it('recovers when it comes back', async () => {
    await proxy.start();
    let first = await validate();
    for (let attempt = 0; first.statusCode !== 200 && attempt < 50; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      first = await validate();
    }
    expect(first.statusCode).toBe(200);
    const next = await Promise.all(Array.from({ length: 5 }, () => validate()));
    expect(next.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect((await ready()).statusCode).toBe(200);
  });

  it('never approves unrecorded when the connection is cut mid-flight', async () => {
    const inFlight = Array.from({ length: 20 }, () => validate());
    await new Promise((resolve) => setTimeout(resolve, 5));
    await proxy.stop();
    const statuses = (await Promise.all(inFlight)).map((r) => r.statusCode);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    await proxy.start();
  });

  it('recorded every approval it gave', async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const recorded = new Set((await client.query<{ decision_id: string }>('SELECT decision_id FROM validations')).rows.map((r) => r.decision_id));
      const approved = answers.filter((a) => a.status === 200).map((a) => a.decisionId);
      expect(approved.length).toBeGreaterThan(5);
      expect(approved.filter((id) => !recorded.has(id))).toEqual([]);
      const refusedDuringOutage = answers.filter((a) => a.status === 503).length;
      expect(refusedDuringOutage).toBeGreaterThanOrEqual(5);
    } finally {
      await client.end();
    }
  });
});
