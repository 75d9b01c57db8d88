import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

/**
 * A real Kafka wire protocol for the event tests: librdkafka's mock cluster, started by Debian's
 * kcat (`apt-get install -y kcat`). Absent locally: the tests are skipped with a loud warning.
 * Absent in CI: a failure, never a silent skip.
 */
export const kcatAvailable = spawnSync('kcat', ['-V'], { stdio: 'ignore' }).status === 0;
if (!kcatAvailable) {
  const message = 'kcat is not installed (apt-get install -y kcat): the Kafka tests are SKIPPED';
  if (process.env.CI) throw new Error(`${message} — not allowed in CI`);
  console.warn(`\n!!!!! ${message} !!!!!\n`);
}

const BOOTSTRAP = /bootstrap\.servers=(127\.0\.0\.1:\d+)/;

/**
 * One mock broker in a kcat process. kcat produces from its stdin, which stays open and empty, so
 * it runs until stop(): killing it is a broker outage, and everything it held is gone with it. A
 * new broker gets a new port; the relay under test must follow it (see KafkaPublisher's BrokerList).
 */
export class MockKafkaBroker {
  private constructor(
    private readonly child: ChildProcess,
    readonly address: string,
  ) {}

  static async start(): Promise<MockKafkaBroker> {
    // -d mock makes librdkafka log the mock cluster's address; the warm-up topic is never written.
    const child = spawn('kcat', ['-X', 'test.mock.num.brokers=1', '-b', '127.0.0.1:9', '-P', '-t', 'warmup', '-d', 'mock'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    const address = await new Promise<string>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => fail(new Error(`kcat printed no mock cluster address within 10 s:\n${log}`)), 10_000);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(error);
      };
      child.once('error', fail);
      child.once('exit', (code) => fail(new Error(`kcat exited (${code}) before its mock cluster was up:\n${log}`)));
      child.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        const match = BOOTSTRAP.exec(log);
        if (!match) return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        // Keep draining its debug log, or kcat blocks on a full pipe.
        child.stderr!.removeAllListeners('data');
        child.stderr!.resume();
        resolve(match[1]);
      });
    });
    return new MockKafkaBroker(child, address);
  }

  /** Kills the broker at once (SIGKILL): an outage, not a shutdown. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}

export interface ReceivedMessage {
  readonly key: string;
  readonly value: string;
  readonly partition: number;
}

/** A kafkajs consumer in its own group, reading the topic from the beginning into `messages`. */
export class TopicReader {
  readonly messages: ReceivedMessage[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(broker: string, topic: string): Promise<TopicReader> {
    const kafka = new Kafka({ clientId: 'pes-test-reader', brokers: [broker], logLevel: logLevel.NOTHING });
    // A short fetch wait: messages show up promptly and stop() does not wait out a long poll.
    const consumer = kafka.consumer({ groupId: `pes-test-${randomBytes(4).toString('hex')}`, allowAutoTopicCreation: true, maxWaitTimeInMs: 100 });
    const reader = new TopicReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        reader.messages.push({ key: String(message.key), value: String(message.value), partition });
      },
    });
    return reader;
  }

  /** Resolves once at least `count` messages have arrived; fails after `timeoutMs` saying how many did. */
  async waitFor(count: number, timeoutMs = 20_000): Promise<ReceivedMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} messages, received ${this.messages.length} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.messages;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
