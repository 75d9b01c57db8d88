import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';
import { NO_SHEDDING } from './no-shedding.js';

export const MAIN = join(PROJECT_ROOT, 'dist', 'src', 'main.js');

/** The built service as its own process, its JSON log lines parsed as they arrive. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly logs: Array<Record<string, unknown>>;
  readonly stderr: () => string;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
  /** Resolves with the first log line that matches, waiting for it if need be. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** Load shedding is off unless a test asks for it (NO_SHEDDING). */
export function spawnService(env: NodeJS.ProcessEnv): ServiceProcess {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, ...NO_SHEDDING, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  let pending = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ unparsed: line });
      }
    }
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const waitForLog = async (match: (line: Record<string, unknown>) => boolean, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = logs.find(match);
      if (found) return found;
      if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}) before logging it; stderr: ${stderr}`);
      if (Date.now() > deadline) throw new Error('timed out waiting for a log line');
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  return { child, logs, stderr: () => stderr, exited, waitForLog };
}
