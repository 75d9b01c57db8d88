import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PGliteDatabase, type MaintenanceOutcome } from '../../src/storage/pglite.js';
import { waitUntil } from '../support/outbox.js';

const MB = 1024 * 1024;

/** Where the last checkpoint's redo begins, and how much WAL has been written since. */
async function checkpointState(db: PGliteDatabase): Promise<{ redo: string; sinceBytes: number }> {
  const [row] = await db.query<{ redo: string; since: number }>(
    'SELECT redo_lsn::text AS redo, pg_wal_lsn_diff(pg_current_wal_lsn(), redo_lsn)::float8 AS since FROM pg_control_checkpoint()',
  );
  return { redo: row.redo, sinceBytes: row.since };
}

/** About `mb` MB of WAL: rows of 2 KB, stored as they are (STORAGE PLAIN: never compressed), in one statement. */
async function writeWal(db: PGliteDatabase, mb: number): Promise<void> {
  await db.query("INSERT INTO filler (v) SELECT repeat('x', 2000) FROM generate_series(1, $1::int)", [mb * 500]);
}

// PGlite is a single-user PostgreSQL: without the thread's own checkpoints its WAL only grows, and
// reopening after a crash replays all of it (workers/checkpointer.ts).
describe('checkpoints of the embedded database', () => {
  let dataDir: string;
  let db: PGliteDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });
  /** A fresh folder database that looks every 20 ms, the checkpoints it reports, and where its last one left the WAL. */
  const open = async (checkpointWalBytes: number) => {
    dataDir = mkdtempSync(join(tmpdir(), 'pes-checkpoint-'));
    const opened = await PGliteDatabase.open(dataDir, { checkpointWalBytes, checkpointCheckMs: 20 });
    db = opened;
    await opened.exec('CREATE TABLE filler (k serial PRIMARY KEY, v text); ALTER TABLE filler ALTER v SET STORAGE PLAIN');
    const outcomes: MaintenanceOutcome[] = [];
    opened.onMaintenance((outcome) => outcome.task === 'checkpoint' && outcomes.push(outcome));
    return { db: opened, outcomes, before: await checkpointState(opened) };
  };

  it('checkpoints once the WAL written since the last checkpoint reaches the threshold, and says how long it took', async () => {
    const { db, outcomes, before } = await open(2 * MB);
    await writeWal(db, 1);
    // Under the threshold: no checkpoint through 25 looks (one every 20 ms).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(outcomes).toEqual([]);
    await writeWal(db, 3);
    await waitUntil(() => outcomes.length > 0, 'a checkpoint', 10_000);
    expect(outcomes[0]).toEqual({ task: 'checkpoint', ms: expect.any(Number) });
    const after = await checkpointState(db);
    expect(after.redo).not.toBe(before.redo);
    expect(after.sinceBytes).toBeLessThan(2 * MB);
  });

  it('never checkpoints with a threshold of 0, as PGlite left alone', async () => {
    const { db, outcomes, before } = await open(0);
    await writeWal(db, 5);
    // A threshold of 0 read as "at every look" would have checkpointed many times by now.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(outcomes).toEqual([]);
    const after = await checkpointState(db);
    expect(after.redo).toBe(before.redo);
    expect(after.sinceBytes).toBeGreaterThan(4 * MB);
  });
});
