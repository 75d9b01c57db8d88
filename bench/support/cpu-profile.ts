import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of a V8 .cpuprofile (node --cpu-prof) this summary reads. */
interface CpuProfile {
  /** Microseconds on the monotonic clock (the same clock as process.hrtime in any process). */
  startTime: number;
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  readonly name: string;
  readonly where: string;
  /** Share of all samples spent in this function itself. */
  readonly selfShare: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  /** Share of samples not idle (the thread was doing something). */
  readonly busyShare: number;
  readonly top: HotFunction[];
  /** Self time per package (node_modules/<name>), project folder, wasm or node internals. */
  readonly byModule: Array<{ module: string; selfShare: number }>;
}

function moduleOf(url: string, name: string): string {
  if (url.startsWith('wasm://')) return 'wasm';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/(src\/[^/]+|workers)\//.exec(url) ?? /\/(bench)\//.exec(url);
  if (own) return own[1];
  if (url.startsWith('node:')) return 'node internals';
  return url ? url : name.startsWith('(') ? name : 'native';
}

/** Now on the clock profiles use (µs, monotonic), to cut a profile to a time window. */
export const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

/** Self time per function (idle excluded), heaviest first; only samples inside `window` when given. */
export function summariseProfile(file: string, topN = 15, window?: { fromUs: number; toUs: number }): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, { name: string; where: string; us: number }>();
  const moduleUs = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    total += us;
    const frame = byId.get(id)!.callFrame;
    // A Piscina worker waiting for its next task sits in atomicsWaitLoop: idle, not work.
    if (frame.functionName === '(idle)' || frame.functionName === 'atomicsWaitLoop') {
      idle += us;
      return;
    }
    const where = frame.url ? `${frame.url.replace(/^.*\/(node_modules|dist|src|workers)\//, '$1/')}:${frame.lineNumber + 1}` : '';
    const module = moduleOf(frame.url, frame.functionName);
    moduleUs.set(module, (moduleUs.get(module) ?? 0) + us);
    const key = `${frame.functionName}|${where}`;
    const entry = selfUs.get(key) ?? { name: frame.functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    selfUs.set(key, entry);
  });
  const top = [...selfUs.values()].sort((a, b) => b.us - a.us).slice(0, topN)
    .map((e) => ({ name: e.name, where: e.where, selfShare: e.us / total }));
  const byModule = [...moduleUs].sort((a, b) => b[1] - a[1]).slice(0, topN).map(([module, us]) => ({ module, selfShare: us / total }));
  return { file, totalMs: total / 1000, busyShare: (total - idle) / total, top, byModule };
}

export function profilesIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
}
