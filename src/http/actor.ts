import type { FastifyRequest } from 'fastify';

/** Who is acting, for the audit trail: the API key's name set by the auth plugin, else 'local'. */
export function actorOf(request: FastifyRequest): string {
  return (request as { principal?: { name: string } }).principal?.name ?? 'local';
}
