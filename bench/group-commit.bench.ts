/**
 * Group commit: validation records (record + violations + outbox event) written by many
 * concurrent callers, with batching (the service's setting) and without (one transaction per
 * record), on embedded PGlite and on the PostgreSQL server (DATABASE_URL, else the local test
 * server; skipped when unreachable). Reports records/s, commits/s and the mean batch size.
 * Run alone: npx tsx bench/group-commit.bench.ts [--quick]
 */
import type { GroupCommitOptions } from '../src/storage/group-commit.js';
import type { Database } from '../src/storage/database.js';
import { migrate } from '../src/storage/migrate.js';
import { PGliteDatabase } from '../src/storage/pglite.js';
import { PostgresDatabase } from '../src/storage/postgres.js';
import { DEFAULT_GROUP_COMMIT, ValidationRepository } from '../src/storage/validation-repository.js';
import { LOCAL_POSTGRES_URL, freshDatabase, postgresProblem } from './support/postgres-server.js';
import { fixed, median, saveResult } from './support/results.js';
import { typicalRecord } from './support/typical-record.js';

const quick = process.argv.includes('--quick');
const WINDOW_MS = quick ? 500 : 2_000;
const WARMUP_MS = quick ? 100 : 300;
/** Modes take turns, round after round, and each reports its median round: load elsewhere on the machine hits all alike. */
const ROUNDS = quick ? 1 : 3;
const CONCURRENCY = quick ? [1, 64] : [1, 16, 64, 256];
const MODES: Record<string, GroupCommitOptions> = {
  'one transaction per record': { maxBatch: 1, maxInFlight: Number.POSITIVE_INFINITY },
  'group commit, 1 in flight': { ...DEFAULT_GROUP_COMMIT, maxInFlight: 1 },
  'group commit, 2 in flight (service default)': DEFAULT_GROUP_COMMIT,
};
const SERVER_URL = process.env.DATABASE_URL ?? LOCAL_POSTGRES_URL;

interface Cell {
  readonly database: string;
  readonly mode: string;
  readonly concurrency: number;
  readonly recordsPerSecond: number;
  readonly commitsPerSecond: number;
  readonly meanBatch: number;
  readonly meanLatencyMs: number;
}

/** `concurrency` callers, each recording one validation after another, for the window. */
async function measure(db: Database, database: string, mode: string, concurrency: number): Promise<Cell> {
  const repository = new ValidationRepository(db, 'policy.validation.completed', MODES[mode]);
  let next = 0;
  const run = async (ms: number) => {
    const end = performance.now() + ms;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await repository.record(typicalRecord(next++));
    }));
  };
  await run(WARMUP_MS);
  const before = repository.commitStats;
  const started = performance.now();
  await run(WINDOW_MS);
  const seconds = (performance.now() - started) / 1000;
  const after = repository.commitStats;
  const records = after.items - before.items;
  const commits = after.commits - before.commits;
  await db.query('TRUNCATE validations, policy_violations, event_outbox');
  return {
    database, mode, concurrency,
    recordsPerSecond: records / seconds,
    commitsPerSecond: commits / seconds,
    meanBatch: records / commits,
    // Little's law: callers in the system = throughput × time each spends waiting.
    meanLatencyMs: (concurrency / (records / seconds)) * 1000,
  };
}

async function serverDatabase(): Promise<{ db: Database; drop: () => Promise<void> } | undefined> {
  const problem = await postgresProblem(SERVER_URL);
  if (problem) {
    console.warn(`${problem}: PostgreSQL rows skipped`);
    return undefined;
  }
  const fresh = await freshDatabase(SERVER_URL);
  const db = new PostgresDatabase(fresh.url);
  await migrate(db);
  return {
    db,
    drop: async () => {
      await db.close();
      await fresh.drop();
    },
  };
}


const cells: Cell[] = [];
const pglite = await PGliteDatabase.open('memory://');
await migrate(pglite);
const server = await serverDatabase();
const targets: Array<[string, Database]> = [['PGlite (in memory)', pglite], ...(server ? [['PostgreSQL server', server.db] as [string, Database]] : [])];
try {
  for (const [database, db] of targets) {
    for (const concurrency of CONCURRENCY) {
      const rounds = new Map<string, Cell[]>(Object.keys(MODES).map((mode) => [mode, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const mode of Object.keys(MODES)) rounds.get(mode)!.push(await measure(db, database, mode, concurrency));
      }
      for (const runs of rounds.values()) {
        const middle = median(runs.map((r) => r.recordsPerSecond));
        cells.push(runs.find((r) => r.recordsPerSecond === middle)!);
      }
    }
  }
} finally {
  await pglite.close();
  await server?.drop();
}

console.log('| database | callers | mode | records/s | commits/s | mean batch | mean latency ms | vs one per record |');
console.log('|---|---:|---|---:|---:|---:|---:|---:|');
for (const cell of cells) {
  const baseline = cells.find((c) => c.database === cell.database && c.concurrency === cell.concurrency && MODES[c.mode].maxBatch === 1)!;
  console.log(
    `| ${cell.database} | ${cell.concurrency} | ${cell.mode} | ${fixed(cell.recordsPerSecond, 0)} | ${fixed(cell.commitsPerSecond, 0)} | ` +
      `${fixed(cell.meanBatch, 1)} | ${fixed(cell.meanLatencyMs, 2)} | ×${fixed(cell.recordsPerSecond / baseline.recordsPerSecond, 2)} |`,
  );
}
saveResult('group-commit', { windowMs: WINDOW_MS, cells });
