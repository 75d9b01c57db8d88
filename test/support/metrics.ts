import type { FastifyInstance } from 'fastify';
import { REFUSAL_CAUSES, type RefusalCause } from '../../src/observability/metrics.js';

/** The value of one sample in Prometheus text, e.g. sample(text, 'x_total', { outcome: 'ok' }). */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v) && Object.keys(found).length === Object.keys(labels).length) {
      return match[3] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[3]);
    }
  }
  return undefined;
}

export type RefusalCounts = Record<RefusalCause, number>;
/** Every cause at zero: what a fresh service shows, and the base of an expected count. */
export const NONE_REFUSED: RefusalCounts = Object.fromEntries(REFUSAL_CAUSES.map((cause) => [cause, 0])) as RefusalCounts;

/** pes_overload_refusals_total by cause in the Prometheus text of GET /metrics (undefined for a cause it lacks). */
export function refusalCountsIn(text: string): Record<RefusalCause, number | undefined> {
  return Object.fromEntries(REFUSAL_CAUSES.map((cause) => [cause, sample(text, 'pes_overload_refusals_total', { cause })])) as Record<RefusalCause, number | undefined>;
}

/** pes_overload_refusals_total by cause, as GET /metrics shows it now. */
export async function refusalsByCause(app: FastifyInstance): Promise<RefusalCounts> {
  return refusalCountsIn((await app.inject({ method: 'GET', url: '/metrics' })).body) as RefusalCounts;
}
