import type { FastifyInstance } from 'fastify';
import { buildApp, startServices, type Services } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createPostgresDatabase, type DatabaseKind } from './databases.js';
import { NO_SHEDDING } from './no-shedding.js';

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
  // Load shedding is off unless a test asks for it (NO_SHEDDING says why).
  const env: NodeJS.ProcessEnv = { PES_WORKERS: '2', PES_LOG_LEVEL: 'silent', PES_DATA_DIR: 'memory://', ...NO_SHEDDING, ...options.env };
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
