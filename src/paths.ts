import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json, whether this runs from src/ (tests) or dist/src/ (service). */
function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findProjectRoot();
export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations');
/** Workers always run compiled code: `npm run build` writes it (npm start and npm test do). */
export const VALIDATION_WORKER_FILE = join(PROJECT_ROOT, 'dist', 'workers', 'validation.entry.cjs');
export const DATABASE_WORKER_FILE = join(PROJECT_ROOT, 'dist', 'workers', 'database.worker.js');
