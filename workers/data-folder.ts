import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Makes `dataDir` a PostgreSQL data folder if it is not one yet, on a thread of its own that ends
 * when it is done. PGlite creates a new folder with a second PGlite and an initdb module, and their
 * WASM memories stayed with the instance that made them: a service started on a new folder held
 * 915 MB, one started again on the same folder 445–453 MB. Made on a thread that ends, the memory
 * goes with it, and the open that follows still reuses the compiled module (V8 caches it across
 * threads): new folders now cost one open more, ~1 s, once.
 */
export async function createDataFolderIfNew(dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const thread = new Worker(new URL('./initdb.worker.js', import.meta.url), { workerData: { dataDir } });
  await new Promise<void>((resolve, reject) => {
    thread.once('error', reject);
    thread.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`creating the database folder ${dataDir} failed (thread exit code ${code})`))));
  });
}
