import { Worker } from 'node:worker_threads';
import { DATABASE_WORKER_FILE } from '../paths.js';
import type { DatabaseFreeze } from '../../workers/data-folder.js';
import type { DatabaseErrorFields, DatabaseReply, DatabaseRequest, DatabaseThreadData, MaintenanceTask } from '../../workers/database-messages.js';
import type { Database, Queryable } from './database.js';

type Request = DatabaseRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface PGliteOptions {
  /** Checkpoint once this much WAL (bytes) has been written since the last one; 0 = never (workers/checkpointer.ts). */
  readonly checkpointWalBytes?: number;
  /** How often the database thread looks at the WAL written since the last checkpoint (ms). */
  readonly checkpointCheckMs?: number;
  /** PostgreSQL's buffer cache (shared_buffers), in MB. */
  readonly sharedBuffersMb?: number;
  /** Before each checkpoint, VACUUM each table with this many rows changed since its last VACUUM; 0 = never (workers/vacuumer.ts). */
  readonly vacuumChangedRows?: number;
  /** ... and each table whose oldest unfrozen transaction is this many transactions old. */
  readonly vacuumFreezeAge?: number;
}

export type { MaintenanceTask };

/**
 * What a step of the database thread's own maintenance came to: how long it held the database
 * (and on which table, for a VACUUM), or why it (or the look before it) failed.
 */
export type MaintenanceOutcome =
  | { readonly task: MaintenanceTask; readonly ms: number; readonly target?: string }
  | { readonly task: MaintenanceTask; readonly error: Error; readonly target?: string };

/**
 * One WAL file's worth: a checkpoint then holds the database ~15–20 ms on average at 800–1,000
 * req/s (~6–9 ms with a 4 MB buffer cache; DEFAULT_SHARED_BUFFERS_MB).
 */
export const DEFAULT_CHECKPOINT_WAL_MB = 16;
/** How often the database thread looks at the WAL written since the last checkpoint (ms). */
const CHECKPOINT_CHECK_MS = 1_000;
/**
 * autovacuum_vacuum_threshold's default, without autovacuum's 20 % of the table: each checkpoint's
 * VACUUMs stay small, for they cover only what changed since the last; a table with fewer rows
 * changed waits for a later checkpoint.
 */
export const DEFAULT_VACUUM_CHANGED_ROWS = 50;
/**
 * autovacuum_freeze_max_age's default: a server's autovacuum VACUUMs a table whose oldest unfrozen
 * transaction is this old, ~10 % of the way to the ~2.1 billion at which its rows would vanish.
 */
const VACUUM_FREEZE_AGE = 200_000_000;
/**
 * PostgreSQL's buffer cache, in MB: PGlite's own default. PGlite runs no background writer, so
 * every page changed since the last checkpoint waits for the next one, which writes them all while
 * the database is held. A small cache spreads those writes over the commits, as pages leave it to
 * make room, but then the outbox relay finds the pages it marks gone too. In alternating rounds of
 * 20 s at 800–1,000 req/s without a broker, 4 MB took checkpoints from 15.6–19.8 to 5.8–8.8 ms on
 * average and P99.9 lower in five rounds of six (the sixth: 39.3 against 21.0 ms), with the same CPU
 * per request (on a database of 200,000 records too). Publishing to Kafka at 539 req/s, it took the
 * database thread's CPU per request from 0.67–0.70 to 0.90–0.91 ms and P99 from 7.8–8.8 to 13.6–13.8
 * ms (two rounds each). So the default stays, and a service that keeps its events in the outbox
 * may choose 4 (PES_EMBEDDED_SHARED_BUFFERS_MB). PostgreSQL sizes its WAL buffers from the cache
 * (1/32, at most 16 MB): with 4 MB, a batch of more than ~40 records writes WAL before its commit.
 */
export const DEFAULT_SHARED_BUFFERS_MB = 128;

/** A database error from the thread, with PostgreSQL's fields (code = SQLSTATE) as the pg driver has them. */
const databaseError = (fields: DatabaseErrorFields) => Object.assign(new Error(fields.message), fields);

/**
 * Embedded PostgreSQL (PGlite, WASM) in a local folder, or in memory when dataDir is 'memory://'.
 * PGlite itself runs on a thread of its own (workers/database.worker.ts), so its synchronous work
 * never blocks the HTTP thread; this class forwards statements to it.
 */
export class PGliteDatabase implements Database {
  readonly kind = 'pglite';
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly listeners = new Map<string, Set<() => void>>();
  private readonly maintenanceListeners = new Set<(outcome: MaintenanceOutcome) => void>();
  private nextId = 1;
  /** Set once the thread has stopped: every call fails with it from then on. */
  private stopped?: Error;

  private readonly freezeDueListeners = new Set<(databases: readonly string[]) => void>();

  /**
   * `frozen`: the folder's other databases (template0, template1) frozen before it opened, as they
   * came due (workers/data-folder.ts); the service logs them. `freezeDue`: those the next start
   * will freeze, as found so far.
   */
  private constructor(
    private readonly thread: Worker,
    readonly frozen: readonly DatabaseFreeze[],
    private freezeDue: readonly string[],
  ) {
    thread.on('message', (reply: DatabaseReply) => this.receive(reply));
    thread.on('error', (error) => this.stop(new Error(`the embedded database thread failed: ${error.message}`, { cause: error })));
    thread.on('exit', (code) => this.stop(new Error(`the embedded database thread stopped (exit code ${code})`)));
  }

