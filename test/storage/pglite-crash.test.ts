import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PGliteDatabase } from '../../src/storage/pglite.js';

const CHILD = fileURLToPath(new URL('./fixtures/record-then-hang.ts', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Runs the fixture until it has recorded `count` validations, kills it with SIGKILL, returns their ids. */
async function recordThenKill(dataDir: string, count: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const ids = await new Promise<string[]>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const line = /recorded (\S+)\n/.exec(output);
      if (line) resolve(line[1].split(','));
    });
    child.on('exit', (code) => reject(new Error(`the recording process exited (${code}) before recording:\n${errors}`)));
  });
  child.kill('SIGKILL');
  await exited;
  return ids;
}

// PGlite runs with fsync off: a host crash may lose the page cache, but the process dying must not lose an answered record.
describe('embedded database after the process is killed', () => {
  it('keeps every validation whose record call resolved', { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pes-crash-'));
    dirs.push(dataDir);
    const ids = await recordThenKill(dataDir, 50);
    const db = await PGliteDatabase.open(dataDir);
    try {
      const rows = await db.query<{ id: string }>('SELECT id FROM validations');
      expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
      const [events] = await db.query<{ n: string }>('SELECT count(*) AS n FROM event_outbox');
      expect(Number(events.n)).toBe(50);
    } finally {
      await db.close();
    }
  });
});
