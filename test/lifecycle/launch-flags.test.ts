import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceNodeFlags } from '../../bench/support/node-flags.js';
import { PROJECT_ROOT } from '../../src/paths.js';

/** The exec-form CMD the Dockerfile's image runs (its last one), as an argument list. */
function dockerCommand(): string[] {
  const cmds = [...readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8').matchAll(/^CMD (\[.*\])$/gm)];
  if (cmds.length === 0) throw new Error('the Dockerfile has no exec-form CMD');
  return JSON.parse(cmds[cmds.length - 1][1]) as string[];
}

describe('how the service is launched', () => {
  it('has each thread collect its own garbage, V8 keep to one helper thread and no idle-time compaction under npm start (and so in every benchmark)', () => {
    expect(serviceNodeFlags()).toEqual(expect.arrayContaining(['--single-threaded-gc', '--v8-pool-size=1', '--no-memory-reducer']));
  });

  it('runs the container with the same node flags as npm start', () => {
    expect(dockerCommand()).toEqual(['node', ...serviceNodeFlags(), 'dist/src/main.js']);
  });
});
