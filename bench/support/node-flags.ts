import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';

/**
 * The node flags `npm start` runs the service with (package.json's start script), so that the
 * benchmarks start every server process as the service is deployed. Flags are read as written
 * there: `--name` or `--name=value`, one word each.
 */
export function serviceNodeFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const launch = /\bnode((?:\s+--\S+)*)\s+dist\/src\/main\.js/.exec(scripts.start);
  if (!launch) throw new Error(`package.json's start script does not run node … dist/src/main.js: ${scripts.start}`);
  return launch[1].trim().split(/\s+/).filter(Boolean);
}
