import { readFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { sharePolicySet } from '../../src/policies/shared-policy-set.js';
import { DEFAULT_POLICIES } from '../../src/policies/defaults.js';
import { ValidationPool } from '../../src/pool/validation-pool.js';

const example = readFileSync(new URL('../fixtures/contract-example.json', import.meta.url));
const pool = new ValidationPool({ threads: 2, maxQueue: 16 });
afterAll(() => pool.close());

describe('ValidationPool', () => {
  it('runs validations in worker threads and transfers the body instead of copying it', async () => {
    // A Buffer that owns its whole ArrayBuffer, as a large request body does.
    const own = Buffer.from(new ArrayBuffer(example.byteLength));
    example.copy(own);
    const outcome = await pool.validate(own, sharePolicySet(1, DEFAULT_POLICIES));
    expect(outcome.ok).toBe(true);
    if (outcome.ok) {
      expect(outcome.threadId).not.toBe(threadId);
      expect(JSON.parse(outcome.responseJson).violations[0].violation_type).toBe('MAX_WEIGHT_EXCEEDED');
    }
    // A transferred ArrayBuffer is detached on the sending side.
    expect(own.buffer.byteLength).toBe(0);
  });

  it('copies small bodies that live in Node\'s shared buffer pool rather than detaching the pool', async () => {
    const pooled = Buffer.from('{"not":"a request"}');
    const poolBytes = pooled.buffer.byteLength;
    const outcome = await pool.validate(pooled, sharePolicySet(1, DEFAULT_POLICIES));
    expect(outcome).toMatchObject({ ok: false, code: 'PES_INVALID_REQUEST' });
    expect(pooled.buffer.byteLength).toBe(poolBytes);
    expect(pooled.toString()).toBe('{"not":"a request"}');
  });

  it('counts the validations in flight (the audit records on their way), not the headroom tasks', async () => {
    const policies = sharePolicySet(1, DEFAULT_POLICIES);
    expect(pool.validationsInFlight).toBe(0);
    const headroom = pool.headroom(Buffer.from(example), policies);
    expect(pool.validationsInFlight).toBe(0);
    const validations = [pool.validate(Buffer.from(example), policies), pool.validate(Buffer.from(example), policies)];
    expect(pool.validationsInFlight).toBe(2);
    await Promise.all([headroom, ...validations]);
    expect(pool.validationsInFlight).toBe(0);
  });

  it('recompiles when the policy-set version changes', async () => {
    const body = () => Buffer.from(example);
    const strict = await pool.validate(body(), sharePolicySet(7, DEFAULT_POLICIES));
    const loose = DEFAULT_POLICIES.map((p) => (p.policy_name === 'position_limits' ? { ...p, rules: { max_weight: 0.5 } } : p));
    const relaxed = await pool.validate(body(), sharePolicySet(8, loose));
    expect(strict.ok && strict.summary.is_compliant).toBe(false);
    expect(relaxed.ok && relaxed.summary.is_compliant).toBe(true);
  });
});
