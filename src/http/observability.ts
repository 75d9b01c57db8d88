import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ServiceMetrics } from '../observability/metrics.js';

/** A caller's (or the load balancer's) x-request-id is kept when it is a plain token. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const VALIDATE_ROUTE = '/api/v1/validate';

/** The request id every log line and error_id carries: the caller's x-request-id, else a fresh UUID. */
export function requestId(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : randomUUID();
}

/**
 * Per-request observability: the request id echoed as x-request-id, and every response timed
 * into the latency histogram by route template (never the raw URL: bounded label values).
 */
export const observabilityPlugin = fp(
  async (app: FastifyInstance, { metrics }: { metrics: ServiceMetrics }) => {
    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-request-id', request.id);
    });
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
      if (route === VALIDATE_ROUTE && reply.statusCode >= 400) metrics.observeUnansweredValidation(reply.statusCode);
    });
  },
  { name: 'pes-observability' },
);
