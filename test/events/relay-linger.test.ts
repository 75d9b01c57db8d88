import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay } from '../../src/events/outbox-relay.js';
import type { Database } from '../../src/storage/database.js';
import { ValidationRepository } from '../../src/storage/validation-repository.js';
import { openTestDatabase } from '../support/databases.js';
import { recordValidations, recordingPublisher, unpublishedCount, waitUntil } from '../support/outbox.js';

const TOPIC = 'policy.validation.completed';

const gaps = (times: readonly number[]) => times.slice(1).map((t, i) => t - times[i]);

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

  async function run(lingerMs: number, prefix: string, batchSize?: number) {
    const repository = new ValidationRepository(db, TOPIC);
    const publisher = recordingPublisher();
    // A long poll: every round here is started by a wake, none by the timer.
    const relay = new OutboxRelay({ db, publisher, pollMs: 60_000, lingerMs, ...(batchSize ? { batchSize } : {}) });
    relays.push(relay);
    repository.onCommitted(() => relay.wake());
    relay.start();
    await trickle(repository, prefix, 30, 5);
    await waitUntil(async () => (await unpublishedCount(db)) === 0, 'every event to be published');
    await relay.stop();
    return { ...publisher, keys: publisher.requests.flat().map((m) => m.key) };
  }

  const expected = (prefix: string) => Array.from({ length: 30 }, (_, i) => `${prefix}-${i}-0`);

  it('without a linger, starts a round as soon as a commit wakes it', async () => {
    const eager = await run(0, 'eager');
    expect(eager.keys).toEqual(expected('eager'));
    // 30 commits at least 5 ms apart: rounds follow them closely, whatever the machine's speed.
    expect(Math.min(...gaps(eager.times))).toBeLessThan(60);
  });

  it('with a linger, starts rounds at least that far apart, each carrying every commit meanwhile', async () => {
    const lingering = await run(150, 'lingering');
    expect(lingering.keys).toEqual(expected('lingering'));
    expect(lingering.requests.length).toBeGreaterThan(1);
    // A round starts ≥ 150 ms after the one before; its broker request follows its SELECT, whose
    // time varies, so the requests can be a little less than 150 ms apart (without a linger: a few ms).
    expect(Math.min(...gaps(lingering.times))).toBeGreaterThan(100);
  });

  it('does not wait out the linger after a full batch: a backlog drains at once', async () => {
    const draining = await run(150, 'draining', 2);
    expect(draining.keys).toEqual(expected('draining'));
    // Batches of two: after a full one the next round follows at once.
    expect(Math.min(...gaps(draining.times))).toBeLessThan(60);
  });
});
