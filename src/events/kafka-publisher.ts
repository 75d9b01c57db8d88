import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';

/** One outbox row as a Kafka message. */
export interface OutboxMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: string;
}

/** What the outbox relay needs of a broker: publish a batch (all or an error), and start afresh. */
export interface EventPublisher {
  /** Resolves once every message is acknowledged by the broker; rejects if any is not. */
  publish(messages: readonly OutboxMessage[]): Promise<void>;
  /** Drops the connection; the next publish reconnects (after a broker outage or restart). */
  reset(): Promise<void>;
}

/** The broker addresses, or a function giving the current ones (read again on every reconnect). */
export type BrokerList = readonly string[] | (() => readonly string[] | Promise<readonly string[]>);

/**
 * kafkajs producer with acks from all in-sync replicas. Its own retries are short: the relay
 * owns the retry policy (backoff while the broker is away), and a round must fail fast rather
 * than hold the outbox lock for kafkajs's default half a minute and more.
 */
export class KafkaPublisher implements EventPublisher {
  private producer?: Producer;

  constructor(
    private readonly brokers: BrokerList,
    private readonly clientId = 'policy-enforcement-service',
  ) {}

  async publish(messages: readonly OutboxMessage[]): Promise<void> {
    const producer = await this.connected();
    await producer.sendBatch({ acks: -1, topicMessages: byTopic(messages) });
  }

  async reset(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => {});
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    const brokers = typeof this.brokers === 'function' ? await this.brokers() : this.brokers;
    const kafka = new Kafka({
      clientId: this.clientId,
      brokers: [...brokers],
      logLevel: logLevel.NOTHING,
      // At most ~15 s per round against a black-holed broker: inside a shutdown's grace period.
      connectionTimeout: 2_000,
      requestTimeout: 5_000,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    const producer = kafka.producer({ allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner });
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => {});
      throw error;
    }
    this.producer = producer;
    return producer;
  }
}

function byTopic(messages: readonly OutboxMessage[]): Array<{ topic: string; messages: Array<{ key: string; value: string }> }> {
  const topics = new Map<string, Array<{ key: string; value: string }>>();
  for (const { topic, key, value } of messages) {
    let list = topics.get(topic);
    if (!list) topics.set(topic, (list = []));
    list.push({ key, value });
  }
  return [...topics].map(([topic, list]) => ({ topic, messages: list }));
}
