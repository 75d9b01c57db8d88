import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXACT_UP_TO, readOutboxBacklog } from '../../src/observability/outbox-backlog.js';
import type { Database } from '../../src/storage/database.js';
import { DATABASE_KINDS, openTestDatabase } from '../support/databases.js';

/** Outbox rows with chosen ids and ages; published ones carry published_at. */
async function insertEvents(db: Database, rows: Array<{ id: number; ageSeconds: number; published?: boolean }>): Promise<void> {
  for (const row of rows) {
    await db.query(
      `INSERT INTO event_outbox (id, event_id, topic, event_key, payload, created_at, published_at)
       VALUES ($1, gen_random_uuid(), 't', 'k', '{}'::jsonb, now() - make_interval(secs => $2::double precision),
               CASE WHEN $3::boolean THEN now() END)`,
      [row.id, row.ageSeconds, row.published ?? false],
    );
  }
}

describe.each(DATABASE_KINDS)('the outbox backlog gauges on %s', (kind) => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDatabase(kind));
  });
  afterAll(() => dispose());

  it('read 0 and 0 s when nothing waits', async () => {
    expect(await readOutboxBacklog(db)).toEqual({ events: 0, oldestAgeSeconds: 0 });
    await insertEvents(db, [{ id: 1, ageSeconds: 50, published: true }]);
    expect(await readOutboxBacklog(db)).toEqual({ events: 0, oldestAgeSeconds: 0 });
  });

  it('count a small backlog exactly, and age it by its oldest event', async () => {
    // Ids 2 and 4 wait, 3 went out (on PostgreSQL rows can be published out of id order).
    await insertEvents(db, [{ id: 2, ageSeconds: 3_600 }, { id: 3, ageSeconds: 3_000, published: true }, { id: 4, ageSeconds: 10 }]);
    const backlog = await readOutboxBacklog(db);
    expect(backlog.events).toBe(2);
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(3_600);
    expect(backlog.oldestAgeSeconds).toBeLessThan(3_660);
  });

  // These two build on the rows the tests before them left (ids 2 and 4 waiting): the tests run in order.
  it('counts exactly while the id span is at most EXACT_UP_TO', async () => {
    // Ids 2 to 1,001: three rows wait in a span of exactly 1,000.
    await insertEvents(db, [{ id: EXACT_UP_TO + 1, ageSeconds: 1 }]);
    expect((await readOutboxBacklog(db)).events).toBe(3);
  });

  it('beyond EXACT_UP_TO, gives the id span from the oldest waiting event to the newest', async () => {
    // Ids 2 to 1,002: a span of one more than EXACT_UP_TO, four rows waiting.
    await insertEvents(db, [{ id: EXACT_UP_TO + 2, ageSeconds: 1 }]);
    expect((await readOutboxBacklog(db)).events).toBe(EXACT_UP_TO + 1);
    await insertEvents(db, [{ id: 2 * EXACT_UP_TO + 1, ageSeconds: 1 }]);
    const backlog = await readOutboxBacklog(db);
    // Ids 2 to 2,001: five rows wait, but the span stands in for a count this large.
    expect(backlog.events).toBe(2 * EXACT_UP_TO);
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(3_600);
  });
});
