import { accessSync, constants, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableCores } from './cpu-cores.js';
import { PROJECT_ROOT } from './paths.js';
import { ApiKeyFormatError, parseApiKeys, type ApiKeyEntry } from './security/api-keys.js';
import { DEFAULT_CHECKPOINT_WAL_MB, DEFAULT_SHARED_BUFFERS_MB, DEFAULT_VACUUM_CHANGED_ROWS } from './storage/pglite.js';

/** Every setting the service reads, validated once at start. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** PostgreSQL server; absent → embedded PGlite in dataDir. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  /** The embedded database checkpoints once this much WAL (bytes) was written since the last checkpoint; 0 = never. */
  readonly checkpointWalBytes: number;
  /** The embedded database's buffer cache (PostgreSQL's shared_buffers), in MB. */
  readonly embeddedSharedBuffersMb: number;
  /** Before each checkpoint, the embedded database VACUUMs each table with this many rows changed since its last VACUUM; 0 = never. */
  readonly embeddedVacuumRows: number;
  /** The cores the process may use (a container's CPU quota counted; fractional): read once, for the workers' default and the backlog check. */
  readonly cores: number;
  readonly workers: number;
  /** Validations waiting for a worker before new ones get 503. */
  readonly maxQueue: number;
  /** New validations get 503 when the workers' work in flight would keep them waiting longer (ms). */
  readonly maxQueueWaitMs: number;
  /** How far behind (ms) the HTTP thread's event loop may fall before new validations get 503. 0 = never. */
  readonly maxEventLoopLagMs: number;
  /** How long (ms) the oldest audit record may wait for its commit before new validations get 503. 0 = never. */
  readonly maxCommitWaitMs: number;
  readonly maxStandingWaitMs: number;
  readonly maxBacklogMs: number;
  readonly bodyLimit: number;
  readonly kafkaBrokers: string[];
  readonly kafkaTopic: string;
  /** Published events are deleted from the outbox this long after publishing (hours); 0 = at the next prune. */
  readonly outboxRetentionHours: number;
  /** Least time between two outbox relay rounds (ms): events of the commits meanwhile go together. */
  readonly outboxLingerMs: number;
  /** The safety net behind LISTEN/NOTIFY: how often a replica checks the stored policy-set version. */
  readonly policyPollMs: number;
  readonly policiesFile?: string;
  readonly logLevel: string;
  /** API keys, digested; empty = loopback-only mode with no authentication. */
  readonly apiKeys: readonly ApiKeyEntry[];
  /** Requests per minute per key (per client address without keys); 0 = no limit. */
  readonly rateLimit: number;
  /** How long SIGTERM waits for in-flight requests before giving up with exit code 1. */
  readonly shutdownGraceMs: number;
  /** Validations run (and audit writes rehearsed, then rolled back) before listening; 0 = none. */
  readonly warmUpValidations: number;
  /** How long (ms) an audit commit may wait for the validations still in the pool, so that their records share it; 0 = never waits. */
  readonly auditGatherMs: number;
  /** Scavenge the HTTP thread once its external memory (request-body Buffers) grows this much (bytes); 0 = never. */
  readonly bufferScavengeBytes: number;
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

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** 127.0.0.0/8, ::1 and localhost: the addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(host);
}

function apiKeys(env: NodeJS.ProcessEnv): ApiKeyEntry[] {
  try {
    return parseApiKeys(env.PES_API_KEYS ?? '');
  } catch (error) {
    if (error instanceof ApiKeyFormatError) throw new ConfigError('PES_API_KEYS', `is invalid: ${error.message}`);
    throw error;
  }
}

