import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ServiceError } from '../errors.js';
import { securityHeadersPlugin } from './security-headers.js';

export interface LimitsOptions {
  /** Requests per minute per key, or per client address when the service runs without keys; 0 = off. */
  readonly perMinute: number;
  /** Whether API keys are configured: then each key has its own budget. */
  readonly keyed: boolean;
}

/**
 * Security headers on every response and a per-key rate limit (429 with Retry-After). Registered
 * before the routes (the limiter attaches to each route as it is added) and after auth (the
 * limiter's hook runs after the auth hook, so it sees the principal).
 */
export const limitsPlugin = fp(
  async (app: FastifyInstance, { perMinute, keyed }: LimitsOptions) => {
    // A request without a key (open routes, loopback mode) spends its client address's budget.
    const budgetKey = (request: FastifyRequest) =>
      keyed && request.principal ? `key:${request.principal.name}` : `ip:${request.ip}`;
    await app.register(securityHeadersPlugin, {
      // Served over plain HTTP behind a TLS-terminating balancer: upgrading would break /docs.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    });
    if (perMinute === 0) return;
    await app.register(rateLimit, {
      max: perMinute,
      timeWindow: 60_000,
      keyGenerator: budgetKey,
      // Load balancers and orchestrators probe health often; they must never be refused.
      allowList: (request) => request.routeOptions.url?.startsWith('/health/') ?? false,
      errorResponseBuilder: (_request, context) =>
        new ServiceError('PES_RATE_LIMITED', `More than ${context.max} requests a minute; retry in ${Math.ceil(context.ttl / 1000)} s`),
    });
  },
  { name: 'pes-limits', dependencies: ['pes-auth'] },
);
