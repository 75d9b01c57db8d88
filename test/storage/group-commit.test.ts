import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationResponse } from '../../src/schemas/validation.js';
import type { Database, Queryable } from '../../src/storage/database.js';
import { GroupCommitter } from '../../src/storage/group-commit.js';
import { ValidationRepository } from '../../src/storage/validation-repository.js';
import { countOf, DATABASE_KINDS, openTestDatabase } from '../support/databases.js';

function response(decisionId: string, violations: number): ValidationResponse {
  return {
    decision_id: decisionId,
    is_compliant: violations === 0,
    violations: Array.from({ length: violations }, (_, i) => ({
      policy_name: `limit_${i}`, violation_type: 'MAX_WEIGHT_EXCEEDED', severity: 'HIGH' as const,
      description: `breach ${i}`, subject: 'AAPL', observed: 0.2, limit: 0.1, pre_trade: 0.05, enforcement_level: 'strict' as const,
    })),
    compliance_score: violations === 0 ? 1 : 0.25,
    recommendations: [],
    policies_checked: ['position_limits'],
  };
}

const input = (decisionId: string, violations = 0) => ({
  response: response(decisionId, violations),
  portfolioId: 'fund-a',
  decisionJson: JSON.stringify({ decision_id: decisionId, trades: [{ symbol: 'AAPL', side: 'BUY', quantity: 1, note: 'quote " and \\ backslash' }] }),
  policySetVersion: 1,
});

