import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { DATABASES_DUE_FOR_FREEZING, type DataFolderReport, type DataFolderTask, type DatabaseFreeze } from './data-folder.js';

/**
 * The data folder's own work, on a thread that ends when it is done (workers/data-folder.ts says
 * why): creates the folder (initdb) if it is new, then VACUUMs (FREEZE) each database other than
 * the service's whose oldest unfrozen transaction is `freezeAge` old.
 */
const { dataDir, database, freezeAge } = workerData as DataFolderTask;
const db = await PGlite.create(dataDir);
const { rows } = freezeAge === undefined ? { rows: [] } : await db.query<{ name: string }>(DATABASES_DUE_FOR_FREEZING, [database, freezeAge]);
await db.close();
const frozen: DatabaseFreeze[] = [];
for (const { name } of rows) {
  const started = performance.now();
  try {
    // PGlite's single-user backend serves one database per instance, template0 too (its datallowconn is not checked).
    const other = await PGlite.create(dataDir, { database: name });
    try {
      await other.exec('VACUUM (FREEZE)');
    } finally {
      await other.close();
    }
    frozen.push({ database: name, ms: performance.now() - started });
  } catch (error) {
    // Not worth refusing to start for: the next start tries again, and wraparound is far off.
    frozen.push({ database: name, error: error instanceof Error ? error.message : String(error) });
  }
}
parentPort!.postMessage({ frozen } satisfies DataFolderReport);
