import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPublisher, OutboxMessage } from '../../src/events/kafka-publisher.js';
import { OutboxRelay } from '../../src/events/outbox-relay.js';
import type { Database } from '../../src/storage/database.js';
import { ValidationRepository } from '../../src/storage/validation-repository.js';
import { openTestDatabase } from '../support/databases.js';
import { recordValidations, unpublishedCount, waitUntil } from '../support/outbox.js';

const TOPIC = 'policy.validation.completed';

/** The broker is not under test: a publisher that acknowledges everything and counts its requests. */
function countingPublisher(): EventPublisher & { requests: OutboxMessage[][] } {
  const requests: OutboxMessage[][] = [];
  return { requests, publish: async (messages) => void requests.push([...messages]), reset: async () => {} };
}

/** Records one validation every `everyMs`, waking the relay after each commit as the service does. */
async function trickle(repository: ValidationRepository, prefix: string, count: number, everyMs: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await recordValidations(repository, `${prefix}-${i}`, 1);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

describe('the outbox relay under a stream of commits', () => {
  let db: Database;
  let dispose: () => Promise<void>;
  const relays: OutboxRelay[] = [];
  beforeAll(async () => {
    ({ db, dispose } = await openTestDatabase('pglite'));
  });
  afterAll(async () => {
    for (const relay of relays) await relay.stop();
    await dispose();
  });

  async function run(lingerMs: number, prefix: string): Promise<{ requests: OutboxMessage[][]; keys: string[] }> {
    const repository = new ValidationRepository(db, TOPIC);
    const publisher = countingPublisher();
    // A long poll: every round here is started by a wake, none by the timer.
    const relay = new OutboxRelay({ db, publisher, pollMs: 60_000, lingerMs });
    relays.push(relay);
    repository.onCommitted(() => relay.wake());
    relay.start();
    await trickle(repository, prefix, 30, 5);
    await waitUntil(async () => (await unpublishedCount(db)) === 0, 'every event to be published');
    await relay.stop();
    return { requests: publisher.requests, keys: publisher.requests.flat().map((m) => m.key) };
  }

  it('with a linger, carries the events of many commits per round, and publishes every one', async () => {
    const eager = await run(0, 'eager');
    const lingering = await run(150, 'lingering');
    const expected = (prefix: string) => Array.from({ length: 30 }, (_, i) => `${prefix}-${i}-0`);
    expect(eager.keys).toEqual(expected('eager'));
    expect(lingering.keys).toEqual(expected('lingering'));
    // 30 commits over at least 150 ms: a round per wake without a linger, a round per 150 ms with one.
    expect(eager.requests.length).toBeGreaterThan(10);
    expect(lingering.requests.length).toBeLessThanOrEqual(Math.ceil(eager.requests.length / 3));
  });
});
