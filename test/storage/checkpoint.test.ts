import { describe, expect, it } from 'vitest';
import type { PGliteDatabase } from '../../src/storage/pglite.js';
import { folderDatabases } from '../support/folder-database.js';
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
  const databases = folderDatabases('pes-checkpoint-');
  /** A fresh folder database that looks every 20 ms, the checkpoints it reports, and where its last one left the WAL. */
  const open = async (checkpointWalBytes: number) => {
    const { db, outcomes } = await databases.open({ checkpointWalBytes, checkpointCheckMs: 20 });
    await db.exec('CREATE TABLE filler (k serial PRIMARY KEY, v text); ALTER TABLE filler ALTER v SET STORAGE PLAIN');
    // VACUUMs come before each checkpoint, of the tables the writes changed.
    const checkpoints = () => outcomes.filter((outcome) => outcome.task === 'checkpoint');
    return { db, checkpoints, before: await checkpointState(db) };
  };

  it('checkpoints once the WAL written since the last checkpoint reaches the threshold, and says how long it took', async () => {
    const { db, checkpoints, before } = await open(2 * MB);
    await writeWal(db, 1);
    // Under the threshold: no checkpoint through 25 looks (one every 20 ms).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(checkpoints()).toEqual([]);
    await writeWal(db, 3);
    await waitUntil(() => checkpoints().length > 0, 'a checkpoint', 10_000);
    expect(checkpoints()[0]).toEqual({ task: 'checkpoint', ms: expect.any(Number) });
    const after = await checkpointState(db);
    expect(after.redo).not.toBe(before.redo);
    expect(after.sinceBytes).toBeLessThan(2 * MB);
  });

  it('never checkpoints with a threshold of 0, as PGlite left alone', async () => {
    const { db, checkpoints, before } = await open(0);
    await writeWal(db, 5);
    // A threshold of 0 read as "at every look" would have checkpointed many times by now.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(checkpoints()).toEqual([]);
    const after = await checkpointState(db);
    expect(after.redo).toBe(before.redo);
    expect(after.sinceBytes).toBeGreaterThan(4 * MB);
  });
});
