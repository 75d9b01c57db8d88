import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGliteDatabase } from '../../src/storage/pglite.js';

// The embedded database runs on a thread of its own; what callers must still see of it.
describe('embedded database on its own thread', () => {
  let db: PGliteDatabase;
  beforeAll(async () => {
    db = await PGliteDatabase.open('memory://');
    await db.exec('CREATE TABLE t (k int PRIMARY KEY, v text)');
  });
  afterAll(() => db.close());

  it('leaves the calling thread free while a statement runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = performance.now();
    // A statement that keeps the database busy for a while (a sleep would not prove much: it could yield).
    await db.query('SELECT count(*) FROM generate_series(1, 3000000)');
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect(elapsed).toBeGreaterThan(100);
    // Had it run on this thread, no timer could have fired until it finished.
    expect(ticks).toBeGreaterThan(elapsed / 10 / 3);
  });

  it('reports database errors with their SQLSTATE, as the pg driver does', async () => {
    await db.query('INSERT INTO t VALUES (1, $1)', ['one']);
    await expect(db.query('INSERT INTO t VALUES (1, $1)', ['again'])).rejects.toMatchObject({ code: '23505', constraint: 't_pkey' });
    await expect(db.query('SELECT nonsense FROM t')).rejects.toMatchObject({ code: '42703', message: expect.stringContaining('nonsense') });
  });

  it('commits a transaction whose work resolves and rolls back one whose work throws', async () => {
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (2, $1)', ['two']);
      await tx.query('INSERT INTO t VALUES (3, $1)', ['three']);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (4, $1)', ['four']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    // A statement failing inside the transaction rolls it back as well.
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (5, $1)', ['five']);
        await tx.query('INSERT INTO t VALUES (1, $1)', ['duplicate']);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const rows = await db.query<{ k: number }>('SELECT k FROM t ORDER BY k');
    expect(rows.map((r) => r.k)).toEqual([1, 2, 3]);
  });

  it('delivers NOTIFY to every listener of the channel until it stops listening', async () => {
    const heard: string[] = [];
    const stopA = await db.listen('pes_test', () => heard.push('a'));
    await db.listen('pes_test', () => heard.push('b'));
    await db.query("NOTIFY pes_test, 'x'");
    await expect.poll(() => heard.sort()).toEqual(['a', 'b']);
    await stopA();
    await db.query("NOTIFY pes_test, 'y'");
    await expect.poll(() => heard.filter((h) => h === 'b').length).toBe(2);
    expect(heard.filter((h) => h === 'a')).toHaveLength(1);
  });

  it('writes each commit into its WAL file, and starts new WAL files without writing them full of zeros', async () => {
    const settings = await db.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'wal_init_zero') ORDER BY name",
    );
    expect(settings).toEqual([{ name: 'synchronous_commit', setting: 'on' }, { name: 'wal_init_zero', setting: 'off' }]);
  });

  it("keeps PGlite's own 128 MB buffer cache by default, and the size it is given", async () => {
    expect(await db.query('SHOW shared_buffers')).toEqual([{ shared_buffers: '128MB' }]);
    const smaller = await PGliteDatabase.open('memory://', { sharedBuffersMb: 4 });
    try {
      expect(await smaller.query('SHOW shared_buffers')).toEqual([{ shared_buffers: '4MB' }]);
    } finally {
      await smaller.close();
    }
  });

  it('keeps a statement it runs prepared, also after a run of it failed, and prepares it again when it is gone', async () => {
    await db.exec('CREATE TABLE docs (d jsonb NOT NULL)');
    const prepared = () => db.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements ORDER BY name');
    const insert = 'INSERT INTO docs SELECT $1::jsonb';
    await db.run(insert, ['{"n": 1}']);
    await db.run(insert, ['{"n": 2}']);
    expect(await prepared()).toEqual([{ name: 'pes_run_1', statement: insert }]);

    // This statement's first run fails after its Parse (at the cast): the runs after it still work.
    const other = 'INSERT INTO docs SELECT $1::jsonb WHERE true';
    await expect(db.run(other, ['not json'])).rejects.toMatchObject({ code: '22P02' });
    await db.run(other, ['{"n": 3}']);
    expect(await prepared()).toEqual([{ name: 'pes_run_1', statement: insert }, { name: 'pes_run_2', statement: other }]);

    await db.exec('DEALLOCATE ALL');
    await db.run(insert, ['{"n": 4}']);
    expect(await prepared()).toEqual([{ name: 'pes_run_1', statement: insert }]);
    const rows = await db.query<{ n: number }>("SELECT (d->>'n')::int AS n FROM docs ORDER BY n");
    expect(rows.map((r) => r.n)).toEqual([1, 2, 3, 4]);
  });

  it('runs statements sent while a transaction is open after it ends, not inside it', async () => {
    await db.exec('CREATE TABLE turns (k int PRIMARY KEY)');
    let outside: Array<Promise<unknown>> = [];
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO turns VALUES (1)');
        // Sent from outside the transaction while it is open: a query, a prepared run (the audit
        // write's path, which takes none of PGlite's locks) and a plain statement. Run inside it,
        // they would see row 1 and be rolled back with it.
        outside = [db.query('SELECT count(*)::int AS n FROM turns'), db.run('INSERT INTO turns VALUES ($1::int)', ['2']), db.exec('INSERT INTO turns VALUES (3)')];
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const [counted] = await Promise.all(outside);
    expect(counted).toEqual([{ n: 0 }]);
    expect(await db.query('SELECT k FROM turns ORDER BY k')).toEqual([{ k: 2 }, { k: 3 }]);
  });

  it('fails calls made after it closed instead of leaving them waiting', async () => {
    const other = await PGliteDatabase.open('memory://');
    await other.close();
    await expect(other.query('SELECT 1')).rejects.toThrow(/embedded database thread stopped/);
  });
});
