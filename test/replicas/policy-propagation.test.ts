import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTENER_APPLICATION_NAME } from '../../src/storage/pg-listener.js';
import { createPostgresDatabase, postgresAvailable } from '../support/databases.js';
import { decisionRequest } from '../support/decisions.js';
import { waitUntil } from '../support/outbox.js';
import { ReplicaProcess } from '../support/replica-process.js';

/** The contract's deadline for a policy change to reach every replica. */
const PROPAGATION_DEADLINE_MS = 1_000;

/** Polls `probe` until it holds; fails if that takes longer than the deadline. */
async function holdsWithinASecond(probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + PROPAGATION_DEADLINE_MS;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`still not in effect ${PROPAGATION_DEADLINE_MS} ms after the change`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Two real service processes on one PostgreSQL database. Their periodic version check is set to
 * a minute, so only LISTEN/NOTIFY can make a change reach the other replica within the second.
 */
describe.skipIf(!postgresAvailable)('replicas sharing one PostgreSQL', () => {
  let database: { url: string; drop: () => Promise<void> };
  let a: ReplicaProcess;
  let b: ReplicaProcess;
  beforeAll(async () => {
    database = await createPostgresDatabase();
    const env = { DATABASE_URL: database.url, PES_WORKERS: '1', PES_POLICY_POLL_MS: '60000' };
    // Started together: both migrate and seed, and the advisory locks keep them from colliding.
    [a, b] = await Promise.all([ReplicaProcess.start(env), ReplicaProcess.start(env)]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  const compliant = async (replica: ReplicaProcess, quantity: number) => {
    const request = decisionRequest(`replica-${Date.now()}`, quantity);
    request.applicable_policies = ['position_limits'];
    const res = await replica.request('POST', '/api/v1/validate', request);
    expect(res.status).toBe(200);
    return res.body.is_compliant as boolean;
  };

  it('seeds the defaults once between them', async () => {
    const history = await b.request('GET', '/api/v1/policies/position_limits/history');
    expect(history.body.map((c: { action: string; actor: string }) => [c.action, c.actor])).toEqual([['create', 'system']]);
  });

  it('a policy replaced through one replica is enforced by the other within a second', async () => {
    expect(await compliant(b, 440)).toBe(false); // 12.4 % of NAV against 10 %
    const put = await a.request('PUT', '/api/v1/policies/position_limits', { policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.2 } });
    expect(put.status).toBe(200);
    await holdsWithinASecond(() => compliant(b, 440));
  });

  it('a policy disabled through one replica is refused by the other within a second', async () => {
    const patch = await b.request('PATCH', '/api/v1/policies/sector_limits', { enabled: false });
    expect(patch.status).toBe(200);
    await holdsWithinASecond(async () => {
      const request = decisionRequest('replica-disabled');
      request.applicable_policies = ['sector_limits'];
      const res = await a.request('POST', '/api/v1/validate', request);
      return res.status === 422 && res.body.code === 'PES_UNKNOWN_POLICY';
    });
    const history = await a.request('GET', '/api/v1/policies/sector_limits/history');
    expect(history.body[0]).toMatchObject({ action: 'disable', actor: 'local', before: { enabled: true }, after: { enabled: false } });
  });

  it('a replica whose LISTEN connection dropped catches up within a second', async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const listeners = `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`;
      const terminated = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
        [LISTENER_APPLICATION_NAME],
      );
      expect(terminated.rowCount).toBe(2);
      // Changed while the listeners are away: their notification is lost, the reconnect catches it.
      const put = await a.request('PUT', '/api/v1/policies/position_limits', { policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.05 } });
      expect(put.status).toBe(200);
      await holdsWithinASecond(async () => !(await compliant(b, 100))); // 9 % against 5 %
      await waitUntil(async () => Number((await admin.query(listeners, [LISTENER_APPLICATION_NAME])).rows[0].n) === 2, 'both listeners to reconnect');
      // And notifications flow again on the new connections.
      await a.request('PUT', '/api/v1/policies/position_limits', { policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.2 } });
      await holdsWithinASecond(() => compliant(b, 100));
    } finally {
      await admin.end();
    }
  });
});
