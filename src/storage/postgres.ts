import pg from 'pg';
import { ServiceError } from '../errors.js';
import type { Database, Queryable } from './database.js';
import { PgListener } from './pg-listener.js';

/** PostgreSQL server through a pg connection pool. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres';
  readonly pool: pg.Pool;

  constructor(
    private readonly connectionString: string,
    max = 10,
  ) {
    this.pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5_000 });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
  }

  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.withClient(async (client) => (await client.query(sql, params as unknown[])).rows as T[]);
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      await client.query('BEGIN');
      try {
        const tx: Queryable = {
          query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params as unknown[])).rows as R[],
        };
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  /**
   * Runs `work` on a pooled connection. Failing to connect, or the connection dying under the
   * work, is PES_STORE_UNAVAILABLE (503); an error the server reports for a statement passes as it is.
   */
  private async withClient<R>(work: (client: pg.PoolClient) => Promise<R>): Promise<R> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw storeUnavailable(error);
    }
    // A checked-out client whose connection dies emits 'error' as well as failing its query;
    // unheard, that event would crash the process.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      return await work(client);
    } catch (error) {
      throw broken ? storeUnavailable(error) : error;
    } finally {
      client.off('error', onError);
      // A broken connection is destroyed rather than returned to the pool.
      client.release(broken);
    }
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    const listener = new PgListener(this.connectionString, channel, onNotify);
    await listener.start();
    return () => listener.close();
  }

  async run(sql: string, params: readonly string[]): Promise<void> {
    await this.withClient((client) => client.query(sql, params as string[]));
  }

  async exec(sql: string): Promise<void> {
    await this.withClient((client) => client.query(sql));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function storeUnavailable(cause: unknown): ServiceError {
  return new ServiceError('PES_STORE_UNAVAILABLE', undefined, undefined, { cause });
}