describe('GroupCommitter', () => {
  /** A write the test completes by hand, so it can see which items travel together. */
  function controlledWrite() {
    const batches: number[][] = [];
    const finish: Array<() => void> = [];
    const write = (items: readonly number[]) => {
      batches.push([...items]);
      return new Promise<void>((resolve) => finish.push(resolve));
    };
    return { batches, finish, write };
  }

  it('writes an item at once when idle, and those arriving meanwhile together next', async () => {
    const { batches, finish, write } = controlledWrite();
    const committer = new GroupCommitter(write, { maxBatch: 100, maxInFlight: 1 });
    const first = committer.submit(1);
    expect(batches).toEqual([[1]]);
    const rest = [2, 3, 4, 5].map((n) => committer.submit(n));
    expect(batches).toEqual([[1]]);
    finish[0]();
    await first;
    expect(batches).toEqual([[1], [2, 3, 4, 5]]);
    finish[1]();
    await Promise.all(rest);
    expect(committer.stats).toEqual({ commits: 2, items: 5 });
  });

  it('splits a long queue into batches of maxBatch', async () => {
    const { batches, finish, write } = controlledWrite();
    const committer = new GroupCommitter(write, { maxBatch: 2, maxInFlight: 1 });
    const all = [1, 2, 3, 4, 5].map((n) => committer.submit(n));
    for (let i = 0; i < 3; i++) {
      finish[i]();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(all);
    expect(batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('with gatherMs, holds a batch while items are on their way, and writes it once none is', async () => {
    const { batches, finish, write } = controlledWrite();
    let upcoming = 2;
    const committer = new GroupCommitter(write, { maxBatch: 100, maxInFlight: 2, gatherMs: 1_000 }, () => upcoming);
    const submitted = [committer.submit(1)];
    expect(batches).toEqual([]);
    upcoming = 1;
    submitted.push(committer.submit(2));
    expect(batches).toEqual([]);
    upcoming = 0;
    submitted.push(committer.submit(3));
    expect(batches).toEqual([[1, 2, 3]]);
    finish[0]();
    await Promise.all(submitted);
    // Nothing on its way: the next item is written at once, alone.
    const alone = committer.submit(4);
    expect(batches).toEqual([[1, 2, 3], [4]]);
    finish[1]();
    await alone;
    expect(committer.stats).toEqual({ commits: 2, items: 4 });
  });

  it('with gatherMs, writes what it holds when the wait ends, even with items still on their way', async () => {
    const { batches, finish, write } = controlledWrite();
    const committer = new GroupCommitter(write, { maxBatch: 100, maxInFlight: 1, gatherMs: 40 }, () => 5);
    const submitted = [committer.submit(1), committer.submit(2)];
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(batches).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(batches).toEqual([[1, 2]]);
    finish[0]();
    await Promise.all(submitted);
  });

  it('with gatherMs, writes a full batch at once', async () => {
    const { batches, write } = controlledWrite();
    const committer = new GroupCommitter(write, { maxBatch: 3, maxInFlight: 1, gatherMs: 1_000 }, () => 10);
    for (const n of [1, 2, 3]) void committer.submit(n);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  const failure = (code: string, message: string) => Object.assign(new Error(message), { code });

  it('fails only the item whose data the database refuses, writing the others alone', async () => {
    const written: string[][] = [];
    const committer = new GroupCommitter(async (items: readonly string[]) => {
      if (items.includes('bad')) throw failure('22021', 'invalid byte sequence for encoding "UTF8": 0x00');
      written.push([...items]);
    }, { maxBatch: 10, maxInFlight: 1 });
    const first = committer.submit('a');
    const batch = ['b', 'bad', 'c'].map((item) => committer.submit(item));
    await first;
    await expect(batch[0]).resolves.toBeUndefined();
    await expect(batch[1]).rejects.toThrow('invalid byte sequence');
    await expect(batch[2]).resolves.toBeUndefined();
    expect(written).toEqual([['a'], ['b'], ['c']]);
    expect(committer.stats).toEqual({ commits: 3, items: 3 });
  });

  it('rejects every item of a failed batch, and goes on with the next', async () => {
    let calls = 0;
    const committer = new GroupCommitter(async () => {
      calls++;
      // The server going away is no fault of the records: no retry one by one.
      if (calls === 2) throw failure('57P01', 'terminating connection due to administrator command');
    }, { maxBatch: 10, maxInFlight: 1 });
    const first = committer.submit('a');
    const failed = [committer.submit('b'), committer.submit('c')];
    await first;
    for (const item of failed) await expect(item).rejects.toThrow('terminating connection');
    expect(calls).toBe(2);
    await expect(committer.submit('d')).resolves.toBeUndefined();
  });
});

describe.each(DATABASE_KINDS)('group commit of validation records on %s', (kind) => {
  let db: Database;
  let url: string | undefined;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, url, dispose } = await openTestDatabase(kind));
  });
  afterAll(() => dispose());

  it('writes concurrent records in fewer transactions, each caller answered after its commit', async () => {
    const repository = new ValidationRepository(db, 'policy.validation.completed');
    // On PostgreSQL, look from another connection: a record is visible there only once committed.
    // A pool of one queues the 120 looks (a bare pg.Client warns about overlapping queries).
    const observer = url ? new pg.Pool({ connectionString: url, max: 1 }) : undefined;
    const look: Queryable = observer ? { query: async (sql, params) => (await observer.query(sql, params)).rows } : db;
    try {
      const visibleOnResolve = await Promise.all(
        Array.from({ length: 120 }, async (_, i) => {
          const id = await repository.record(input(`gc-${i}`, i % 3));
          return countOf(look, 'SELECT count(*) AS n FROM validations WHERE id = $1', [id]);
        }),
      );
      expect(visibleOnResolve).toEqual(new Array(120).fill(1));
    } finally {
      await observer?.end();
    }
    const { commits, items } = repository.commitStats;
    expect(items).toBe(120);
    expect(commits).toBeLessThan(20);
    expect(await countOf(db, "SELECT count(*) AS n FROM validations WHERE decision_id LIKE 'gc-%'")).toBe(120);
    expect(await countOf(db, "SELECT count(*) AS n FROM event_outbox WHERE event_key LIKE 'gc-%'")).toBe(120);
    // 40 records each with 0, 1 and 2 violations.
    expect(await countOf(db, "SELECT count(*) AS n FROM policy_violations WHERE decision_id LIKE 'gc-%'")).toBe(120);
    const [stored] = await db.query<{ decision: { trades: Array<{ note: string }> } }>("SELECT decision FROM validations WHERE decision_id = 'gc-7'");
    expect(stored.decision.trades[0].note).toBe('quote " and \\ backslash');
  });

  it('with batching off, writes one transaction per record', async () => {
    const repository = new ValidationRepository(db, 'policy.validation.completed', { maxBatch: 1, maxInFlight: Number.POSITIVE_INFINITY });
    await Promise.all(Array.from({ length: 20 }, (_, i) => repository.record(input(`single-${i}`))));
    expect(repository.commitStats).toEqual({ commits: 20, items: 20 });
  });

  it('fails only the record the database refuses, not the others written with it', async () => {
    const repository = new ValidationRepository(db, 'policy.validation.completed');
    const ids = Array.from({ length: 30 }, (_, i) => (i === 13 ? 'poison-\u0000-13' : `poison-${i}`));
    const outcomes = await Promise.allSettled(ids.map((id) => repository.record(input(id, 1))));
    expect(outcomes.map((o) => o.status)).toEqual(ids.map((_, i) => (i === 13 ? 'rejected' : 'fulfilled')));
    expect(await countOf(db, "SELECT count(*) AS n FROM validations WHERE decision_id LIKE 'poison-%'")).toBe(29);
    expect(await countOf(db, "SELECT count(*) AS n FROM event_outbox WHERE event_key LIKE 'poison-%'")).toBe(29);
  });

  it('keeps a record out of a transaction another caller holds open and then rolls back', async () => {
    const repository = new ValidationRepository(db, 'policy.validation.completed');
    let recorded: Promise<string> | undefined;
    const rollback = new Error('roll back');
    await expect(db.transaction(async (tx) => {
      await tx.query("UPDATE policy_set_version SET version = version WHERE singleton");
      recorded = repository.record(input('beside-a-transaction', 1));
      // Long enough for the write to run, were it let into the open transaction.
      await new Promise((resolve) => setTimeout(resolve, 100));
      throw rollback;
    })).rejects.toBe(rollback);
    await recorded;
    expect(await countOf(db, "SELECT count(*) AS n FROM validations WHERE decision_id = 'beside-a-transaction'")).toBe(1);
    expect(await countOf(db, "SELECT count(*) AS n FROM event_outbox WHERE event_key = 'beside-a-transaction'")).toBe(1);
  });

  it('fails every caller of a batch that cannot commit, and keeps no part of it', async () => {
    const repository = new ValidationRepository(db, 'policy.validation.completed');
    await db.query('ALTER TABLE event_outbox RENAME TO event_outbox_away');
    try {
      const outcomes = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => repository.record(input(`lost-${i}`, 1))));
      expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    } finally {
      await db.query('ALTER TABLE event_outbox_away RENAME TO event_outbox');
    }
    expect(await countOf(db, "SELECT count(*) AS n FROM validations WHERE decision_id LIKE 'lost-%'")).toBe(0);
    expect(await countOf(db, "SELECT count(*) AS n FROM policy_violations WHERE decision_id LIKE 'lost-%'")).toBe(0);
    await expect(repository.record(input('after-outage'))).resolves.toMatch(/^[0-9a-f-]{36}$/);
  });
});
