import { buildApp, startServices } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { formatPlan } from './policies/policy-plan.js';
import { warmUp } from './warm-up.js';

/** Exit codes: 0 clean stop, 1 failure (or shutdown overran its grace period), 2 bad configuration. */
async function main(): Promise<void> {
  const config = loadConfig();
  const services = await startServices(config);
  const app = await buildApp(services);
  if (services.appliedPolicies) {
    app.log.info({ file: config.policiesFile, plan: formatPlan(services.appliedPolicies) }, 'policies file applied');
  }

  // SIGTERM: stop accepting, let in-flight requests finish (each validation is recorded before it
  // answers), then the onClose hooks close the pool and the database. A second signal kills at once.
  const shutdown = async (signal: string) => {
    app.log.info({ signal, grace_ms: config.shutdownGraceMs }, 'shutting down: finishing in-flight requests');
    const overrun = setTimeout(() => {
      app.log.error({ grace_ms: config.shutdownGraceMs }, 'shutdown did not finish within PES_SHUTDOWN_GRACE_MS; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    try {
      await app.close();
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
    clearTimeout(overrun);
    app.log.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  // Warm before listening: a load balancer sends nothing to a port that is not open yet. A
  // warm-up that fails only leaves the service cold: the health routes tell whether it can serve.
  const warmStarted = performance.now();
  try {
    const warmed = await warmUp(services, config.warmUpValidations);
    const warmUpLog = { validations: warmed.validations, ms: Math.round(performance.now() - warmStarted) };
    if (Object.keys(warmed.failed).length > 0) {
      app.log.warn({ ...warmUpLog, failed: warmed.failed }, 'warm-up: some validations failed (nothing recorded); the paths they would have taken start cold');
    } else if (warmed.validations > 0) app.log.info(warmUpLog, 'warmed up (nothing recorded)');
  } catch (error) {
    app.log.warn({ err: error }, 'warm-up failed; the service starts cold');
  }

  const address = await app.listen({ port: config.port, host: config.host });
  app.log.info(
    {
      address,
      database: services.db.kind,
      workers: config.workers,
      policy_set_version: services.policies.version,
      api_keys: config.apiKeys.length,
    },
    `Policy Enforcement Service ready; OpenAPI at ${address}/docs`,
  );
  if (config.apiKeys.length === 0) app.log.warn('PES_API_KEYS is empty: no authentication, listening on loopback only');
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
