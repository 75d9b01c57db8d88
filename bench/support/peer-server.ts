/**
 * Peers the service is measured against, each a minimal Fastify server on PORT:
 *  - bare:   parses and TypeBox-validates the same body, answers a small object (the ceiling);
 *  - inline: the same, then does a worker's work on the main thread: evaluate, and the suggested
 *            adjustment when not compliant (no pool, no database);
 *  - pool:   the service's raw-body path through the worker pool (and its scavenges of dead body
 *            Buffers, src/http/buffer-scavenger.ts), without the database.
 * Usage: node --import tsx bench/support/peer-server.ts bare|inline|pool
 */
import Fastify from 'fastify';
import { Type } from '@sinclair/typebox';
import { withAdjustment } from '../../src/adjust/suggest.js';
import { evaluateRequest } from '../../src/engine/evaluate.js';
import { bufferScavengingPlugin } from '../../src/http/buffer-scavenger.js';
import { typeboxValidatorCompiler } from '../../src/http/validator.js';
import { loadConfig } from '../../src/config.js';
import { compilePolicySet } from '../../src/policies/compile.js';
import { sharePolicySet } from '../../src/policies/shared-policy-set.js';
import { ValidationPool } from '../../src/pool/validation-pool.js';
import { ValidationRequest, ValidationResponse } from '../../src/schemas/validation.js';
import { REALISTIC_POLICIES } from './realistic-mix.js';

const kind = process.argv[2];
const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
app.setValidatorCompiler(typeboxValidatorCompiler);
app.get('/ready', async () => ({ ok: true }));

if (kind === 'bare') {
  const Small = Type.Object({ decision_id: Type.String(), positions: Type.Integer() });
  app.post<{ Body: ValidationRequest }>('/api/v1/validate', { schema: { body: ValidationRequest, response: { 200: Small } } }, async (request) => ({
    decision_id: request.body.decision.decision_id,
    positions: request.body.portfolio_state.positions.length,
  }));
} else if (kind === 'inline') {
  const compiled = compilePolicySet(1, REALISTIC_POLICIES);
  app.post<{ Body: ValidationRequest }>('/api/v1/validate', { schema: { body: ValidationRequest, response: { 200: ValidationResponse } } }, async (request) =>
    withAdjustment(request.body, evaluateRequest(request.body, compiled), compiled),
  );
} else if (kind === 'pool') {
  const workers = Number(process.env.PES_WORKERS) || undefined;
  const pool = new ValidationPool({ threads: workers ?? (await import('node:os')).availableParallelism(), maxQueue: 1_000_000 });
  const policySet = sharePolicySet(1, REALISTIC_POLICIES);
  // The service's plugin, counting into nothing (the peer has no metrics).
  await app.register(bufferScavengingPlugin, { thresholdBytes: loadConfig(process.env).bufferScavengeBytes, metrics: { observeBufferScavenge: () => {} } });
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post('/api/v1/validate', { schema: { response: { 200: ValidationResponse } } }, async (request, reply) => {
      const outcome = await pool.validate(request.body as Buffer, policySet);
      if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
      // As the service answers: the worker's JSON text, sent as is.
      reply.type('application/json; charset=utf-8');
      return outcome.responseJson;
    });
  });
  app.addHook('onClose', () => pool.close());
} else {
  console.error(`unknown peer "${kind}": bare, inline or pool`);
  process.exit(2);
}

process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
