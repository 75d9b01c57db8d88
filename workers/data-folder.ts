import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Left in the folder when its other databases are due for freezing: the next start freezes them. */
const FREEZE_DUE_FILE = 'pes-freeze-due';

/** The other databases of the folder that are due for freezing (run by the open database), for markFreezeDue. */
export const DATABASES_DUE_FOR_FREEZING = 'SELECT datname AS name FROM pg_database WHERE datname <> $1 AND age(datfrozenxid) >= $2 ORDER BY datname';

export interface DataFolderTask {
  readonly dataDir: string;
  /** The service's database: VACUUMed table by table by its own thread (workers/vacuumer.ts), so left alone here. */
  readonly database: string;
  /** Freeze each other database this many transactions old; undefined = never. */
  readonly freezeAge?: number;
}

/** A database that was due for freezing: how long it took (ms), or why it failed. */
export type DatabaseFreeze = { readonly database: string; readonly ms: number } | { readonly database: string; readonly error: string };

export interface DataFolderReport {
  readonly frozen: readonly DatabaseFreeze[];
}

/**
 * Readies the embedded database's folder before the service's PGlite opens it, on a thread that
 * ends when it is done (workers/data-folder.worker.ts), when there is something to do: each PGlite
 * opened there adds ~1–1.5 s to that start.
 *
 * - A new folder is created (initdb) there. PGlite creates one with a second PGlite and an initdb
 *   module, and their WASM memories stayed with the instance that made them: a service started on
 *   a new folder held 908–915 MB, started again on the same folder 445–453 MB. On a thread that
 *   ends, the memory goes with it, and the opens that follow still reuse the compiled module (V8
 *   caches it across threads).
 * - template0 and template1 are frozen at the start after the one that found them `freezeAge` old
 *   (markFreezeDue). PGlite serves one database per instance, so the service's own VACUUMs never
 *   reach them; left alone, they would hold back the truncation of the transaction status files
 *   (pg_xact) for ever, and after ~2.1 billion transactions PostgreSQL would count their rows as
 *   in the future. The default age, 200 million, leaves ten times as many before that.
 */
export async function prepareDataFolder(task: DataFolderTask): Promise<DataFolderReport> {
  mkdirSync(task.dataDir, { recursive: true });
  const freezeDue = join(task.dataDir, FREEZE_DUE_FILE);
  if (existsSync(join(task.dataDir, 'PG_VERSION')) && !(task.freezeAge !== undefined && existsSync(freezeDue))) return { frozen: [] };
  const thread = new Worker(new URL('./data-folder.worker.js', import.meta.url), { workerData: task });
  const report = await new Promise<DataFolderReport>((resolve, reject) => {
    thread.once('message', resolve);
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`readying the database folder ${task.dataDir} failed (thread exit code ${code})`)));
  });
  // Its work is done once it reports: anything PGlite left running there must not hold the start.
  await thread.terminate();
  if (report.frozen.every((freeze) => 'ms' in freeze)) {
    try {
      rmSync(freezeDue, { force: true });
    } catch {
      // The freezes are done: the next start only repeats them.
    }
  }
  return report;
}

/** Leaves the mark that has the next start freeze the folder's other databases (prepareDataFolder). */
export function markFreezeDue(dataDir: string): void {
  writeFileSync(join(dataDir, FREEZE_DUE_FILE), '');
}
