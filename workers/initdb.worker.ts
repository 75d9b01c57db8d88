import { workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/**
 * Creates a new PGlite data folder (initdb) and ends, taking with it the memory that creating one
 * leaves behind (workers/data-folder.ts says how much).
 */
const { dataDir } = workerData as { dataDir: string };
const db = await PGlite.create(dataDir);
await db.close();