function readableFile(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  const path = resolve(raw);
  let readable = false;
  try {
    accessSync(path, constants.R_OK);
    readable = statSync(path).isFile();
  } catch {
    // not there, or not ours to read: reported below
  }
  if (!readable) throw new ConfigError(name, `names "${raw}", which is not a readable file`);
  return path;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cores = availableCores();
  // One per core it may use, rounded down: the HTTP and database threads need their share too.
  const workers = integer(env, 'PES_WORKERS', Math.max(1, Math.floor(cores)), 1, 256);
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', `must start with postgres:// or postgresql://`);
  }
  const host = env.HOST || '127.0.0.1';
  const keys = apiKeys(env);
  if (keys.length === 0 && !isLoopback(host)) {
    throw new ConfigError(
      'HOST',
      `is "${host}" but PES_API_KEYS is empty: a service reachable from other machines needs keys. ` +
        'Set PES_API_KEYS=name:role:key[,name:role:key...] (role validator or admin, key ≥ 24 characters, ' +
        'e.g. from openssl rand -hex 32), or set HOST=127.0.0.1 to listen on this machine only.',
    );
  }
  const logLevel = env.PES_LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('PES_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  return {
    port: integer(env, 'PORT', 8080, 0, 65_535),
    host,
    databaseUrl,
    dataDir: dataFolder(env.PES_DATA_DIR || join(PROJECT_ROOT, '.pes-data')),
    // PGlite never checkpoints by itself (workers/checkpointer.ts).
    checkpointWalBytes: integer(env, 'PES_CHECKPOINT_WAL_MB', DEFAULT_CHECKPOINT_WAL_MB, 0, 65_536) * 1024 * 1024,
    embeddedSharedBuffersMb: integer(env, 'PES_EMBEDDED_SHARED_BUFFERS_MB', DEFAULT_SHARED_BUFFERS_MB, 1, 1_024),
    // PGlite has no autovacuum (workers/vacuumer.ts).
    embeddedVacuumRows: integer(env, 'PES_EMBEDDED_VACUUM_ROWS', DEFAULT_VACUUM_CHANGED_ROWS, 0, 100_000_000),
    cores,
    workers,
    maxQueue: integer(env, 'PES_MAX_QUEUE', workers * 64, 1, 1_000_000),
    // Half the 100 ms P99 objective: the other half is for the request's own work and its answer.
    maxQueueWaitMs: integer(env, 'PES_MAX_QUEUE_WAIT_MS', 50, 1, 3_600_000),
    auditGatherMs: integer(env, 'PES_AUDIT_GATHER_MS', 1, 0, 1_000),
    // Half the 100 ms P99 objective: a backlog this deep is worth refusing work for.
    maxEventLoopLagMs: integer(env, 'PES_MAX_EVENT_LOOP_LAG_MS', 50, 0, 60_000),
    // The whole 100 ms objective: a store's shorter pauses are waited out (src/http/admission.ts).
    maxCommitWaitMs: integer(env, 'PES_MAX_COMMIT_WAIT_MS', 100, 0, 60_000),
    // The target wait for the limit on validations in flight (src/http/admission.ts). At twice the
    // sustainable rate it kept accepted P99 at 60–94 ms in A/B runs on 2 cores (the on/off switch
    // it replaced: 134–383 ms).
    maxStandingWaitMs: integer(env, 'PES_MAX_STANDING_WAIT_MS', 20, 0, 60_000),
    // The work admitted and not yet answered (src/http/admission.ts): under PES_MAX_QUEUE_WAIT_MS,
    // because a caller's own queue (every connection of its pool busy) adds to the service's.
    maxBacklogMs: integer(env, 'PES_MAX_BACKLOG_MS', 40, 0, 60_000),
    // 100,000 positions of ~200 bytes each, with room to spare.
    bodyLimit: integer(env, 'PES_BODY_LIMIT', 64 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    kafkaBrokers: (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean),
    kafkaTopic: env.KAFKA_TOPIC || 'policy.validation.completed',
    // A day to look a published event up again (the validation record itself is kept for good).
    outboxRetentionHours: integer(env, 'PES_OUTBOX_RETENTION_HOURS', 24, 0, 24 * 3_650),
    outboxLingerMs: integer(env, 'PES_OUTBOX_LINGER_MS', 25, 0, 10_000),
    policyPollMs: integer(env, 'PES_POLICY_POLL_MS', 500, 10, 3_600_000),
    policiesFile: readableFile(env, 'PES_POLICIES_FILE'),
    logLevel,
    apiKeys: keys,
    // 60,000 a minute is 1,000 a second per key: far above a trading desk's pace, low enough to
    // stop one runaway client from starving the others.
    rateLimit: integer(env, 'PES_RATE_LIMIT', 60_000, 0, 100_000_000),
    shutdownGraceMs: integer(env, 'PES_SHUTDOWN_GRACE_MS', 25_000, 0, 600_000),
    warmUpValidations: integer(env, 'PES_WARM_UP_VALIDATIONS', 300, 0, 100_000),
    // A quarter of the ~8 MB of external growth after which V8 starts a mark-compact, leaving room
    // for the bodies that arrive between two checks (src/http/buffer-scavenger.ts).
    bufferScavengeBytes: integer(env, 'PES_BUFFER_SCAVENGE_MB', 2, 0, 1_024) * 1024 * 1024,
  };
}

/**
 * PES_DATA_DIR as the service uses it: a folder path, or memory://. The service reads and writes
 * the folder itself (workers/data-folder.ts), so PGlite's file:// URLs become paths, and its
 * browser-only schemes (idb://, opfs-ahp://) are refused rather than taken for folder names.
 */
function dataFolder(value: string): string {
  if (value.startsWith('memory://')) return value;
  const refused = () => new ConfigError('PES_DATA_DIR', `must be a folder, a file:// URL or memory://, got "${value}"`);
  if (value.startsWith('file://')) {
    try {
      return fileURLToPath(value);
    } catch {
      throw refused();
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw refused();
  return value;
}
