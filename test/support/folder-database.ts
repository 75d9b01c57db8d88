import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { PGliteDatabase, type MaintenanceOutcome, type PGliteOptions } from '../../src/storage/pglite.js';

/**
 * Embedded databases in folders of their own, one per test of the describe that calls this, each
 * closed and removed after its test; with the checkpoints and VACUUMs they report, in order.
 */
export function folderDatabases(prefix: string) {
  let dataDir: string | undefined;
  let db: PGliteDatabase | undefined;
  afterEach(async () => {
    try {
      await db?.close();
    } finally {
      db = undefined;
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      dataDir = undefined;
    }
  });
  return {
    /** A database in a new folder, and what its maintenance steps came to. */
    async open(options: PGliteOptions): Promise<{ db: PGliteDatabase; outcomes: MaintenanceOutcome[] }> {
      dataDir = mkdtempSync(join(tmpdir(), prefix));
      const opened = await PGliteDatabase.open(dataDir, options);
      db = opened;
      const outcomes: MaintenanceOutcome[] = [];
      opened.onMaintenance((outcome) => outcomes.push(outcome));
      return { db: opened, outcomes };
    },
    /** The last folder open() made. */
    folder(): string {
      return dataDir!;
    },
    /** The last folder's database again, once the one open() returned is closed. */
    async reopen(options: PGliteOptions): Promise<PGliteDatabase> {
      db = await PGliteDatabase.open(dataDir!, options);
      return db;
    },
  };
}
