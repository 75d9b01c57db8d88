import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { serialize } from 'pg-protocol';
import { startCheckpointer } from './checkpointer.js';
import { DATABASES_DUE_FOR_FREEZING, markFreezeDue, prepareDataFolder, type DatabaseFreeze } from './data-folder.js';
import { ExtendedQueryWriter } from './extended-query.js';
import { SerialQueue } from './serial-queue.js';
import { NEVER_VACUUMED, vacuumDueTables, type VacuumOptions } from './vacuumer.js';
import { errorFields, type DatabaseReply, type DatabaseRequest, type DatabaseThreadData } from './database-messages.js';
import { THREAD_NAMES, nameThisThread } from '../src/observability/threads.js';

/**
 * The embedded database (PGlite, PostgreSQL compiled to WASM) on a thread of its own. PGlite runs
 * every statement synchronously on the thread that calls it; on the HTTP thread that was about
 * half of its CPU under load and every write stalled every request. Here the HTTP thread only
 * posts the statement and its parameters.
 */
nameThisThread(THREAD_NAMES.database);
const port = parentPort!;
const { dataDir, checkpointWalBytes, checkpointCheckMs, sharedBuffersMb, vacuumChangedRows, vacuumFreezeAge } = workerData as DatabaseThreadData;
const post = (reply: DatabaseReply) => port.postMessage(reply);
/** Every statement of this thread takes its turn here (see SerialQueue). */
const turns = new SerialQueue();
/** Set once the HTTP thread asked to close the database. */
let closing = false;
/** The rows of a statement outside any transaction, in the thread's turn. */
const queryInTurn = async <R>(sql: string, params?: unknown[]): Promise<R[]> => (await turns.run(() => db.query<R>(sql, params))).rows;

/** Thrown inside PGlite's transaction callback to make it roll back. */
const ROLLBACK = Symbol('rollback');

interface OpenTransaction {
  readonly tx: Transaction;
  /** Ends the callback: commit (true) or roll back (false). */
  readonly finish: (commit: boolean) => void;
  /** Settles when PGlite has committed or rolled back. */
  readonly done: Promise<void>;
}

/** PGlite's default database, the one the service uses. */
const DATABASE = 'postgres';
/** A database that lives as long as the thread, with no folder to ready or to mark. */
const inMemory = dataDir.startsWith('memory://');
/** The age at which the folder's other databases are frozen (workers/data-folder.ts); with VACUUMs off (0), never. */
const otherDatabasesFreezeAge = vacuumChangedRows > 0 && !inMemory ? vacuumFreezeAge : undefined;

/** Whether the HTTP thread has heard that the other databases are due (it logs it once). */
let freezeDueReported = false;

/**
 * Leaves the mark that has the next start freeze the folder's other databases, if they are due
 * (workers/data-folder.ts), and returns their names; looked at when opening and before each
 * checkpoint. Never fails: the next look tries again.
 */
async function markIfFreezeDue(query: (sql: string, params: unknown[]) => Promise<Array<{ name: string }>>): Promise<string[]> {
  if (otherDatabasesFreezeAge === undefined) return [];
  try {
    const due = (await query(DATABASES_DUE_FOR_FREEZING, [DATABASE, otherDatabasesFreezeAge])).map((row) => row.name);
    if (due.length > 0) markFreezeDue(dataDir);
    return due;
  } catch {
    return []; // e.g. a full disk: the next look tries again
  }
}

