import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './paths.js';

/** Every setting the service reads, validated once at start. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** PostgreSQL server; absent → embedded PGlite in dataDir. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly workers: number;
  /** Validations waiting for a worker before new ones get 503. */
  readonly maxQueue: number;
  readonly bodyLimit: number;
  readonly kafkaBrokers: string[];
  readonly kafkaTopic: string;
  readonly policiesFile?: string;
  readonly logLevel: string;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const workers = integer(env, 'PES_WORKERS', availableParallelism(), 1, 256);
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', `must start with postgres:// or postgresql://`);
  }
  return {
    port: integer(env, 'PORT', 8080, 0, 65_535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    dataDir: env.PES_DATA_DIR || join(PROJECT_ROOT, '.pes-data'),
    workers,
    maxQueue: integer(env, 'PES_MAX_QUEUE', workers * 64, 1, 1_000_000),
    // 100,000 positions of ~200 bytes each, with room to spare.
    bodyLimit: integer(env, 'PES_BODY_LIMIT', 64 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    kafkaBrokers: (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean),
    kafkaTopic: env.KAFKA_TOPIC || 'policy.validation.completed',
    policiesFile: env.PES_POLICIES_FILE || undefined,
    logLevel: env.PES_LOG_LEVEL || 'info',
  };
}
