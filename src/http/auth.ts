import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ServiceError } from '../errors.js';
import { findKey, type ApiKeyEntry, type Principal } from '../security/api-keys.js';

/** What a route demands: nothing, any valid key, or an admin key. */
export type Access = 'public' | 'validator' | 'admin';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin on every route that needs a key; the audit trail records its name. */
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Overrides the default access rule (see `defaultAccess`). */
    access?: Access;
  }
}

/** With no keys configured the service only listens on loopback; whoever reaches it is the operator. */
export const LOCAL_PRINCIPAL: Principal = { name: 'local', role: 'admin' };

/** POST routes that compute an answer for a validator rather than change what the service holds. */
const EVALUATION_ROUTES = new Set(['/api/v1/validate', '/api/v1/headroom']);

/**
 * Secure by default: every API route needs a key, and every API write needs admin unless it is
 * an evaluation. /metrics needs a key (its labels name policies and volumes). Health probes,
 * the OpenAPI document at /docs (it describes the API, it holds no data) and static pages are open.
 */
export function defaultAccess(method: string, url: string | undefined): Access {
  if (url === undefined) return 'public'; // no route: the 404 reveals nothing /docs does not
  if (url === '/metrics') return 'validator';
  if (!url.startsWith('/api/')) return 'public';
  if (method === 'GET' || method === 'HEAD' || EVALUATION_ROUTES.has(url)) return 'validator';
  return 'admin';
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const authorization = request.headers.authorization;
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new ServiceError('PES_UNAUTHORIZED', 'The Authorization header must be "Bearer <key>"');
  return match[1];
}

export interface AuthOptions {
  readonly keys: readonly ApiKeyEntry[];
}

/** API-key authentication and role checks, for every route of the app (hence fastify-plugin). */
export const authPlugin = fp(
  async (app: FastifyInstance, { keys }: AuthOptions) => {
    app.decorateRequest('principal', undefined);
    app.addHook('onRequest', async (request, reply) => {
      const access = request.routeOptions.config?.access ?? defaultAccess(request.method, request.routeOptions.url);
      if (access === 'public') return;
      if (keys.length === 0) {
        request.principal = LOCAL_PRINCIPAL;
        return;
      }
      reply.header('www-authenticate', 'Bearer realm="pes"');
      const key = presentedKey(request);
      if (key === undefined) throw new ServiceError('PES_UNAUTHORIZED', 'This endpoint needs an API key');
      const principal = findKey(keys, key);
      if (!principal) throw new ServiceError('PES_UNAUTHORIZED', 'The API key is not valid');
      reply.removeHeader('www-authenticate');
      request.principal = principal;
      if (access === 'admin' && principal.role !== 'admin') {
        throw new ServiceError(
          'PES_FORBIDDEN',
          `Key "${principal.name}" has the role ${principal.role}; ${request.method} ${request.routeOptions.url} needs admin`,
        );
      }
    });
  },
  { name: 'pes-auth' },
);
