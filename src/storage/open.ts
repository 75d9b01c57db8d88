import type { Config } from '../config.js';
import type { Database } from './database.js';
import { migrate } from './migrate.js';
import { PGliteDatabase } from './pglite.js';
import { PostgresDatabase } from './postgres.js';

/** PostgreSQL when DATABASE_URL is set, embedded PGlite otherwise; migrated either way. */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'checkpointWalBytes' | 'embeddedSharedBuffersMb' | 'embeddedVacuumRows'>): Promise<Database> {
  const db = config.databaseUrl
    ? new PostgresDatabase(config.databaseUrl)
    : await PGliteDatabase.open(config.dataDir, {
        checkpointWalBytes: config.checkpointWalBytes,
        sharedBuffersMb: config.embeddedSharedBuffersMb,
        vacuumChangedRows: config.embeddedVacuumRows,
      });
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  return db;
}
