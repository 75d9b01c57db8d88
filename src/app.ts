import Fastify, { LogController, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ConfigError, type Config } from './config.js';
import { authPlugin } from './http/auth.js';
import { startOutboxRelay } from './events/outbox-relay.js';
import { bufferScavengingPlugin } from './http/buffer-scavenger.js';
import { installErrorHandler } from './http/error-handler.js';
import { limitsPlugin } from './http/limits.js';
import { observabilityPlugin, requestId } from './http/observability.js';
import { deskRoutes } from './http/routes/desk.js';
import { headroomRoutes } from './http/routes/headroom.js';
import { healthRoutes } from './http/routes/health.js';
import { metricsRoutes } from './http/routes/metrics.js';
import { policyHistoryRoutes } from './http/routes/policy-history.js';
import { policyRoutes } from './http/routes/policies.js';
import { validateRoutes } from './http/routes/validate.js';
import { violationRoutes } from './http/routes/violations.js';
import { typeboxValidatorCompiler } from './http/validator.js';
import { ServiceMetrics } from './observability/metrics.js';
import { applyPolicies } from './policies/apply-policies.js';
import { PoliciesFileError, readPoliciesFile } from './policies/policies-file.js';
import type { PolicyPlan } from './policies/policy-plan.js';
import type { PolicyDefinition } from './schemas/policy.js';
import { PolicyStore } from './policies/policy-store.js';
import { followPolicyChanges } from './policies/policy-sync.js';
import { ValidationPool } from './pool/validation-pool.js';
import type { Database } from './storage/database.js';
import { openDatabase } from './storage/open.js';
import { PGliteDatabase, type MaintenanceTask } from './storage/pglite.js';
import { PolicyRepository } from './storage/policy-repository.js';
import { DEFAULT_GROUP_COMMIT, ValidationRepository } from './storage/validation-repository.js';

export interface Services {
  readonly config: Config;
  readonly db: Database;
  readonly policyRepository: PolicyRepository;
  readonly policies: PolicyStore;
  readonly validations: ValidationRepository;
  readonly pool: ValidationPool;
  /** What PES_POLICIES_FILE changed at start, when it is set. */
  readonly appliedPolicies?: PolicyPlan;
}

/** Reads PES_POLICIES_FILE; a file with errors stops the start, naming the variable and each path. */
function readPoliciesSetting(file: string): PolicyDefinition[] {
  try {
    return readPoliciesFile(file);
  } catch (error) {
    if (error instanceof PoliciesFileError) throw new ConfigError('PES_POLICIES_FILE', `(${error.message})`);
    throw error;
  }
}

/**
 * Opens the database (migrated), applies the policies file, seeds the defaults (only into a store
 * that was never written: a policies file applied on first start takes their place), loads the
 * policies and starts the worker pool.
 */
