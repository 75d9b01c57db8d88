import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/storage/migrate.js';
import { PGliteDatabase } from '../../src/storage/pglite.js';
import { PostgresDatabase } from '../../src/storage/postgres.js';
import type { Database, Queryable } from '../../src/storage/database.js';

/** The `n` a `SELECT count(*) AS n …` returns (drivers give a bigint as text). */
export async function countOf(db: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  return Number((await db.query<{ n: string | number }>(sql, params))[0].n);
}

/** The server the PostgreSQL tests use; CI points DATABASE_URL at the machine's database `test`. */
export const ADMIN_URL = process.env.PES_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the PostgreSQL tests can run. Absent locally: they are skipped with a loud warning.
 * Absent in CI: that is a failure, never a silent skip.
 */
export const postgresAvailable = await reachable(ADMIN_URL);
if (!postgresAvailable) {
  const message = `PostgreSQL is not reachable at ${ADMIN_URL}: the PostgreSQL tests are SKIPPED`;
  if (process.env.CI) throw new Error(`${message} — not allowed in CI`);
  console.warn(`\n!!!!! ${message} !!!!!\n`);
}

/** A fresh, empty database on the server, dropped by the returned cleanup. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `pes_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export type DatabaseKind = 'pglite' | 'postgres';

/** The kinds the storage tests run on: both, when the server is there. */
export const DATABASE_KINDS: DatabaseKind[] = postgresAvailable ? ['pglite', 'postgres'] : ['pglite'];

/** A migrated, empty database of the given kind, and how to dispose of it. */
export async function openTestDatabase(kind: DatabaseKind): Promise<{ db: Database; url?: string; dispose: () => Promise<void> }> {
  if (kind === 'pglite') {
    const db = await PGliteDatabase.open('memory://');
    await migrate(db);
    return { db, dispose: () => db.close() };
  }
  const { url, drop } = await createPostgresDatabase();
  const db = new PostgresDatabase(url);
  await migrate(db);
  return {
    db,
    url,
    dispose: async () => {
      await db.close();
      await drop();
    },
  };
}
