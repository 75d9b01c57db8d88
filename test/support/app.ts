import type { FastifyInstance } from 'fastify';
import { buildApp, startServices, type Services } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createPostgresDatabase, type DatabaseKind } from './databases.js';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly services: Services;
  close(): Promise<void>;
}

/**
 * A real service (real worker pool, real database) for inject() tests: embedded PGlite in memory,
 * or a fresh database on the PostgreSQL server.
 */
export async function startTestApp(options: { database?: DatabaseKind; env?: NodeJS.ProcessEnv } = {}): Promise<TestApp> {
  let drop: (() => Promise<void>) | undefined;
  // Load shedding (by lag, commit wait, standing wait and expected queue wait) is off unless a test asks for it: tests share
  // the app's event loop and the machine's cores, and their own work (building big requests,
  // bursts of them) would look like an overloaded service.
  const env: NodeJS.ProcessEnv = {
    PES_WORKERS: '2', PES_LOG_LEVEL: 'silent', PES_DATA_DIR: 'memory://',
    PES_MAX_EVENT_LOOP_LAG_MS: '0', PES_MAX_COMMIT_WAIT_MS: '0', PES_MAX_STANDING_WAIT_MS: '0', PES_MAX_QUEUE_WAIT_MS: '3600000', ...options.env,
  };
  delete env.DATABASE_URL;
  if (options.database === 'postgres') {
    const created = await createPostgresDatabase();
    env.DATABASE_URL = created.url;
    drop = created.drop;
  }
  const config: Config = loadConfig(env);
  const services = await startServices(config);
  const app = await buildApp(services);
  await app.ready();
  return {
    app,
    services,
    close: async () => {
      await app.close();
      await drop?.();
    },
  };
}
