import type { FastifyInstance } from 'fastify';
import { ServiceError } from '../../errors.js';
import type { PolicyStore } from '../../policies/policy-store.js';
import type { ValidationPool } from '../../pool/validation-pool.js';
import { ErrorBody } from '../../schemas/common.js';
import { HeadroomRequest, HeadroomResponse } from '../../schemas/headroom.js';

export interface HeadroomRouteOptions {
  readonly pool: ValidationPool;
  readonly policies: PolicyStore;
  readonly bodyLimit: number;
}

/**
 * POST /api/v1/headroom: for each symbol, the largest quantity (whole lots) that can be traded
 * alone from the given state with every strict policy still compliant, and the policy one more
 * lot would break. Like a validation, the raw body is parsed and computed in a worker. Nothing
 * is recorded: it is a question about the state, not a decision.
 */
export async function headroomRoutes(app: FastifyInstance, options: HeadroomRouteOptions): Promise<void> {
  const { pool, policies } = options;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (_req, body, done) => done(null, body));

  app.post(
    '/api/v1/headroom',
    {
      schema: {
        summary: 'Largest compliant quantity per symbol, and the policy that limits it',
        body: HeadroomRequest,
        response: { 200: HeadroomResponse, '4xx': ErrorBody, '5xx': ErrorBody },
      },
      // The worker checks the body against the same schema.
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      const outcome = await pool.headroom(request.body as Buffer, policies.current);
      if (!outcome.ok) throw new ServiceError(outcome.code, outcome.message, outcome.details);
      reply.header('x-pes-worker', String(outcome.threadId));
      return outcome.response;
    },
  );
}
