import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceMetrics } from '../../observability/metrics.js';

/** GET /metrics: Prometheus text exposition, gathered at scrape time. Needs a key (see auth.ts). */
export async function metricsRoutes(app: FastifyInstance, { metrics }: { metrics: ServiceMetrics }): Promise<void> {
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
        response: { 200: Type.String({ description: 'Prometheus text format 0.0.4' }) },
      },
    },
    async (_request, reply) => {
      const text = await metrics.render();
      return reply.type(metrics.contentType).send(text);
    },
  );
}
