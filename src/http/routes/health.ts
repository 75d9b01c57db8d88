import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PolicyStore } from '../../policies/policy-store.js';
import type { ValidationPool } from '../../pool/validation-pool.js';
import type { Database } from '../../storage/database.js';

const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  database: Type.String(),
  database_kind: Type.String(),
  workers: Type.Integer(),
  policy_set_version: Type.Integer(),
});

export interface HealthRouteOptions {
  readonly db: Database;
  readonly pool: ValidationPool;
  readonly policies: PolicyStore;
}

/** Liveness (the process answers) and readiness (database reachable, workers up, policies loaded). */
export async function healthRoutes(app: FastifyInstance, { db, pool, policies }: HealthRouteOptions): Promise<void> {
  app.get('/health/live', { schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  app.get('/health/ready', { schema: { response: { 200: Ready, 503: Ready } } }, async (_request, reply) => {
    let database = 'ok';
    try {
      await db.query('SELECT 1');
    } catch (error) {
      database = `unreachable: ${(error as Error).message}`;
    }
    const ready = database === 'ok' && pool.threads > 0 && policies.version >= 0;
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'unavailable',
      database,
      database_kind: db.kind,
      workers: pool.threads,
      policy_set_version: policies.version,
    });
  });
}
