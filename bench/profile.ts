/**
 * Profiles the service under the realistic load: node --cpu-prof on the service process (main
 * thread and every worker), a fixed offered rate for a few seconds, then the hottest functions
 * per thread. Not part of the suite: run it before optimising.
 * Usage: npx tsx bench/profile.ts [rate=300] [seconds=8] [positions=100]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monotonicMicros, profilesIn, summariseProfile } from './support/cpu-profile.js';
import { runLoad } from './support/load-generator.js';
import { startService } from './support/processes.js';
import { describeStep } from './support/rate-search.js';
import { addPolicies, realisticBodies } from './support/realistic-mix.js';
import { serviceOptions } from './support/scenario.js';

const [rate = 300, seconds = 8, positions = 100] = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), 'pes-profile-'));
const service = await startService({ ...serviceOptions(), cpuProfileDir: dir });
await addPolicies(service.url);
// Only the recorded load window counts: start-up (database creation, JIT) would drown it.
const WARMUP_MS = 1_000;
const fromUs = monotonicMicros() + WARMUP_MS * 1000;
const result = await runLoad({ url: `${service.url}/api/v1/validate`, bodies: realisticBodies(positions), rate, durationMs: seconds * 1000, warmupMs: WARMUP_MS });
const toUs = monotonicMicros();
console.log(describeStep(result));
console.log(`load window on the monotonic clock: ${fromUs}..${toUs} µs`);
await service.stop();
for (const file of profilesIn(dir)) {
  const summary = summariseProfile(file, 15, { fromUs, toUs });
  console.log(`\n${file}: ${summary.totalMs.toFixed(0)} ms sampled under load, busy ${(summary.busyShare * 100).toFixed(1)} %`);
  for (const f of summary.top) console.log(`  ${(f.selfShare * 100).toFixed(1).padStart(5)} %  ${f.name}  ${f.where}`);
  console.log('  by module:');
  for (const m of summary.byModule) console.log(`  ${(m.selfShare * 100).toFixed(1).padStart(5)} %  ${m.module}`);
}
