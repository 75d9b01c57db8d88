import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { PROJECT_ROOT } from '../../paths.js';

/** The compliance desk's own files: plain ES modules, no build step. */
const DESK_DIR = join(PROJECT_ROOT, 'web');
const DESK_PREFIX = '/desk/';
const UPLOT_PREFIX = `${DESK_PREFIX}vendor/uplot/`;

/** Where uPlot's browser builds are, or undefined when the package is not installed. */
function uplotDist(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('uplot'));
  } catch {
    return undefined;
  }
}

/**
 * The compliance desk, served by the service itself so the page and the API share one origin
 * (no CORS, the same keys). `/` redirects to it. The charting library is served from its package.
 */
export async function deskRoutes(app: FastifyInstance): Promise<void> {
  // The prefix without its slash makes redirect add a GET /desk → /desk/ route.
  await app.register(fastifyStatic, { root: DESK_DIR, prefix: '/desk', redirect: true, decorateReply: false });
  const uplot = uplotDist();
  if (uplot) {
    await app.register(fastifyStatic, { root: uplot, prefix: UPLOT_PREFIX, decorateReply: false });
  } else {
    // The desk still works without it; only the activity chart is missing.
    app.log.warn('uplot is not installed: the compliance desk shows no activity chart');
  }
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect(DESK_PREFIX));
}
