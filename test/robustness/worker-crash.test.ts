import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, startServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ERRORS } from '../../src/errors.js';
import { ValidationPool } from '../../src/pool/validation-pool.js';
import { NO_ADMISSION_SHEDDING } from '../support/no-shedding.js';

const example = JSON.parse(readFileSync(new URL('../fixtures/contract-example.json', import.meta.url), 'utf8'));
const CRASHING_WORKER = fileURLToPath(new URL('../fixtures/crashing.worker.cjs', import.meta.url));

let app: FastifyInstance;
let services: Services;
beforeAll(async () => {
  const started = await startServices(loadConfig({ PES_WORKERS: '2', PES_LOG_LEVEL: 'silent', PES_DATA_DIR: 'memory://', ...NO_ADMISSION_SHEDDING }));
  await started.pool.close();
  services = { ...started, pool: new ValidationPool({ threads: 2, maxQueue: 64, filename: CRASHING_WORKER }) };
  app = await buildApp(services);
  await app.ready();
});
afterAll(() => app.close());

const validate = (decisionId: string) => {
  const request = structuredClone(example);
  request.decision.decision_id = decisionId;
  return app.inject({ method: 'POST', url: '/api/v1/validate', payload: request });
};
const workerIds = () => services.pool.piscina.threads.map((w) => w.threadId).sort();

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 15_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a worker that crashes mid-task', () => {
  it('costs that request a 500 with an error id, and only that request', async () => {
    await until(() => services.pool.threads === 2, 'two workers');
    const before = workerIds();
    const [crashed, ...others] = await Promise.all([validate('crash-mid-task'), ...Array.from({ length: 6 }, (_, i) => validate(`beside-${i}`))]);

    expect(crashed.statusCode).toBe(500);
    expect(crashed.json()).toEqual({
      statusCode: 500,
      code: 'PES_WORKER_FAILED',
      error: 'Internal Server Error',
      message: ERRORS.PES_WORKER_FAILED.message,
      hint: ERRORS.PES_WORKER_FAILED.hint,
      error_id: crashed.headers['x-request-id'],
    });
    expect(crashed.body).not.toContain('simulated worker crash');
    expect(crashed.body).not.toMatch(/\bat .+:\d+:\d+/);
    expect(others.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);

    // Nothing was recorded for the crashed decision: no approval, no event.
    const rows = await services.db.query<{ n: string }>("SELECT count(*) AS n FROM validations WHERE decision_id = 'crash-mid-task'");
    expect(Number(rows[0].n)).toBe(0);

    // The pool replaced the dead thread: still two workers, one of them new.
    await until(() => services.pool.threads === 2 && workerIds().some((id) => !before.includes(id)), 'a replacement worker');
    expect(workerIds().filter((id) => before.includes(id))).toHaveLength(1);
  });

  it('keeps serving afterwards, on every worker', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => validate(`after-${i}`)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(12).fill(200));
    expect(results.map((r) => r.json().decision_id)).toEqual(Array.from({ length: 12 }, (_, i) => `after-${i}`));
    const ids = new Set(results.map((r) => Number(r.headers['x-pes-worker'])));
    for (const id of ids) expect(workerIds()).toContain(id);
  });

  it('reports a worker that fails outside any task instead of crashing the service', () => {
    // Piscina emits 'error' for such a failure (a worker dying while it starts); an unheard
    // 'error' event throws, which in the service would end the process.
    expect(() => services.pool.piscina.emit('error', new Error('failed while starting'))).not.toThrow();
  });
});
