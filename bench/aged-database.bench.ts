/**
 * The service on a database that has been recording for a while, against a fresh one: the
 * realistic load at 70 % of the highest sustainable rate, rounds taking turns, each on a new copy
 * of its data folder. Every other HTTP scenario starts from an empty database; a fund's runs for
 * months. What grows with the tables (index pages a checkpoint makes the WAL copy whole, a deeper
 * B-tree) shows here and nowhere else. Its outbox holds every prefilled event unpublished (no
 * broker runs), which a service with a relay would not.
 * Embedded PGlite only (with PES_BENCH_DATABASE_URL set it says so and measures nothing).
 * Run alone (after npm run build): npx tsx bench/aged-database.bench.ts [--quick] [sustainable req/s]
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../src/storage/migrate.js';
import { PGliteDatabase } from '../src/storage/pglite.js';
import { DEFAULT_GROUP_COMMIT, ValidationRepository } from '../src/storage/validation-repository.js';
import { measuredLoad, type LoadResult } from './support/load-generator.js';
import { startService } from './support/processes.js';
import { describeStep, refusalCauses } from './support/rate-search.js';
import { addPolicies, realisticBodies } from './support/realistic-mix.js';
import { fixed, median, saveResult } from './support/results.js';
import { REPORT_SHARE, WINDOWS, quick, serviceOptions, sustainableRateOrSearch, warmUpServer } from './support/scenario.js';
import { typicalRecord } from './support/typical-record.js';

const RECORDS = quick ? 20_000 : 200_000;
const ROUNDS = quick ? 1 : 3;
const WINDOW_MS = quick ? 3_000 : 15_000;
const bodies = realisticBodies(100, 30);

/** A data folder holding `records` validations recorded through the service's own repository. */
async function agedFolder(records: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pes-aged-'));
  try {
    const db = await PGliteDatabase.open(dir);
    try {
      await migrate(db);
      const repository = new ValidationRepository(db, 'policy.validation.completed', DEFAULT_GROUP_COMMIT);
      let next = 0;
      await Promise.all(Array.from({ length: 64 }, async () => {
        while (next < records) await repository.record(typicalRecord(next++, 'aged'));
      }));
    } finally {
      await db.close();
    }
    return dir;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** One round: the service on a copy of `template` (or an empty folder), the load, the service's CPU. */
async function round(template: string | undefined, rate: number): Promise<LoadResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pes-aged-run-'));
  try {
    if (template) cpSync(template, dataDir, { recursive: true });
    const service = await startService(serviceOptions({ PES_DATA_DIR: dataDir }));
    try {
      await addPolicies(service.url);
      const url = `${service.url}/api/v1/validate`;
      await warmUpServer(url, bodies, rate);
      return await measuredLoad(service, { url, bodies, rate, durationMs: WINDOW_MS, warmupMs: WINDOWS.warmup });
    } finally {
      await service.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}


if (process.env.PES_BENCH_DATABASE_URL) {
  console.log('aged-database: embedded PGlite only, and PES_BENCH_DATABASE_URL is set: SKIPPED, nothing measured');
  saveResult('aged-database', { skipped: 'embedded PGlite only; PES_BENCH_DATABASE_URL is set' });
} else {
  const rate = Math.round((await sustainableRateOrSearch(bodies, 'aged-database search')) * REPORT_SHARE);
  if (!rate) throw new Error('no sustainable rate found');
  const started = performance.now();
  const template = await agedFolder(RECORDS);
  const prefillSeconds = (performance.now() - started) / 1000;
  console.log(`aged-database: ${RECORDS} validations recorded in ${fixed(prefillSeconds, 1)} s; ${rate} req/s (${REPORT_SHARE * 100} % of the sustainable rate)`);
  const kinds = [{ label: 'fresh database', template: undefined }, { label: `${RECORDS.toLocaleString('en-US')} validations recorded`, template }];
  const rounds: Array<{ database: string; round: number; p50Ms: number; p99Ms: number; p999Ms: number; errors: number; refusedBy: string; cpuMainMs: number; cpuOtherMs: number }> = [];
  try {
    for (let k = 0; k < ROUNDS; k++) {
      // Alternate which goes first: a machine slowing down over the run hits both alike.
      for (const kind of k % 2 === 0 ? kinds : [...kinds].reverse()) {
        const result = await round(kind.template, rate);
        console.log(`${kind.label}, round ${k + 1}: ${describeStep(result)}`);
        rounds.push({
          database: kind.label, round: k + 1, p50Ms: result.accepted.p50Ms, p99Ms: result.accepted.p99Ms, p999Ms: result.accepted.p999Ms,
          errors: result.errors, refusedBy: refusalCauses(result) || '–', cpuMainMs: result.cpu!.mainMs, cpuOtherMs: result.cpu!.otherMs,
        });
      }
    }
  } finally {
    rmSync(template, { recursive: true, force: true });
  }
  const summary = kinds.map(({ label }) => {
    const mine = rounds.filter((r) => r.database === label);
    return {
      database: label, rounds: mine.length,
      medianP99Ms: median(mine.map((r) => r.p99Ms)), medianP999Ms: median(mine.map((r) => r.p999Ms)),
      errors: mine.reduce((sum, r) => sum + r.errors, 0),
      medianCpuPerRequestMs: median(mine.map((r) => r.cpuMainMs + r.cpuOtherMs)),
    };
  });
  console.table(summary);
  saveResult('aged-database', { records: RECORDS, prefillSeconds, rate, windowMs: WINDOW_MS, summary, rounds });
}
