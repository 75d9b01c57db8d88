import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopback, loadConfig } from '../src/config.js';
import { availableCores } from '../src/cpu-cores.js';

const KEY = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
const problem = (env: NodeJS.ProcessEnv): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted it');
};

describe('configuration', () => {
  it('defaults to loopback without keys, a generous rate limit and a body limit for 100,000 positions', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, apiKeys: [], rateLimit: 60_000, shutdownGraceMs: 25_000 });
    expect(config.bodyLimit).toBeGreaterThanOrEqual(100_000 * 200);
  });

  it('keeps published events in the outbox for 24 hours by default, for none with PES_OUTBOX_RETENTION_HOURS=0', () => {
    expect(loadConfig({}).outboxRetentionHours).toBe(24);
    expect(loadConfig({ PES_OUTBOX_RETENTION_HOURS: '0' }).outboxRetentionHours).toBe(0);
  });

  it('lets the outbox relay start a round at most every 25 ms by default, at every wake with PES_OUTBOX_LINGER_MS=0', () => {
    expect(loadConfig({}).outboxLingerMs).toBe(25);
    expect(loadConfig({ PES_OUTBOX_LINGER_MS: '0' }).outboxLingerMs).toBe(0);
  });

  it('VACUUMs, before each checkpoint, the embedded tables with 50 rows changed by default, PES_EMBEDDED_VACUUM_ROWS otherwise, never with 0', () => {
    expect(loadConfig({}).embeddedVacuumRows).toBe(50);
    expect(loadConfig({ PES_EMBEDDED_VACUUM_ROWS: '0' }).embeddedVacuumRows).toBe(0);
    expect(loadConfig({ PES_EMBEDDED_VACUUM_ROWS: '20000' }).embeddedVacuumRows).toBe(20_000);
    expect(problem({ PES_EMBEDDED_VACUUM_ROWS: '-1' })).toMatch(/PES_EMBEDDED_VACUUM_ROWS/);
  });

  it('counts the cores once, as the process may use them, and runs a worker per whole core unless PES_WORKERS says otherwise', () => {
    const config = loadConfig({});
    expect(config.cores).toBe(availableCores());
    expect(config.workers).toBe(Math.max(1, Math.floor(config.cores)));
    expect(loadConfig({ PES_WORKERS: '3' }).workers).toBe(3);
  });

  it('refuses new validations past 40 ms of work in flight by default, never with PES_MAX_BACKLOG_MS=0', () => {
    expect(loadConfig({}).maxBacklogMs).toBe(40);
    expect(loadConfig({ PES_MAX_BACKLOG_MS: '0' }).maxBacklogMs).toBe(0);
    expect(problem({ PES_MAX_BACKLOG_MS: '-1' })).toMatch(/PES_MAX_BACKLOG_MS/);
  });

  it('keeps the embedded database in the folder PES_DATA_DIR names, a file:// URL as its path, or in memory; no other scheme', () => {
    expect(loadConfig({ PES_DATA_DIR: '/var/lib/pes' }).dataDir).toBe('/var/lib/pes');
    expect(loadConfig({ PES_DATA_DIR: 'file:///var/lib/pes' }).dataDir).toBe('/var/lib/pes');
    expect(loadConfig({ PES_DATA_DIR: 'memory://' }).dataDir).toBe('memory://');
    expect(problem({ PES_DATA_DIR: 'idb://pes' })).toMatch(/PES_DATA_DIR/);
    expect(problem({ PES_DATA_DIR: 'file://host/pes' })).toMatch(/PES_DATA_DIR/);
  });

  it('gives the embedded database a 128 MB buffer cache by default, the size PES_EMBEDDED_SHARED_BUFFERS_MB names otherwise', () => {
    expect(loadConfig({}).embeddedSharedBuffersMb).toBe(128);
    expect(loadConfig({ PES_EMBEDDED_SHARED_BUFFERS_MB: '4' }).embeddedSharedBuffersMb).toBe(4);
    expect(problem({ PES_EMBEDDED_SHARED_BUFFERS_MB: '0' })).toMatch(/PES_EMBEDDED_SHARED_BUFFERS_MB/);
  });

  it('checkpoints the embedded database after every 16 MB of WAL by default, never with PES_CHECKPOINT_WAL_MB=0', () => {
    expect(loadConfig({}).checkpointWalBytes).toBe(16 * 1024 * 1024);
    expect(loadConfig({ PES_CHECKPOINT_WAL_MB: '0' }).checkpointWalBytes).toBe(0);
    expect(problem({ PES_CHECKPOINT_WAL_MB: '-1' })).toMatch(/PES_CHECKPOINT_WAL_MB/);
  });

  it('refuses new validations once the event loop is 50 ms behind or an audit record has waited 100 ms for its commit, each set on its own', () => {
    expect(loadConfig({})).toMatchObject({ maxEventLoopLagMs: 50, maxCommitWaitMs: 100 });
    expect(loadConfig({ PES_MAX_EVENT_LOOP_LAG_MS: '0' })).toMatchObject({ maxEventLoopLagMs: 0, maxCommitWaitMs: 100 });
    expect(loadConfig({ PES_MAX_EVENT_LOOP_LAG_MS: '0', PES_MAX_COMMIT_WAIT_MS: '250' })).toMatchObject({ maxEventLoopLagMs: 0, maxCommitWaitMs: 250 });
    expect(problem({ PES_MAX_COMMIT_WAIT_MS: '-1' })).toMatch(/PES_MAX_COMMIT_WAIT_MS/);
  });

  it('lets an audit commit wait up to 1 ms for the validations still in the pool by default, never with PES_AUDIT_GATHER_MS=0', () => {
    expect(loadConfig({}).auditGatherMs).toBe(1);
    expect(loadConfig({ PES_AUDIT_GATHER_MS: '0' }).auditGatherMs).toBe(0);
  });

  it('scavenges the HTTP thread every 2 MB of body Buffers by default, never with PES_BUFFER_SCAVENGE_MB=0', () => {
    expect(loadConfig({}).bufferScavengeBytes).toBe(2 * 1024 * 1024);
    expect(loadConfig({ PES_BUFFER_SCAVENGE_MB: '0' }).bufferScavengeBytes).toBe(0);
  });

  it('refuses to listen beyond loopback without keys, saying what to set', () => {
    expect(problem({ HOST: '0.0.0.0' })).toBe(
      'Invalid configuration: HOST is "0.0.0.0" but PES_API_KEYS is empty: a service reachable from other machines needs keys. ' +
        'Set PES_API_KEYS=name:role:key[,name:role:key...] (role validator or admin, key ≥ 24 characters, ' +
        'e.g. from openssl rand -hex 32), or set HOST=127.0.0.1 to listen on this machine only.',
    );
  });

  it('listens anywhere with keys', () => {
    const config = loadConfig({ HOST: '0.0.0.0', PES_API_KEYS: `engine:validator:${KEY}` });
    expect(config.host).toBe('0.0.0.0');
    expect(config.apiKeys.map((k) => k.name)).toEqual(['engine']);
  });

  it.each([
    ['127.0.0.1', true], ['127.1.2.3', true], ['::1', true], ['localhost', true], ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false], ['::', false], ['10.0.0.5', false], ['pes.internal', false],
  ])('%s is loopback: %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });

  it.each([
    [{ PES_API_KEYS: 'engine:validator:short' }, 'Invalid configuration: PES_API_KEYS is invalid: entry 1 ("engine"): the key must be at least 24 characters (e.g. openssl rand -hex 32)'],
    [{ PES_RATE_LIMIT: 'lots' }, 'Invalid configuration: PES_RATE_LIMIT must be a whole number from 0 to 100000000, got "lots"'],
    [{ PES_BODY_LIMIT: '10' }, 'Invalid configuration: PES_BODY_LIMIT must be a whole number from 1024 to 1073741824, got "10"'],
    [{ PORT: '70000' }, 'Invalid configuration: PORT must be a whole number from 0 to 65535, got "70000"'],
    [{ PES_BUFFER_SCAVENGE_MB: '-1' }, 'Invalid configuration: PES_BUFFER_SCAVENGE_MB must be a whole number from 0 to 1024, got "-1"'],
    [{ PES_AUDIT_GATHER_MS: '0.5' }, 'Invalid configuration: PES_AUDIT_GATHER_MS must be a whole number from 0 to 1000, got "0.5"'],
    [{ PES_WORKERS: '0' }, 'Invalid configuration: PES_WORKERS must be a whole number from 1 to 256, got "0"'],
    [{ PES_SHUTDOWN_GRACE_MS: '-1' }, 'Invalid configuration: PES_SHUTDOWN_GRACE_MS must be a whole number from 0 to 600000, got "-1"'],
    [{ PES_OUTBOX_RETENTION_HOURS: '1.5' }, 'Invalid configuration: PES_OUTBOX_RETENTION_HOURS must be a whole number from 0 to 87600, got "1.5"'],
    [{ PES_LOG_LEVEL: 'verbose' }, 'Invalid configuration: PES_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"'],
    [{ DATABASE_URL: 'mysql://u:secret@h/db' }, 'Invalid configuration: DATABASE_URL must start with postgres:// or postgresql://'],
    [{ PES_POLICIES_FILE: '/no/such/policies.yaml' }, 'Invalid configuration: PES_POLICIES_FILE names "/no/such/policies.yaml", which is not a readable file'],
  ])('names the variable: %o', (env, message) => {
    expect(problem(env)).toBe(message);
  });

  it('never repeats a key or a database password in a message', () => {
    expect(problem({ PES_API_KEYS: `engine:root:${KEY}` })).not.toContain(KEY);
    expect(problem({ DATABASE_URL: 'mysql://u:secret@h/db' })).not.toContain('secret');
  });

  it('resolves PES_POLICIES_FILE to an absolute path when it is readable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pes-config-'));
    writeFileSync(join(dir, 'policies.yaml'), 'policies: []\n');
    expect(loadConfig({ PES_POLICIES_FILE: join(dir, 'policies.yaml') }).policiesFile).toBe(join(dir, 'policies.yaml'));
    expect(problem({ PES_POLICIES_FILE: dir })).toContain('which is not a readable file');
  });
});
