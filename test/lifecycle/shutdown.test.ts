import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/storage/database.js';
import { PGliteDatabase } from '../../src/storage/pglite.js';
import { PostgresDatabase } from '../../src/storage/postgres.js';
import { createPostgresDatabase, postgresAvailable } from '../support/databases.js';
import { spawnService } from '../support/service-process.js';

const example = JSON.parse(readFileSync(new URL('../fixtures/contract-example.json', import.meta.url), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'pes-shutdown-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A request big enough (100,000 positions) that it is still being validated when SIGTERM lands. */
function slowRequest(decisionId: string): string {
  const body = structuredClone(example);
  body.decision.decision_id = decisionId;
  body.portfolio_state.cash = 1_000_000;
  body.portfolio_state.positions = Array.from({ length: 100_000 }, (_, i) => ({ symbol: `S${i}`, quantity: 10, price: 10, sector: `Sector ${i % 20}` }));
  body.decision.trades = [{ symbol: 'S0', side: 'BUY', quantity: 1, price: 10 }];
  body.applicable_policies = [];
  return JSON.stringify(body);
}

/** POSTs `body`; `onSent` runs once the whole body has left this process. */
function post(url: string, body: string, headers: Record<string, string>, onSent: () => void): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body, onSent);
  });
}

/**
 * Opens a new connection to `url` every 25 ms until one is refused (ECONNREFUSED: nothing listens),
 * and returns that code, or 'still accepting'. A connection made while the listener closes may be
 * served or reset (ECONNRESET): it is tried again.
 */
async function refusedWithin(url: string, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const code = await new Promise<string | undefined>((resolve) => {
      const req = request(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(undefined));
      });
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
      req.end();
    });
    if (code && code !== 'ECONNRESET') return code;
    await new Promise((settled) => setTimeout(settled, 25));
  }
  return 'still accepting';
}

describe('SIGTERM', () => {
  // A real process on a fresh PostgreSQL database (or an on-disk embedded one without the server).
  it('stops accepting, finishes the validation in flight, records it, and exits 0', { timeout: 120_000 }, async () => {
    const dataDir = join(dir, 'data');
    const server = postgresAvailable ? await createPostgresDatabase() : undefined;
    const store = server ? { DATABASE_URL: server.url } : { PES_DATA_DIR: dataDir };
    const service = spawnService({ PORT: '0', HOST: '127.0.0.1', PES_WORKERS: '1', PES_LOG_LEVEL: 'debug', ...store });
    const ready = await service.waitForLog((l) => typeof l.address === 'string');
    const base = ready.address as string;

    let refused: unknown;
    const answer = post(`${base}/api/v1/validate`, slowRequest('in-flight-at-sigterm'), { 'x-request-id': 'shutdown-test-1' }, () => {
      setTimeout(() => {
        service.child.kill('SIGTERM');
        // Once the signal is handled, new connections are refused. Polled from its log line, not
        // after a fixed time: on a busy machine the signal, and the close after it, can take longer
        // than any fixed guess (CI once served a connection made 100 ms after the line).
        refused = service
          .waitForLog((l) => l.msg === 'shutting down: finishing in-flight requests')
          .then(() => refusedWithin(`${base}/health/live`, 5_000));
      }, 50);
    });

    const { status, json } = await answer;
    expect(status).toBe(200);
    expect(json).toMatchObject({ decision_id: 'in-flight-at-sigterm', is_compliant: true });
    expect(await service.exited).toBe(0);
    expect(await refused).toBe('ECONNREFUSED');

    const messages = service.logs.map((l) => l.msg);
    // The signal arrived while the validation was running, and the service still recorded and answered it.
    expect(messages.indexOf('shutting down: finishing in-flight requests')).toBeLessThan(messages.indexOf('validation recorded'));
    expect(messages.indexOf('validation recorded')).toBeLessThan(messages.indexOf('stopped'));
    // The decision's log line carries the request id and the decision id.
    expect(service.logs.find((l) => l.msg === 'validation recorded')).toMatchObject({ reqId: 'shutdown-test-1', decision_id: 'in-flight-at-sigterm', is_compliant: true });

    const db: Database = server ? new PostgresDatabase(server.url) : await PGliteDatabase.open(dataDir);
    try {
      const rows = await db.query<{ decision_id: string }>('SELECT decision_id FROM validations');
      expect(rows.map((r) => r.decision_id)).toEqual(['in-flight-at-sigterm']);
    } finally {
      await db.close();
      await server?.drop();
    }
  });
});

describe('start-up refusals', () => {
  it.each([
    [{ HOST: '0.0.0.0' }, 'Invalid configuration: HOST is "0.0.0.0" but PES_API_KEYS is empty'],
    [{ PES_API_KEYS: 'ops:admin:short' }, 'Invalid configuration: PES_API_KEYS is invalid: entry 1 ("ops")'],
    [{ PES_POLICIES_FILE: 'bad-policies.yaml' }, 'Invalid configuration: PES_POLICIES_FILE ('],
  ])('exits 2 with the message on stderr: %o', async (env, message) => {
    writeFileSync(join(dir, 'bad-policies.yaml'), 'policies: [{ policy_name: x, policy_type: POSITION_LIMIT, rules: { max_weight: "1" } }]\n');
    const resolved = 'PES_POLICIES_FILE' in env ? { PES_POLICIES_FILE: join(dir, env.PES_POLICIES_FILE!) } : env;
    const service = spawnService({ PORT: '0', PES_DATA_DIR: 'memory://', ...resolved });
    expect(await service.exited).toBe(2);
    expect(service.stderr()).toContain(message);
    expect(service.stderr()).not.toMatch(/\n\s+at /);
  });
});
