import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaPublisher, type EventPublisher } from '../../src/events/kafka-publisher.js';
import { OutboxRelay } from '../../src/events/outbox-relay.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import type { Database } from '../../src/storage/database.js';
import { ValidationRepository } from '../../src/storage/validation-repository.js';
import { DATABASE_KINDS, openTestDatabase, postgresAvailable } from '../support/databases.js';
import { kcatAvailable, MockKafkaBroker, TopicReader } from '../support/kafka.js';
import { countByEventId, recordValidations, unpublishedCount, waitUntil } from '../support/outbox.js';

const TOPIC = 'policy.validation.completed';
const EVENTS = 40;
const CHILD = fileURLToPath(new URL('./fixtures/relay-killed-mid-batch.ts', import.meta.url));

/** Runs a fresh relay until the outbox is empty; returns how many events it published. */
async function drainWithNewRelay(db: Database, broker: string): Promise<number> {
  const relay = new OutboxRelay({ db, publisher: new KafkaPublisher([broker]), pollMs: 100, backoffMinMs: 50, backoffMaxMs: 200 });
  relay.start();
  try {
    await waitUntil(async () => (await unpublishedCount(db)) === 0, 'the outbox to drain');
  } finally {
    await relay.stop();
  }
  return relay.stats.published;
}

/**
 * Whatever happened to the first relay, consumers deduplicating by event_id see each event once:
 * every event arrived, and the only repeats are the part of the broken batch that got out.
 */
function expectAtLeastOnce(values: readonly string[], sentBeforeCrash: number): void {
  expect(values).toHaveLength(EVENTS + sentBeforeCrash);
  const counts = countByEventId(values);
  expect(counts.size).toBe(EVENTS);
  expect([...counts.values()].filter((n) => n === 2)).toHaveLength(sentBeforeCrash);
  expect([...counts.values()].every((n) => n === 1 || n === 2)).toBe(true);
}

describe.skipIf(!kcatAvailable || !postgresAvailable)('a relay process killed mid-batch (PostgreSQL)', () => {
  let broker: MockKafkaBroker;
  let reader: TopicReader;
  let db: Database;
  let url: string | undefined;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    broker = await MockKafkaBroker.start();
    reader = await TopicReader.start(broker.address, TOPIC);
    ({ db, url, dispose } = await openTestDatabase('postgres'));
  });
  afterAll(async () => {
    await dispose?.();
    await reader?.stop();
    await broker?.stop();
  });

  it('loses nothing: its transaction rolls back and the next relay sends the batch again', async () => {
    await recordValidations(new ValidationRepository(db, TOPIC), 'killed', EVENTS);
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: url, KAFKA_BROKERS: broker.address },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const sent = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /sent (\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`the relay process exited (${code}) before sending anything`)));
    });
    child.kill('SIGKILL');
    await exited;
    expect(sent).toBe(EVENTS / 2);
    // Half the batch is on the broker, but the killed relay never committed: all rows still wait.
    await reader.waitFor(sent);
    expect(await unpublishedCount(db)).toBe(EVENTS);

    expect(await drainWithNewRelay(db, broker.address)).toBe(EVENTS);
    const messages = await reader.waitFor(EVENTS + sent);
    expectAtLeastOnce(messages.map((m) => m.value), sent);
  });
});

describe.skipIf(!kcatAvailable).each(DATABASE_KINDS)('a producer that fails mid-batch on %s', (kind) => {
  let broker: MockKafkaBroker;
  let reader: TopicReader;
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    broker = await MockKafkaBroker.start();
    reader = await TopicReader.start(broker.address, TOPIC);
    ({ db, dispose } = await openTestDatabase(kind));
  });
  afterAll(async () => {
    await dispose?.();
    await reader?.stop();
    await broker?.stop();
  });

  it('loses nothing: the relay retries the whole batch', async () => {
    await recordValidations(new ValidationRepository(db, TOPIC), 'partial', EVENTS);
    const kafka = new KafkaPublisher([broker.address]);
    let sentBeforeFailure = 0;
    const failsOnce: EventPublisher = {
      async publish(messages) {
        if (sentBeforeFailure > 0) return kafka.publish(messages);
        sentBeforeFailure = Math.ceil(messages.length / 2);
        await kafka.publish(messages.slice(0, sentBeforeFailure));
        throw new Error('the producer crashed after sending part of the batch');
      },
      reset: () => kafka.reset(),
    };
    const relay = new OutboxRelay({ db, publisher: failsOnce, pollMs: 100, backoffMinMs: 50, backoffMaxMs: 200 });
    relay.start();
    try {
      await waitUntil(async () => (await unpublishedCount(db)) === 0, 'the outbox to drain');
    } finally {
      await relay.stop();
    }
    expect(relay.stats).toEqual({ published: EVENTS, failures: 1, pruned: 0 });
    const messages = await reader.waitFor(EVENTS + sentBeforeFailure);
    expectAtLeastOnce(messages.map((m) => m.value), sentBeforeFailure);
  });
});
