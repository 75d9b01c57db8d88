import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';
import { freePort } from './free-port.js';
import { serviceNodeFlags } from './node-flags.js';
import { freshDatabase } from './postgres-server.js';
import { cpuSecondsByRole } from '../../src/observability/threads.js';
import { refusalCountsIn } from '../../test/support/metrics.js';

/** A server under test, in its own process (its threads included), on a loopback port. */
export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Resident set size of the whole process (all its threads), in MB. */
  rssMb(): number;
  /** CPU time used so far by the main thread and by all other threads together, with the service's own threads apart, in ms. */
  cpuTimes(): CpuTimes;
  /** The service's 503 refusals so far by the check that made them (its /metrics); peers have none. */
  refusalsByCause?(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** pes_overload_refusals_total by cause, from the service's /metrics. */
async function refusalsOf(baseUrl: string): Promise<Record<string, number>> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}: no refusal counts`);
  const counts = Object.fromEntries(Object.entries(refusalCountsIn(await res.text())).filter(([, n]) => n !== undefined)) as Record<string, number>;
  if (Object.keys(counts).length === 0) throw new Error('GET /metrics has no pes_overload_refusals_total');
  return counts;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** CPU time so far, ms: the main thread, all others, and of those the service's validation workers and database thread. */
export interface CpuTimes {
  readonly mainMs: number;
  readonly otherMs: number;
  readonly validationMs: number;
  readonly databaseMs: number;
}

function cpuTimesOf(pid: number): CpuTimes {
  const s = cpuSecondsByRole(pid);
  if (!s) throw new Error(`no /proc/${pid}/task: the benchmarks read CPU times from Linux's /proc`);
  return { mainMs: s.http * 1000, otherMs: (s.validation + s.database + s.other) * 1000, validationMs: s.validation * 1000, databaseMs: s.database * 1000 };
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} not ready within 60 s:\n${output()}`);
}

interface SpawnOptions {
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;
  readonly readyPath: string;
  readonly port: number;
  readonly cleanup?: () => void | Promise<void>;
}

/** Every server, the service and its peers alike, runs with the node flags `npm start` gives the service. */
async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...serviceNodeFlags(), ...options.args], { cwd: PROJECT_ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const base = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntilReady(base + options.readyPath, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    await options.cleanup?.();
    throw error;
  }
  return {
    url: base,
    pid: child.pid!,
    rssMb: () => rssOf(child.pid!),
    cpuTimes: () => cpuTimesOf(child.pid!),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await options.cleanup?.();
    },
  };
}

export interface ServiceOptions {
  /** Extra environment, e.g. PES_WORKERS, PES_MAX_QUEUE. */
  readonly env?: NodeJS.ProcessEnv;
  /** A PostgreSQL server to create a fresh database on (dropped afterwards); absent = embedded PGlite. */
  readonly postgresAdminUrl?: string;
  /** Write a V8 CPU profile of the main thread and the workers into this folder on exit. */
  readonly cpuProfileDir?: string;
}

/**
 * The real service (node dist/src/main.js, with npm start's flags; `npm run bench` builds first) on a free loopback
 * port, with embedded PGlite in a fresh temporary folder, or a fresh database on a server.
 */
export async function startService(options: ServiceOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'pes-bench-'));
  const database = options.postgresAdminUrl ? await freshDatabase(options.postgresAdminUrl) : undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env, KAFKA_BROKERS: '', PES_API_KEYS: '', PES_POLICIES_FILE: '',
    PORT: String(port), HOST: '127.0.0.1', PES_DATA_DIR: dataDir, PES_LOG_LEVEL: 'warn',
    DATABASE_URL: database?.url ?? '', ...options.env,
  };
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const server = await spawnServer({
    args: [...profile, 'dist/src/main.js'], env, port, readyPath: '/health/ready',
    cleanup: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  });
  return { ...server, refusalsByCause: () => refusalsOf(server.url) };
}

export type PeerKind = 'bare' | 'inline' | 'pool';

/** A peer server from bench/support/peer-server.ts (run through tsx). */
export async function startPeer(kind: PeerKind, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const port = await freePort();
  return spawnServer({
    args: ['--import', 'tsx', 'bench/support/peer-server.ts', kind],
    env: { ...process.env, PORT: String(port), ...env },
    port,
    readyPath: '/ready',
  });
}
