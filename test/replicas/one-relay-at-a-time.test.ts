import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaPublisher, type EventPublisher } from '../../src/events/kafka-publisher.js';
import { OutboxRelay } from '../../src/events/outbox-relay.js';
import { migrate } from '../../src/storage/migrate.js';
import { PostgresDatabase } from '../../src/storage/postgres.js';
import { ValidationRepository } from '../../src/storage/validation-repository.js';
import { createPostgresDatabase, postgresAvailable } from '../support/databases.js';
import { kcatAvailable, MockKafkaBroker, TopicReader } from '../support/kafka.js';
import { countByEventId, recordValidations, unpublishedCount, waitUntil } from '../support/outbox.js';

const TOPIC = 'policy.validation.completed';
const ROUNDS = 8;
const PER_ROUND = 25;

/**
 * Three replicas' relays (each with its own connection pool, as separate processes would have)
 * on one database, all woken by every write. The advisory lock lets one publish at a time, so
 * with no failure every event goes out exactly once.
 */
describe.skipIf(!kcatAvailable || !postgresAvailable)('outbox relays of several replicas', () => {
  let broker: MockKafkaBroker;
  let reader: TopicReader;
  let database: { url: string; drop: () => Promise<void> };
  const pools: PostgresDatabase[] = [];
  beforeAll(async () => {
    broker = await MockKafkaBroker.start();
    reader = await TopicReader.start(broker.address, TOPIC);
    database = await createPostgresDatabase();
  });
  afterAll(async () => {
    for (const pool of pools) await pool.close();
    await database?.drop();
    await reader?.stop();
    await broker?.stop();
  });

  it('publish one at a time, and every event exactly once', async () => {
    let publishing = 0;
    let mostAtOnce = 0;
    const relays = [0, 1, 2].map(() => {
      const kafka = new KafkaPublisher([broker.address]);
      const watched: EventPublisher = {
        async publish(messages) {
          mostAtOnce = Math.max(mostAtOnce, ++publishing);
          try {
            // Hold the batch a moment: a second relay publishing alongside would be caught here.
            await new Promise((resolve) => setTimeout(resolve, 20));
            await kafka.publish(messages);
          } finally {
            publishing--;
          }
        },
        reset: () => kafka.reset(),
      };
      const db = new PostgresDatabase(database.url);
      pools.push(db);
      return new OutboxRelay({ db, publisher: watched, pollMs: 100 });
    });
    const writer = new ValidationRepository(pools[0], TOPIC);
    await migrate(pools[0]);
    writer.onCommitted(() => relays.forEach((relay) => relay.wake()));
    relays.forEach((relay) => relay.start());
    try {
      for (let round = 0; round < ROUNDS; round++) await recordValidations(writer, `round-${round}`, PER_ROUND);
      await waitUntil(async () => (await unpublishedCount(pools[0])) === 0, 'the outbox to drain');
    } finally {
      await Promise.all(relays.map((relay) => relay.stop()));
    }
    const total = ROUNDS * PER_ROUND;
    expect(relays.reduce((sum, relay) => sum + relay.stats.published, 0)).toBe(total);
    expect(mostAtOnce).toBe(1);
    const messages = await reader.waitFor(total);
    expect(messages).toHaveLength(total);
    expect(countByEventId(messages.map((m) => m.value)).size).toBe(total);
  });
});
