/** What the repositories need of a database: PostgreSQL through pg, or embedded PGlite. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * LISTENs on `channel`: `onNotify` runs for each NOTIFY, and once more after a lost connection
   * is re-established (notifications sent meanwhile are gone). Resolves once listening; the
   * returned function stops listening.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /**
   * Runs one statement whose rows are not wanted, its parameters as text (casts in the SQL give
   * their types). PGlite takes it in one protocol call rather than the six of query(), and keeps
   * each SQL text prepared for as long as it runs: pass constant SQL, not SQL built per call.
   */
  run(sql: string, params: readonly string[]): Promise<void>;
  /** Runs a script of several statements (a migration). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}
