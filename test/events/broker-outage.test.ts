import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaPublisher } from '../../src/events/kafka-publisher.js';
import { OutboxRelay } from '../../src/events/outbox-relay.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { decisionRequest } from '../support/decisions.js';
import { kcatAvailable, MockKafkaBroker, TopicReader } from '../support/kafka.js';
import { unpublishedCount, waitUntil } from '../support/outbox.js';

const TOPIC = 'policy.validation.completed';
const OUTAGE_VALIDATIONS = 25;


/**
 * The service's relay, except that it follows the broker address the test gives it: a mock
 * broker started anew listens on a new port, where a real cluster would come back on its own.
 */
describe.skipIf(!kcatAvailable).each(DATABASE_KINDS)('a broker outage on %s', (kind) => {
  let broker: MockKafkaBroker;
  let t: TestApp;
  let relay: OutboxRelay;
  const readers: TopicReader[] = [];
  beforeAll(async () => {
    broker = await MockKafkaBroker.start();
    t = await startTestApp({ database: kind });
    relay = new OutboxRelay({
      db: t.services.db,
      publisher: new KafkaPublisher(() => [broker.address]),
      pollMs: 200,
      backoffMinMs: 50,
      backoffMaxMs: 400,
    });
    t.services.validations.onCommitted(() => relay.wake());
    relay.start();
  });
  afterAll(async () => {
    await relay?.stop();
    await t?.close();
    for (const reader of readers) await reader.stop();
    await broker?.stop();
  });

  const validate = (id: string) => t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: decisionRequest(id) });
  const unpublished = () => unpublishedCount(t.services.db);

  it('keeps answering while the broker is down, and delivers every event once it is back', async () => {
    const first = await TopicReader.start(broker.address, TOPIC);
    readers.push(first);
    expect((await validate('before-outage')).statusCode).toBe(200);
    await first.waitFor(1);
    await waitUntil(async () => (await unpublished()) === 0, 'the first event to be marked published');
    await first.stop(); // before the outage: a consumer leaves a dead broker slowly

    await broker.stop();
    const failuresBefore = relay.stats.failures;
    const ids = Array.from({ length: OUTAGE_VALIDATIONS }, (_, i) => `outage-${i}`);
    for (const id of ids) {
      const res = await validate(id);
      expect(res.statusCode, id).toBe(200);
      expect(res.json().decision_id).toBe(id);
    }
    // The relay has tried the dead broker and failed; every event is still waiting.
    await waitUntil(() => relay.stats.failures > failuresBefore, 'the relay to fail against the stopped broker');
    expect(await unpublished()).toBe(OUTAGE_VALIDATIONS);

    broker = await MockKafkaBroker.start();
    const second = await TopicReader.start(broker.address, TOPIC);
    readers.push(second);
    const messages = await second.waitFor(OUTAGE_VALIDATIONS);
    await waitUntil(async () => (await unpublished()) === 0, 'the outbox to drain');

    const eventIds = new Set(messages.map((m) => JSON.parse(m.value).event_id));
    expect(eventIds.size).toBe(OUTAGE_VALIDATIONS);
    expect(messages.map((m) => m.key).sort()).toEqual([...ids].sort());
    for (const m of messages) expect(JSON.parse(m.value).policy_validation.decision_id).toBe(m.key);
  });
});
