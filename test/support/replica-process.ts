import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PROJECT_ROOT } from '../../src/paths.js';
import { freePort } from '../../bench/support/free-port.js';
import { NO_SHEDDING } from './no-shedding.js';
import { MAIN } from './service-process.js';

/** One replica: the built service (`node dist/src/main.js`) on its own port, answering HTTP. */
export class ReplicaProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /** Starts it and resolves once /health/ready answers 200. */
  static async start(env: NodeJS.ProcessEnv): Promise<ReplicaProcess> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first (npm test does)`);
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PES_LOG_LEVEL: 'warn', ...NO_SHEDDING, ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const replica = new ReplicaProcess(child, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}) while starting:\n${output}`);
      const ready = await fetch(`${replica.url}/health/ready`).then((res) => res.ok, () => false);
      if (ready) return replica;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the service was not ready within 60 s:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** A JSON request; resolves with the status and the parsed body. */
  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(this.url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** SIGTERM, as an orchestrator stops a replica; SIGKILL if it has not exited within 15 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
