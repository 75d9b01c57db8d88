import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MaintenanceOutcome, PGliteDatabase, PGliteOptions } from '../../src/storage/pglite.js';
import { folderDatabases } from '../support/folder-database.js';
import { waitUntil } from '../support/outbox.js';

const ROWS = 500;
/** ROWS new rows of filler. */
const FILL = `INSERT INTO filler (v) SELECT repeat('x', 200) FROM generate_series(1, ${ROWS})`;

/** The table's size on disk, in bytes. */
async function tableBytes(db: PGliteDatabase): Promise<number> {
  const [{ bytes }] = await db.query<{ bytes: number }>("SELECT pg_relation_size('filler')::float8 AS bytes");
  return bytes;
}

/** How many transactions old the database's oldest unfrozen row may be: the age PostgreSQL's wraparound limit counts. */
async function oldestUnfrozenAge(db: PGliteDatabase): Promise<number> {
  const [{ age }] = await db.query<{ age: number }>('SELECT age(datfrozenxid) AS age FROM pg_database WHERE datname = current_database()');
  return age;
}

/** How many transactions old each database other than the service's is, by name. */
async function otherDatabaseAges(db: PGliteDatabase): Promise<Record<string, number>> {
  const rows = await db.query<{ name: string; age: number }>('SELECT datname AS name, age(datfrozenxid) AS age FROM pg_database WHERE datname <> current_database()');
  return Object.fromEntries(rows.map((r) => [r.name, r.age]));
}

