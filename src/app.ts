import Fastify, { LogController, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from './config.js';
import { installErrorHandler } from './http/error-handler.js';
import { healthRoutes } from './http/routes/health.js';
import { policyRoutes } from './http/routes/policies.js';
import { validateRoutes } from './http/routes/validate.js';
import { violationRoutes } from './http/routes/violations.js';
import { typeboxValidatorCompiler } from './http/validator.js';
import { PolicyStore } from './policies/policy-store.js';
import { ValidationPool } from './pool/validation-pool.js';
import type { Database } from './storage/database.js';
import { openDatabase } from './storage/open.js';
import { PolicyRepository } from './storage/policy-repository.js';
import { ValidationRepository } from './storage/validation-repository.js';

/** How often a replica checks whether another one changed the policies. */
const POLICY_POLL_MS = 500;

export interface Services {
  readonly config: Config;
  readonly db: Database;
  readonly policyRepository: PolicyRepository;
  readonly policies: PolicyStore;
  readonly validations: ValidationRepository;
  readonly pool: ValidationPool;
}

/** Opens the database (migrated, defaults seeded), loads the policies and starts the worker pool. */
export async function startServices(config: Config): Promise<Services> {
  const db = await openDatabase(config);
  const policyRepository = new PolicyRepository(db);
  await policyRepository.seedDefaults();
  const policies = new PolicyStore(policyRepository);
  await policies.refresh();
  const validations = new ValidationRepository(db, config.kafkaTopic);
  const pool = new ValidationPool({ threads: config.workers, maxQueue: config.maxQueue });
  return { config, db, policyRepository, policies, validations, pool };
}

/** The composition root: one Fastify app wired to its services. Closing the app closes them. */
export async function buildApp(services: Services): Promise<FastifyInstance> {
  const { config, db, pool, policies, policyRepository, validations } = services;
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    // Per-request access logs cost more than a validation at our rates; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
  });
  app.setValidatorCompiler(typeboxValidatorCompiler);
  installErrorHandler(app);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Policy Enforcement Service', version: '0.1.0', description: 'Pre-trade compliance checks. See CONTRACT.md.' },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(validateRoutes, { pool, policies, validations, bodyLimit: config.bodyLimit });
  await app.register(policyRoutes, { repository: policyRepository, store: policies });
  await app.register(violationRoutes, { validations });
  await app.register(healthRoutes, { db, pool, policies });

  const poll = setInterval(() => {
    policies.refreshIfStale().catch((error) => app.log.warn({ err: error }, 'policy version check failed'));
  }, POLICY_POLL_MS);
  poll.unref();

  app.addHook('onClose', async () => {
    clearInterval(poll);
    await pool.close();
    await db.close();
  });
  return app;
}