  static async open(dataDir: string, options: PGliteOptions = {}): Promise<PGliteDatabase> {
    const workerData: DatabaseThreadData = {
      dataDir,
      checkpointWalBytes: options.checkpointWalBytes ?? DEFAULT_CHECKPOINT_WAL_MB * 1024 * 1024,
      checkpointCheckMs: options.checkpointCheckMs ?? CHECKPOINT_CHECK_MS,
      sharedBuffersMb: options.sharedBuffersMb ?? DEFAULT_SHARED_BUFFERS_MB,
      vacuumChangedRows: options.vacuumChangedRows ?? DEFAULT_VACUUM_CHANGED_ROWS,
      vacuumFreezeAge: options.vacuumFreezeAge ?? VACUUM_FREEZE_AGE,
    };
    const thread = new Worker(DATABASE_WORKER_FILE, { workerData });
    const handlers: { message?: (reply: DatabaseReply) => void; error?: (error: Error) => void; exit?: (code: number) => void } = {};
    let opened: { frozen: readonly DatabaseFreeze[]; freezeDue: readonly string[] } = { frozen: [], freezeDue: [] };
    try {
      await new Promise<void>((resolve, reject) => {
        handlers.message = (reply) => {
          if (reply.kind === 'ready') {
            opened = reply;
            resolve();
          } else if (reply.kind === 'failed-to-open') reject(databaseError(reply.error));
        };
        handlers.error = reject;
        handlers.exit = (code) => reject(new Error(`the embedded database thread stopped while opening ${dataDir} (exit code ${code})`));
        thread.on('message', handlers.message).on('error', handlers.error).on('exit', handlers.exit);
      });
    } catch (error) {
      await thread.terminate();
      throw error;
    } finally {
      // Not removeAllListeners(): Worker starts and stops its message port through listeners of its own.
      thread.off('message', handlers.message!).off('error', handlers.error!).off('exit', handlers.exit!);
    }
    return new PGliteDatabase(thread, opened.frozen, opened.freezeDue);
  }

  query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.call({ op: 'query', sql, params }) as Promise<T[]>;
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const tx = (await this.call({ op: 'begin' })) as number;
    let result: T;
    try {
      result = await work({ query: <R>(sql: string, params?: unknown[]) => this.call({ op: 'query', sql, params, tx }) as Promise<R[]> });
    } catch (error) {
      await this.call({ op: 'rollback', tx }).catch(() => {});
      throw error;
    }
    await this.call({ op: 'commit', tx });
    return result;
  }

  /** One process, one connection: a notification is never lost, so there is nothing to re-establish. */
  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    let listeners = this.listeners.get(channel);
    if (!listeners) {
      this.listeners.set(channel, (listeners = new Set()));
      await this.call({ op: 'listen', channel });
    }
    const listener = () => onNotify();
    listeners.add(listener);
    return async () => void listeners.delete(listener);
  }

  /** Hears every checkpoint and VACUUM the database thread makes on its own (for metrics and logs). */
  onMaintenance(listener: (outcome: MaintenanceOutcome) => void): void {
    this.maintenanceListeners.add(listener);
  }

  /**
   * Hears which of the folder's other databases the next start will freeze (workers/data-folder.ts):
   * at once if some were found due on opening, else when the thread first finds them due.
   */
  onFreezeDue(listener: (databases: readonly string[]) => void): void {
    this.freezeDueListeners.add(listener);
    if (this.freezeDue.length > 0) listener(this.freezeDue);
  }

  async run(sql: string, params: readonly string[]): Promise<void> {
    await this.call({ op: 'run', sql, params });
  }

  async exec(sql: string): Promise<void> {
    await this.call({ op: 'exec', sql });
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    await this.call({ op: 'close' });
    await this.thread.terminate();
  }

  private call(request: Request): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.thread.postMessage({ ...request, id } as DatabaseRequest);
    });
  }

  private receive(reply: DatabaseReply): void {
    if (reply.kind === 'notify') {
      for (const listener of this.listeners.get(reply.channel) ?? []) listener();
      return;
    }
    if (reply.kind === 'maintenance' || reply.kind === 'maintenance-failed') {
      const outcome: MaintenanceOutcome =
        reply.kind === 'maintenance'
          ? { task: reply.task, ms: reply.ms, target: reply.target }
          : { task: reply.task, error: databaseError(reply.error), target: reply.target };
      for (const listener of this.maintenanceListeners) listener(outcome);
      return;
    }
    if (reply.kind === 'freeze-due') {
      this.freezeDue = reply.databases;
      for (const listener of this.freezeDueListeners) listener(reply.databases);
      return;
    }
    if (reply.kind !== 'result' && reply.kind !== 'error') return;
    const waiting = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (reply.kind === 'result') waiting?.resolve(reply.value);
    else waiting?.reject(databaseError(reply.error));
  }

  private stop(reason: Error): void {
    this.stopped ??= reason;
    for (const waiting of this.waiting.values()) waiting.reject(this.stopped);
    this.waiting.clear();
  }
}