export async function startServices(config: Config): Promise<Services> {
  const fromFile = config.policiesFile ? readPoliciesSetting(config.policiesFile) : undefined;
  const db = await openDatabase(config);
  const policyRepository = new PolicyRepository(db);
  let appliedPolicies: PolicyPlan | undefined;
  try {
    if (fromFile) appliedPolicies = await applyPolicies(policyRepository, fromFile);
    await policyRepository.seedDefaults();
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  const policies = new PolicyStore(policyRepository);
  await policies.refresh();
  const pool = new ValidationPool({ threads: config.workers, maxQueue: config.maxQueue, maxQueueWaitMs: config.maxQueueWaitMs });
  // The validations in the pool are the audit records on their way (those rejected make none).
  const gather = { ...DEFAULT_GROUP_COMMIT, gatherMs: config.auditGatherMs };
  const validations = new ValidationRepository(db, config.kafkaTopic, gather, () => pool.validationsInFlight);
  return { config, db, policyRepository, policies, validations, pool, ...(appliedPolicies ? { appliedPolicies } : {}) };
}

/** The composition root: one Fastify app wired to its services. Closing the app closes them. */
export async function buildApp(services: Services): Promise<FastifyInstance> {
  const { config, db, pool, policies, policyRepository, validations } = services;
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    // Per-request access logs cost more than a validation at our rates; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: requestId,
    // While draining after SIGTERM, a request that still arrives on an open keep-alive connection
    // is served (and answered with Connection: close) instead of getting a 503 outside the registry.
    return503OnClosing: false,
  });
  app.setValidatorCompiler(typeboxValidatorCompiler);
  installErrorHandler(app);

  const metrics = new ServiceMetrics({ pool, db, audit: validations });
  pool.onWorkerError((error) => app.log.error({ err: error }, 'a validation worker failed outside any task'));
  pool.onRefusal((cause) => metrics.observeRefusal(cause));
  if (db instanceof PGliteDatabase) {
    for (const freeze of db.frozen) {
      if ('ms' in freeze) app.log.info(`embedded database: ${freeze.database} frozen before opening, in ${Math.round(freeze.ms)} ms`);
      else app.log.warn(`embedded database: freezing ${freeze.database} before opening failed (${freeze.error}); the next start tries again`);
    }
    db.onFreezeDue((databases) =>
      app.log.warn(`embedded database: ${databases.join(' and ')} passed the freeze age; the next start of the service freezes them (restart it within months, see pes_database_transaction_id_age)`),
    );
    // Failures (a full disk, say) are logged when they start and when the task succeeds again, not at every look.
    const failing = new Set<string>();
    const failureEffect: Record<MaintenanceTask, string> = {
      checkpoint: 'its WAL grows until one succeeds (retried every second)',
      vacuum: 'its dead rows stay and its rows stay unfrozen until one succeeds (tried again before the next checkpoint)',
    };
    db.onMaintenance((outcome) => {
      const what = outcome.target ? `${outcome.task} of ${outcome.target}` : outcome.task;
      if ('ms' in outcome) {
        metrics.observeMaintenance(outcome.task, outcome.ms, outcome.target);
        // A VACUUM that succeeds also ends the failures of the look for tables due (no table named).
        const recovered = [...new Set([what, outcome.task])].filter((key) => failing.delete(key));
        if (recovered.length > 0) app.log.info(`embedded database ${recovered.join(', ')} succeeds again`);
        return;
      }
      metrics.observeFailedMaintenance(outcome.task);
      if (!failing.has(what)) app.log.warn({ err: outcome.error }, `embedded database ${what} failed: ${failureEffect[outcome.task]}`);
      failing.add(what);
    });
  }
  // Order matters: auth's hook runs before the rate limiter's (which needs the principal), and
  // both must be in place before any route is added.
  await app.register(authPlugin, { keys: config.apiKeys });
  await app.register(limitsPlugin, { perMinute: config.rateLimit, keyed: config.apiKeys.length > 0 });
  await app.register(observabilityPlugin, { metrics });
  await app.register(bufferScavengingPlugin, { thresholdBytes: config.bufferScavengeBytes, metrics });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Policy Enforcement Service', version: '0.1.0', description: 'Pre-trade compliance checks. See CONTRACT.md.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { validatorUrl: null } });

  await app.register(validateRoutes, { pool, policies, validations, bodyLimit: config.bodyLimit, maxLagMs: config.maxEventLoopLagMs, maxCommitWaitMs: config.maxCommitWaitMs, maxStandingWaitMs: config.maxStandingWaitMs, maxBacklogMs: config.maxBacklogMs, cores: config.cores, metrics });
  await app.register(headroomRoutes, { pool, policies, bodyLimit: config.bodyLimit });
  await app.register(policyRoutes, { repository: policyRepository, store: policies });
  await app.register(violationRoutes, { validations });
  await app.register(healthRoutes, { db, pool, policies });
  await app.register(metricsRoutes, { metrics });
  await app.register(deskRoutes);

  await app.register(policyHistoryRoutes, { repository: policyRepository });

  const stopFollowingPolicies = await followPolicyChanges(db, policies, {
    pollMs: config.policyPollMs,
    onError: (error) => app.log.warn({ err: error }, 'policy version check failed'),
  });
  const relay = startOutboxRelay(config, db, validations, app.log);

  app.addHook('onClose', async () => {
    await stopFollowingPolicies();
    await relay?.stop();
    await pool.close();
    await db.close();
  });
  return app;
}