let db: PGlite;
try {
  const { frozen } = inMemory ? { frozen: [] as DatabaseFreeze[] } : await prepareDataFolder({ dataDir, database: DATABASE, freezeAge: otherDatabasesFreezeAge });
  // The buffer cache it is given (DEFAULT_SHARED_BUFFERS_MB in src/storage/pglite.ts says why its size matters).
  db = await PGlite.create(dataDir, { database: DATABASE, startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffersMb}MB`] });
  // A new 16 MB WAL file is otherwise written full of zeros first, 8 KB at a time through
  // Emscripten's file system, while every commit waits: 6–42 ms (median 24) per WAL file against
  // 5–10 ms (median 7.6) without, in nine switches each, about every 7,000 records. Only the last
  // byte is written now; the file has its size, and what PostgreSQL reads back of it is the same.
  await db.exec('SET wal_init_zero = off');
  // Every VACUUM freezes the rows it visits (workers/vacuumer.ts says why).
  await db.exec('SET vacuum_freeze_min_age = 0');
  const freezeDue = await markIfFreezeDue(async (sql, params) => (await db.query<{ name: string }>(sql, params)).rows);
  freezeDueReported = freezeDue.length > 0;
  // A database written before the thread VACUUMed is caught up now, before any caller waits on it:
  // at 200,000 records that took 3.5–5 s, once, which during traffic would stall every audit write.
  // Should it fail, the VACUUMs before the checkpoints do it later.
  if (vacuumChangedRows > 0) {
    const tables = await db.query<{ name: string }>(NEVER_VACUUMED).catch(() => ({ rows: [] }));
    for (const { name } of tables.rows) await db.exec(`VACUUM ${name}`).catch(() => {});
  }
  post({ kind: 'ready', frozen, freezeDue });
} catch (error) {
  post({ kind: 'failed-to-open', error: errorFields(error) });
  process.exit(1);
}

/**
 * The wait after each VACUUM before the next one or the checkpoint. The audit writer sends its next
 * batch only once the last has committed, so back to back the VACUUMs let one batch through
 * between them and its lag added up: at 500 req/s, P99.9 was 68–95 ms against 41–51 without
 * VACUUMs and 22–33 requests a round were refused against 0–8 (four rounds of 20 s each). With
 * the wait, 33–85 against 31–97 ms and 0–34 against 0–86 refusals: within the noise.
 */
const VACUUM_PAUSE_MS = 100;
const vacuumOptions: VacuumOptions = {
  query: queryInTurn,
  vacuum: (table) => timedCommand(`VACUUM ${table}`),
  changedRows: vacuumChangedRows,
  freezeAge: vacuumFreezeAge,
  pauseMs: VACUUM_PAUSE_MS,
  closing: () => closing,
  onVacuum: (outcome) =>
    post(
      'ms' in outcome
        ? { kind: 'maintenance', task: 'vacuum', ms: outcome.ms, target: outcome.table }
        : { kind: 'maintenance-failed', task: 'vacuum', target: outcome.table, error: errorFields(outcome.error) },
    ),
};

const checkpointer =
  checkpointWalBytes > 0
    ? startCheckpointer({
        walSinceCheckpoint: async () =>
          (
            await queryInTurn<{ since: number }>(
              // pg_control_checkpoint() reads the control file: where the last checkpoint's redo began.
              'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), redo_lsn)::float8 AS since FROM pg_control_checkpoint()',
            )
          )[0].since,
        checkpoint: async () => {
          if (vacuumChangedRows > 0) await vacuumDueTables(vacuumOptions);
          const due = await markIfFreezeDue(queryInTurn);
          if (due.length > 0 && !freezeDueReported) post({ kind: 'freeze-due', databases: due });
          freezeDueReported ||= due.length > 0;
          return timedCommand('CHECKPOINT');
        },
        walBytes: checkpointWalBytes,
        checkEveryMs: checkpointCheckMs,
        onCheckpoint: (outcome) =>
          post('ms' in outcome ? { kind: 'maintenance', task: 'checkpoint', ms: outcome.ms } : { kind: 'maintenance-failed', task: 'checkpoint', error: errorFields(outcome.error) }),
      })
    : undefined;

const transactions = new Map<number, OpenTransaction>();
let nextTransaction = 1;

/**
 * Opens a transaction and keeps PGlite's callback waiting until the HTTP thread commits or rolls
 * back; it holds the thread's turn until then (its own statements come with its id and skip the queue).
 */
function begin(): Promise<number> {
  const id = nextTransaction++;
  return new Promise((opened, failed) => {
    let isOpen = false;
    void turns.run(async () => {
      const done: Promise<void> = db.transaction(async (tx) => {
        let finish!: (commit: boolean) => void;
        const decided = new Promise<boolean>((resolve) => (finish = resolve));
        transactions.set(id, { tx, finish, done });
        isOpen = true;
        opened(id);
        if (!(await decided)) throw ROLLBACK;
      });
      try {
        await done;
      } catch (error) {
        if (!isOpen) failed(error);
      } finally {
        transactions.delete(id);
      }
    });
  });
}

async function end(id: number, commit: boolean): Promise<void> {
  const open = transactions.get(id);
  if (!open) throw new Error(`no open transaction ${id}`);
  open.finish(commit);
  try {
    await open.done;
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
}

const runMessages = new ExtendedQueryWriter();
/** Each SQL text run() has seen: the name it is prepared under, and whether it is prepared now. */
const runStatements = new Map<string, { readonly name: string; prepared: boolean }>();
/** A prepared statement that is gone (26000) or whose cached plan no longer fits (0A000): prepare it again. */
const STATEMENT_TO_PREPARE_AGAIN = new Set(['26000', '0A000']);

/**
 * One statement whose rows nobody reads, as a single protocol call: Bind, Execute and Sync, with
 * Parse the first time, for it stays prepared under a name of its own (parsed once, its plan
 * cached). PGlite's query() makes six calls instead, an unnamed Parse among them: the lone audit
 * record went from 0.88 to 0.58 ms with one call, and to 13 % less again prepared
 * (docs/events.md has the figures). The message is written once the thread's turn has come, and
 * passed on at once: its bytes live in a buffer the next statement reuses. No syncToFs: this
 * thread's file systems (a folder, or memory://) write through and their syncToFs does nothing,
 * while PGlite's wrapper around it takes a lock of its own. test/storage/pglite-crash.test.ts would
 * see a PGlite whose folder needed it: records acknowledged before a SIGKILL must be there after.
 */
function run(sql: string, params: readonly string[]): Promise<unknown> {
  const statement = runStatements.get(sql) ?? { name: `pes_run_${runStatements.size + 1}`, prepared: false };
  runStatements.set(sql, statement);
  const execute = async () => {
    const result = await db.execProtocol(runMessages.write(sql, params, statement), { syncToFs: false });
    statement.prepared = true;
    return result;
  };
  return inTurn(async () => {
    try {
      return await execute();
    } catch (error) {
      // A first run that failed after its Parse may have left the statement: the next one
      // closes it before parsing again, for it is still not `prepared`.
      const code = (error as { code?: unknown }).code;
      if (!statement.prepared || typeof code !== 'string' || !STATEMENT_TO_PREPARE_AGAIN.has(code)) throw error;
      // The failed run was rolled back whole: prepared again, the statement runs now.
      statement.prepared = false;
      return execute();
    }
  });
}

/** A command of the thread's own (CHECKPOINT, VACUUM), and how long it held the database (ms): the wait for its turn not included. */
function timedCommand(sql: string): Promise<number> {
  const message = serialize.query(sql);
  return inTurn(async () => {
    const started = performance.now();
    await db.execProtocol(message, { syncToFs: false });
    return performance.now() - started;
  });
}

/** Runs `work` in the thread's turn, once the database is known to be open. */
function inTurn<T>(work: () => Promise<T>): Promise<T> {
  return turns.run(async () => {
    await db._checkReady(); // as query() does: fail cleanly once closing
    return work();
  });
}

async function handle(request: DatabaseRequest): Promise<unknown> {
  switch (request.op) {
    case 'query': {
      if (request.tx === undefined) return queryInTurn(request.sql, request.params);
      const tx = transactions.get(request.tx)?.tx;
      if (!tx) throw new Error(`no open transaction ${request.tx}`);
      return (await tx.query(request.sql, request.params)).rows;
    }
    case 'run':
      await run(request.sql, request.params);
      return undefined;
    case 'exec':
      await turns.run(() => db.exec(request.sql));
      return undefined;
    case 'begin':
      return begin();
    case 'commit':
    case 'rollback':
      return end(request.tx, request.op === 'commit');
    case 'listen':
      await turns.run(() => db.listen(request.channel, () => post({ kind: 'notify', channel: request.channel })));
      return undefined;
    case 'close':
      closing = true;
      await checkpointer?.stop();
      await turns.run(() => db.close());
      return undefined;
  }
}

port.on('message', (request: DatabaseRequest) => {
  handle(request).then(
    (value) => post({ kind: 'result', id: request.id, value }),
    (error: unknown) => post({ kind: 'error', id: request.id, error: errorFields(error) }),
  );
});
