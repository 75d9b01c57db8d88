import { setTimeout as sleep } from 'node:timers/promises';

export interface VacuumOptions {
  /** Runs a query in the thread's turn. */
  readonly query: <R>(sql: string, params: unknown[]) => Promise<R[]>;
  /** VACUUMs one table (schema-qualified and quoted) in a turn of its own; resolves to how long it held the database (ms). */
  readonly vacuum: (table: string) => Promise<number>;
  /** A table is due once this many of its rows were inserted, updated or deleted since its last VACUUM. */
  readonly changedRows: number;
  /** ... or once its oldest unfrozen transaction is this many transactions old. */
  readonly freezeAge: number;
  /** How long to wait after each VACUUM (ms), so that the audit writes it held catch up before the next hold. */
  readonly pauseMs: number;
  /** True once the database is closing: the VACUUMs left wait for another time. */
  readonly closing: () => boolean;
  /** After each VACUUM: the table and how long it held the database, or why it (or the look for tables due) failed. */
  readonly onVacuum: (outcome: { readonly ms: number; readonly table: string } | { readonly error: unknown; readonly table?: string }) => void;
}

/**
 * The tables due for a VACUUM: by rows changed since their last one (PostgreSQL's statistics
 * counters, which PGlite loses when it closes), or by the age of their oldest unfrozen
 * transaction, which the catalog keeps and which covers the tables nobody writes, the catalog's own.
 */
const TABLES_DUE = `
  SELECT format('%I.%I', n.nspname, c.relname) AS name
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_class toast ON toast.oid = c.reltoastrelid
  LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
  WHERE c.relkind IN ('r', 'm')
    AND (coalesce(s.n_dead_tup + s.n_ins_since_vacuum, 0) >= $1
         OR greatest(age(c.relfrozenxid), coalesce(age(toast.relfrozenxid), 0)) >= $2)`;

/**
 * The service's own tables that have pages but none known all-visible: those of a database written
 * before the thread VACUUMed, which the counters above cannot see. relallvisible is set only from
 * the visibility map, which only VACUUM fills (CREATE INDEX and ANALYZE copy its count; reltuples
 * they set too, so it would not tell).
 */
export const NEVER_VACUUMED = `
  SELECT format('%I.%I', n.nspname, c.relname) AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND c.relallvisible = 0 AND pg_relation_size(c.oid) > 0`;

/**
 * PGlite has no autovacuum, so without this nothing would ever VACUUM the embedded database:
 * - the rows the outbox relay marks published and its retention deletes would never be reclaimed,
 *   so the outbox's table would only grow;
 * - no row would ever be frozen. PostgreSQL numbers transactions modulo 2^32: a row whose
 *   transaction is more than ~2.1 billion transactions old looks as if it were in the future and
 *   disappears. A server refuses new transactions before that happens; PGlite, a single-user
 *   backend, only warns (varsup.c stops only under a postmaster). At 100 validations a second,
 *   each its own transaction, that is ~250 days.
 * So shortly before each checkpoint the database thread VACUUMs every table due, one turn each with
 * a pause after it, and freezes every row it visits (vacuum_freeze_min_age = 0, set when the thread
 * opens the database): validations and violations never or seldom change again, and every later
 * VACUUM skips the pages left all-frozen. Before a checkpoint, the pages a VACUUM changes are still
 * dirty from the writes since the last one, so it adds few full-page images to the WAL, and the
 * checkpoint writes each page once. At 1,000 records/s for 40 s (two rounds each), VACUUMing there
 * added 3 % to the WAL per record (3,490 against 3,381 bytes) in 20 VACUUMs of at most 14 ms, and
 * the checkpoints took no longer; VACUUMing each table after every 5,000 rows changed, on a
 * schedule of its own, added 36 %, made the checkpoints ~50 % longer and single VACUUMs up to
 * 37 ms.
 */
export async function vacuumDueTables(options: VacuumOptions): Promise<void> {
  let due: Array<{ name: string }>;
  try {
    // The counters of the last second's changes may still wait in this backend: flush them first.
    await options.query('SELECT pg_stat_force_next_flush()', []);
    due = await options.query<{ name: string }>(TABLES_DUE, [options.changedRows, options.freezeAge]);
  } catch (error) {
    options.onVacuum({ error });
    return;
  }
  for (const { name } of due) {
    if (options.closing()) return;
    try {
      options.onVacuum({ ms: await options.vacuum(name), table: name });
    } catch (error) {
      options.onVacuum({ error, table: name });
    }
    await sleep(options.pauseMs);
  }
}
