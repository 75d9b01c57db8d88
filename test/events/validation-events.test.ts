import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationCompletedEvent } from '../../src/schemas/events.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { decisionRequest } from '../support/decisions.js';
import { kcatAvailable, MockKafkaBroker, TopicReader } from '../support/kafka.js';
import { unpublishedCount, waitUntil } from '../support/outbox.js';

const TOPIC = 'policy.validation.completed';
const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.skipIf(!kcatAvailable).each(DATABASE_KINDS)('validation events through the service on %s', (kind) => {
  let broker: MockKafkaBroker;
  let reader: TopicReader;
  let t: TestApp;
  beforeAll(async () => {
    broker = await MockKafkaBroker.start();
    reader = await TopicReader.start(broker.address, TOPIC);
    t = await startTestApp({ database: kind, env: { KAFKA_BROKERS: broker.address } });
  });
  afterAll(async () => {
    await t?.close();
    await reader?.stop();
    await broker?.stop();
  });

  it('publishes exactly one event per validation, in the seed shape, keyed by decision_id', async () => {
    const before = new Date().toISOString();
    const decisions = [['ev-1', 440], ['ev-2', 100], ['ev-3', 50], ['ev-4', 600]] as const;
    const responses = new Map<string, any>();
    for (const [id, quantity] of decisions) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: decisionRequest(id, quantity) });
      expect(res.statusCode).toBe(200);
      responses.set(id, res.json());
    }
    await reader.waitFor(decisions.length);
    await waitUntil(async () => (await unpublishedCount(t.services.db)) === 0, 'the outbox to be published');
    // Every outbox row is published and all arrived: there is nothing left that could come twice.
    expect(reader.messages).toHaveLength(decisions.length);

    const outbox = await t.services.db.query<{ event_id: string; event_key: string }>('SELECT event_id, event_key FROM event_outbox');
    for (const message of reader.messages) {
      const event = JSON.parse(message.value);
      const response = responses.get(message.key);
      expect(response, `key ${message.key}`).toBeDefined();
      expect(Value.Check(ValidationCompletedEvent, event)).toBe(true);
      expect(Object.keys(event)).toEqual(['event_id', 'timestamp', 'policy_validation']);
      expect(Object.keys(event.policy_validation)).toEqual(['decision_id', 'is_compliant', 'compliance_score', 'violations', 'policies_checked']);
      expect(event.policy_validation).toEqual({
        decision_id: message.key,
        is_compliant: response.is_compliant,
        compliance_score: response.compliance_score,
        violations: response.violations.map((v: { policy_name: string; violation_type: string }) => `${v.policy_name}:${v.violation_type}`),
        policies_checked: response.policies_checked,
      });
      expect(event.timestamp).toMatch(ISO_MILLIS);
      expect(event.timestamp >= before).toBe(true);
      expect(outbox).toContainEqual({ event_id: event.event_id, event_key: message.key });
    }
    expect(new Set(reader.messages.map((m) => m.key))).toEqual(new Set(decisions.map(([id]) => id)));
    const ev1 = JSON.parse(reader.messages.find((m) => m.key === 'ev-1')!.value);
    expect(ev1.policy_validation.violations).toEqual(['position_limits:MAX_WEIGHT_EXCEEDED']);
  });

  it('publishes nothing for a request it rejects', async () => {
    const request = decisionRequest('ev-bad');
    request.applicable_policies = ['no_such_policy'];
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: request });
    expect(res.statusCode).toBe(422);
    const rows = await t.services.db.query("SELECT 1 FROM event_outbox WHERE event_key = 'ev-bad'");
    expect(rows).toEqual([]);
  });
});

describe.each(DATABASE_KINDS)('validation events without KAFKA_BROKERS on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ database: kind });
  });
  afterAll(() => t?.close());

  it('keeps every event in the outbox, unpublished', async () => {
    for (const id of ['wait-1', 'wait-2']) {
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: decisionRequest(id) })).statusCode).toBe(200);
    }
    const rows = await t.services.db.query<{ event_key: string; published_at: unknown }>('SELECT event_key, published_at FROM event_outbox ORDER BY id');
    expect(rows).toEqual([{ event_key: 'wait-1', published_at: null }, { event_key: 'wait-2', published_at: null }]);
  });
});
