import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay } from '../../src/events/outbox-relay.js';
import type { Database } from '../../src/storage/database.js';
import { ValidationRepository } from '../../src/storage/validation-repository.js';
import { countOf, DATABASE_KINDS, openTestDatabase } from '../support/databases.js';
import { recordValidations, recordingPublisher, unpublishedCount, waitUntil } from '../support/outbox.js';

const TOPIC = 'policy.validation.completed';
const HOUR_MS = 3_600_000;

describe.each(DATABASE_KINDS)('published events past retention on %s', (kind) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let relay: OutboxRelay;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDatabase(kind));
  });
  afterAll(async () => {
    await relay?.stop();
    await dispose?.();
  });

  it('are deleted from the outbox; newer ones, and every validation record, stay', async () => {
    await recordValidations(new ValidationRepository(db, TOPIC), 'aged', 6);
    const publisher = recordingPublisher();
    relay = new OutboxRelay({ db, publisher, pollMs: 50, retentionMs: HOUR_MS, pruneEveryMs: 50 });
    relay.start();
    await waitUntil(async () => (await unpublishedCount(db)) === 0, 'the outbox to be published');
    // Published within the hour: a few prune rounds pass and nothing goes.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await countOf(db, 'SELECT count(*) AS n FROM event_outbox')).toBe(6);

    await db.query("UPDATE event_outbox SET published_at = now() - interval '2 hours' WHERE event_key IN ('aged-0', 'aged-2', 'aged-4')");
    await waitUntil(async () => (await countOf(db, 'SELECT count(*) AS n FROM event_outbox')) === 3, 'the aged events to be deleted');
    const left = await db.query<{ event_key: string }>('SELECT event_key FROM event_outbox ORDER BY event_key');
    expect(left.map((row) => row.event_key)).toEqual(['aged-1', 'aged-3', 'aged-5']);
    expect(relay.stats.pruned).toBe(3);
    expect(await countOf(db, "SELECT count(*) AS n FROM validations WHERE decision_id LIKE 'aged-%'")).toBe(6);
    expect(publisher.sent.map((m) => m.key).sort()).toEqual(['aged-0', 'aged-1', 'aged-2', 'aged-3', 'aged-4', 'aged-5']);
  });
});