// PGlite has no autovacuum: without the thread's own VACUUMs, dead rows are never reclaimed and no
// row is ever frozen (workers/vacuumer.ts).
describe('VACUUMs of the embedded database', () => {
  const databases = folderDatabases('pes-vacuum-');
  /**
   * A fresh folder database with a table of ROWS rows, and the VACUUMs it reports: it checkpoints,
   * and VACUUMs before, whenever 64 kB of WAL were written (it looks every 20 ms).
   */
  const open = async (options: PGliteOptions) => {
    const { db, outcomes } = await databases.open({ checkpointCheckMs: 20, checkpointWalBytes: 64 * 1024, ...options });
    await db.exec(`CREATE TABLE filler (k serial PRIMARY KEY, v text); ${FILL}`);
    return {
      db,
      vacuums: () => outcomes.filter((outcome) => outcome.task === 'vacuum'),
      checkpoints: () => outcomes.filter((outcome) => outcome.task === 'checkpoint'),
      lastOutcome: () => outcomes.at(-1),
    };
  };
  const fillerVacuums = (vacuums: () => MaintenanceOutcome[]) => vacuums().filter((v) => 'ms' in v && v.target === 'public.filler').length;

  it('VACUUMs before a checkpoint the tables with enough rows changed since their last VACUUM, so a table emptied and refilled again and again stops growing', async () => {
    const { db, vacuums, checkpoints, lastOutcome } = await open({ vacuumChangedRows: ROWS + 1 });
    const initial = await tableBytes(db);
    // ROWS inserted, under the threshold: the checkpoint their WAL makes due leaves the table alone.
    await waitUntil(() => checkpoints().length > 0, 'a checkpoint', 10_000);
    expect(fillerVacuums(vacuums)).toBe(0);
    // Every row deleted and new ones written, as the outbox's retention deletes published events
    // while new ones arrive: each round waits for the VACUUM it made due and the checkpoint after it
    // (what is written in between waits for the next checkpoint), and the next round's rows go
    // where the last round's deleted ones were.
    for (let round = 1; round <= 6; round++) {
      const before = fillerVacuums(vacuums);
      await db.exec(`DELETE FROM filler; ${FILL}`);
      await waitUntil(
        () => fillerVacuums(vacuums) > before && lastOutcome()?.task === 'checkpoint',
        `a VACUUM of filler and the checkpoint after it, round ${round}`,
        10_000,
      );
    }
    // Without VACUUM it grew with every round: 6.9 times its first size (measured).
    expect(await tableBytes(db)).toBeLessThanOrEqual(3 * initial);
    expect(vacuums().every((v) => 'ms' in v)).toBe(true);
  });

  it('keeps every row of the database, the catalog\'s included, younger than the freeze age in transactions', async () => {
    const { db } = await open({ vacuumChangedRows: 1_000_000, vacuumFreezeAge: 300, checkpointWalBytes: 16 * 1024 });
    // 400 transactions, none changing enough rows to make a table due by count.
    for (let k = 1; k <= 400; k++) await db.query('UPDATE filler SET v = v WHERE k = $1', [k]);
    // Every table is due then, ~70 of them with the catalog's, each VACUUM followed by its 100 ms
    // pause. Writes go on meanwhile, so that another checkpoint, and its VACUUMs, follow: a table
    // just under the age at one round (filler was made after the catalog) is over it at the next.
    await waitUntil(
      async () => {
        await db.query('UPDATE filler SET v = v');
        return (await oldestUnfrozenAge(db)) < 300;
      },
      'the oldest unfrozen row younger than 300 transactions',
      40_000,
    );
  }, 60_000);

  it('never VACUUMs with a threshold of 0, as PGlite left alone', async () => {
    const { db, vacuums, checkpoints } = await open({ vacuumChangedRows: 0, vacuumFreezeAge: 100 });
    for (let k = 1; k <= 150; k++) await db.query('UPDATE filler SET v = v WHERE k = $1', [k]);
    await db.query('UPDATE filler SET v = v');
    await waitUntil(() => checkpoints().length > 0, 'a checkpoint', 10_000);
    expect(vacuums()).toEqual([]);
    expect(await oldestUnfrozenAge(db)).toBeGreaterThan(100);
  });

  it("freezes the folder's other databases, which its own VACUUMs cannot reach, at the start after the one that found them due", async () => {
    const options = { vacuumFreezeAge: 100, checkpointCheckMs: 60_000 };
    const { db: first } = await open(options);
    for (let k = 1; k <= 150; k++) await first.query('UPDATE filler SET v = v WHERE k = $1', [k]);
    expect(Object.values(await otherDatabaseAges(first)).every((age) => age > 100)).toBe(true);
    await first.close();
    const mark = join(databases.folder(), 'pes-freeze-due');
    // This start finds them due, says so and leaves the mark; the next freezes them before opening.
    const second = await databases.reopen(options);
    expect(second.frozen).toEqual([]);
    const heard: string[][] = [];
    second.onFreezeDue((names) => heard.push([...names]));
    expect(heard).toEqual([['template0', 'template1']]);
    expect(existsSync(mark)).toBe(true);
    await second.close();
    const third = await databases.reopen(options);
    expect(third.frozen.map((f) => ('ms' in f ? f.database : f.error))).toEqual(['template0', 'template1']);
    expect(existsSync(mark)).toBe(false);
    const ages = await otherDatabaseAges(third);
    expect(Object.keys(ages).sort()).toEqual(['template0', 'template1']);
    expect(Object.values(ages).every((age) => age < 20)).toBe(true);
  }, 60_000);

  it('VACUUMs on opening the tables written before it VACUUMed, before any caller waits on them', async () => {
    const { db: unvacuumed } = await open({ vacuumChangedRows: 0 });
    // An index built on the rows sets the table's row count, as migrations do on existing tables.
    await unvacuumed.exec('CREATE INDEX filler_v ON filler (v)');
    await unvacuumed.close();
    // Looks only once a minute: what is VACUUMed now was VACUUMed while the database opened.
    const db = await databases.reopen({ checkpointCheckMs: 60_000 });
    const [filler] = await db.query<{ allVisible: number }>("SELECT relallvisible AS \"allVisible\" FROM pg_class WHERE relname = 'filler'");
    expect(filler.allVisible).toBeGreaterThan(0);
  });
});
