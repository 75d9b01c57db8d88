import type { FastifyInstance } from 'fastify';
import { ServiceError } from '../../errors.js';
import type { ServiceMetrics } from '../../observability/metrics.js';
import type { PolicyStore } from '../../policies/policy-store.js';
import type { ValidationPool } from '../../pool/validation-pool.js';
import { ErrorBody } from '../../schemas/common.js';
import { ValidationRequest, ValidationResponse } from '../../schemas/validation.js';
import type { ValidationRepository } from '../../storage/validation-repository.js';
import { AdmissionControl } from '../admission.js';
import { sendError } from '../error-handler.js';

export interface ValidateRouteOptions {
  readonly pool: ValidationPool;
  readonly policies: PolicyStore;
  readonly validations: ValidationRepository;
  readonly bodyLimit: number;
  /** Refuse new validations (503) while the HTTP thread's event loop is this many ms behind (see AdmissionControl); 0 = never. */
  readonly maxLagMs: number;
  /** ... and while the oldest audit record has waited this many ms for its commit; 0 = never. */
  readonly maxCommitWaitMs: number;
  /** Target wait for the adaptive limit on validations in flight (see AdmissionControl); 0 = no limit. */
  readonly maxStandingWaitMs: number;
  /** Refuse new validations while those in flight hold more than this many ms of work for all the cores (see AdmissionControl); 0 = never. */
  readonly maxBacklogMs: number;
  /** The cores the service's threads share, for the backlog check (config.cores). */
  readonly cores: number;
  readonly metrics: ServiceMetrics;
}

/** Response headers of a checked decision, as the OpenAPI document declares them. */
const CHECKED_HEADERS = {
  'Server-Timing': {
    type: 'string',
    description: 'Where the time went, in ms: read (the body), pool (queue, hops and worker), worker (its own work), commit (the audit record)',
    example: 'read;dur=0.05, pool;dur=0.61, worker;dur=0.31, commit;dur=0.78',
  },
  'X-PES-Worker': { type: 'string', description: 'The worker thread that checked the decision' },
};

/**
 * POST /api/v1/validate. The body reaches a worker as raw bytes (transferred, not cloned); the
 * worker parses it and checks it against the same TypeBox schema this route documents, and
 * returns the response and its audit record as JSON text. The response is sent only after the
 * validation, its violations and its event are committed.
 *
 * Each answer says where its time went (Server-Timing, ms): `read` until the body was read, `pool`
 * from there until the worker's answer arrived (its queue, the hops and `worker`, its own work),
 * and `commit`, the wait for the audit record's commit. A caller can tell a slow service from a
 * slow network, and an operator a queue from the store.
 */
export async function validateRoutes(app: FastifyInstance, options: ValidateRouteOptions): Promise<void> {
  const { pool, policies, validations, metrics } = options;
  // Encapsulated to this plugin: the JSON body stays bytes here and is parsed off the event loop.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (_req, body, done) => done(null, body));

  // Refused before the body is read: a refusal must cost far less than a validation.
  // Fewer validations in flight than threads means nothing waits: no backlog to refuse work for.
  const admission = new AdmissionControl({
    maxLagMs: options.maxLagMs, maxCommitWaitMs: options.maxCommitWaitMs, maxStandingWaitMs: options.maxStandingWaitMs, maxBacklogMs: options.maxBacklogMs, cores: options.cores, minInFlight: Math.max(1, pool.threads),
  });
  metrics.watchAdmission(admission);
  app.addHook('onReady', async () => admission.start());
  app.addHook('onClose', async () => admission.close());
  app.addHook('onRequest', async (request, reply) => {
    const refusal = admission.behind();
    if (!refusal) return undefined;
    metrics.observeRefusal(refusal.cause);
    // Answered here, not thrown: no stack trace, no error chain (the body is the error handler's).
    // Cheaper refusals leave more of the cores to admitted work when overload is heaviest.
    const message = `The service is behind (${refusal.reason}); retry after Retry-After seconds`;
    request.log.debug(message);
    return sendError(request, reply, 'PES_OVERLOADED', message);
  });

  app.post(
    '/api/v1/validate',
    {
      schema: {
        summary: 'Check a trading decision against the portfolio policies',
        body: ValidationRequest,
        response: {
          200: { ...ValidationResponse, headers: CHECKED_HEADERS },
          '4xx': { ...ErrorBody, headers: { 'Retry-After': { type: 'integer', description: 'On 429: seconds until the key may send again' } } },
          '5xx': { ...ErrorBody, headers: { 'Retry-After': { type: 'integer', description: 'On 503: seconds to wait before retrying' } } },
        },
      },
      // The worker validates against the same schema; validating here too would parse twice.
      validatorCompiler: () => () => true,
    },
    async (request, reply) =>
      admission.admitted(async () => {
        const readMs = reply.elapsedTime;
        const outcome = await pool.validate(request.body as Buffer, policies.current);
        const pooledMs = reply.elapsedTime;
        if (!outcome.ok) throw new ServiceError(outcome.code, outcome.message, outcome.details);
        const { summary } = outcome;
        // From here on every log line of this request names the decision as well as the request.
        request.log = request.log.child({ decision_id: summary.decision_id });
        try {
          await admission.trackCommit(() => validations.recordPrepared(outcome.record));
        } catch (error) {
          // Fail closed: an approval that is not recorded is not given.
          throw new ServiceError('PES_STORE_UNAVAILABLE', undefined, undefined, { cause: error });
        }
        const committedMs = reply.elapsedTime;
        const commitMs = committedMs - pooledMs;
        reply.header('server-timing', serverTiming({ read: readMs, pool: pooledMs - readMs, worker: outcome.elapsedMs, commit: commitMs }));
        admission.observeWait(committedMs - outcome.elapsedMs);
        metrics.observeValidation(summary);
        // The worker's clock and this thread's may disagree by a hair: a queue is never negative.
        metrics.observeValidationPhases({ read: readMs, queue: Math.max(0, pooledMs - readMs - outcome.elapsedMs), worker: outcome.elapsedMs, commit: commitMs });
        request.log.debug(
          { is_compliant: summary.is_compliant, violations: summary.violations.length, worker_ms: outcome.elapsedMs },
          'validation recorded',
        );
        // The worker's JSON text of the response, the same the record holds: sent as is, not re-serialised.
        reply.header('x-pes-worker', String(outcome.threadId)).type('application/json; charset=utf-8');
        return outcome.responseJson;
      }),
  );
}

function serverTiming(phases: Record<string, number>): string {
  return Object.entries(phases).map(([name, ms]) => `${name};dur=${ms.toFixed(2)}`).join(', ');
}
