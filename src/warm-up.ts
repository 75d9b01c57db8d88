import type { Services } from './app.js';
import { EXAMPLE_REQUEST } from './schemas/examples.js';
import type { PreparedRecord } from './storage/audit-record.js';

/**
 * Before the service listens: `count` validations of the contract's example (under every enabled
 * policy) through the workers, and their audit writes rehearsed in a transaction that is rolled
 * back. Nothing is recorded and no event is emitted. Cold, the code paths are not yet compiled: in
 * its first two seconds at 500 req/s a fresh service refused 540–614 of 1,000 validations; with
 * this warm-up (300), 279–409 (two starts each, 2026-11-28). What stays cold is the HTTP side,
 * which only real requests warm.
 */
export async function warmUp(services: Services, count: number): Promise<number> {
  if (count === 0) return 0;
  const { pool, policies, validations, config } = services;
  const set = policies.current;
  const records: PreparedRecord[] = [];
  let next = 0;
  // As many at a time as there are workers, so that every one of them warms up.
  const worker = async () => {
    while (next < count) {
      const decision = { ...EXAMPLE_REQUEST.decision, decision_id: `warm-up-${next++}` };
      const body = Buffer.from(JSON.stringify({ ...EXAMPLE_REQUEST, decision, applicable_policies: [] }));
      const outcome = await pool.validate(body, set);
      if (!outcome.ok) continue;
      records.push(outcome.record);
    }
  };
  await Promise.all(Array.from({ length: config.workers }, worker));
  await validations.rehearse(records);
  return records.length;
}
