import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { ValidationCompletedEvent } from '../schemas/events.js';
import type { Database, Queryable } from '../storage/database.js';
import type { ValidationRepository } from '../storage/validation-repository.js';
import { KafkaPublisher, type EventPublisher } from './kafka-publisher.js';
import { encodeEvent } from './validation-completed-event.js';

/** Marks the rows of a round published, once the broker has acknowledged all of them. */
const MARK_PUBLISHED = 'UPDATE event_outbox SET published_at = now() WHERE id = ANY($1::bigint[])';

/** Any fixed number: the transaction-scoped advisory lock of the one relay publishing right now. */
const RELAY_LOCK = 7_301_995;
/** How soon to try again when another replica's relay holds the lock. */
const BUSY_RETRY_MS = 100;
/** Published rows deleted per statement: short enough not to hold PGlite's one connection long. */
const PRUNE_BATCH = 5_000;

export interface OutboxRelayOptions {
  readonly db: Database;
  readonly publisher: EventPublisher;
  /** Rows published per round (one broker request, one UPDATE). */
  readonly batchSize?: number;
  /** Longest wait between rounds when nothing wakes the relay (a write in another replica). */
  readonly pollMs?: number;
  /**
   * Least time between the starts of two rounds (ms): a commit that wakes the relay sooner waits
   * out the rest, so under load one round (a SELECT, a broker request, an UPDATE) carries the
   * events of many commits rather than one. 0 = a round per wake.
   */
  readonly lingerMs?: number;
  /** Retry delay after the n-th failure in a row: min(max, min · 2^(n−1)), jittered to 50–100 %. */
  readonly backoffMinMs?: number;
  readonly backoffMaxMs?: number;
  /** Published rows older than this are deleted (ms); absent = kept. */
  readonly retentionMs?: number;
  /** How often an idle relay looks for rows past retention (ms). */
  readonly pruneEveryMs?: number;
  readonly log?: Pick<FastifyBaseLogger, 'info' | 'warn'>;
}

interface OutboxRow {
  id: string;
  topic: string;
  event_key: string;
  payload: ValidationCompletedEvent;
}

/**
 * Publishes outbox rows to the broker, oldest first, and marks them published. On PostgreSQL the
 * round runs in one transaction holding an advisory lock, so across replicas exactly one relay
 * publishes at a time; a relay that dies mid-batch rolls back and its rows go out again
 * (at-least-once: consumers dedupe by event_id). While the broker is away it retries with
 * backoff; validations never wait for it, they only add rows.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly lingerMs: number;
  private running = false;
  private loop?: Promise<void>;
  private woken = false;
  private endSleep?: () => void;
  private endWakeableSleep?: () => void;
  private failuresInARow = 0;
  private publishedCount = 0;
  private failureCount = 0;
  private prunedCount = 0;
  private nextPruneAt = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollMs = options.pollMs ?? 1_000;
    this.lingerMs = options.lingerMs ?? 0;
  }

  /** Events published, failed rounds, and published rows deleted past retention, since start. */
  get stats(): { published: number; failures: number; pruned: number } {
    return { published: this.publishedCount, failures: this.failureCount, pruned: this.prunedCount };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** New rows were committed: publish now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.endWakeableSleep?.();
  }

  /** Finishes the round in progress, then stops; unpublished rows wait for the next start. */
  async stop(): Promise<void> {
    this.running = false;
    this.endSleep?.();
    await this.loop;
    await this.options.publisher.reset();
  }

  private async run(): Promise<void> {
    let roundStarted = Number.NEGATIVE_INFINITY;
    while (this.running) {
      const linger = roundStarted + this.lingerMs - performance.now();
      if (linger > 0) await this.sleep(linger, false);
      if (!this.running) break;
      roundStarted = performance.now();
      this.woken = false;
      let outcome: number | 'busy';
      try {
        outcome = await this.publishRound();
      } catch (error) {
        this.failuresInARow++;
        this.failureCount++;
        const delay = this.backoffMs();
        this.options.log?.warn({ err: error, attempt: this.failuresInARow, retry_in_ms: Math.round(delay) }, 'outbox relay: publishing failed; events wait in the outbox');
        await this.options.publisher.reset();
        await this.sleep(delay, false);
        continue;
      }
      if (this.failuresInARow > 0) this.options.log?.info({ failed_attempts: this.failuresInARow }, 'outbox relay: publishing again');
      this.failuresInARow = 0;
      if (outcome === 'busy') await this.sleep(BUSY_RETRY_MS, false);
      else {
        this.publishedCount += outcome;
        // A full batch leaves rows waiting already: waiting out the linger would batch nothing.
        if (outcome === this.batchSize) roundStarted = Number.NEGATIVE_INFINITY;
        else {
          await this.pruneIfDue();
          await this.sleep(this.pollMs, true);
        }
      }
    }
  }

  /** One round: the rows published, or 'busy' when another replica's relay is publishing. */
  private async publishRound(): Promise<number | 'busy'> {
    const { db } = this.options;
    // PGlite is one process on one connection: a transaction held across the broker round trip
    // would stall every validation write, and there is no other relay to exclude. Its mark is one
    // protocol call of a prepared statement (Database.run) rather than query()'s six: the mark of
    // a round of one event took 473–506 against 568–803 µs of the database thread, of a round of
    // ten 43–53 against 65–93 µs per event (three runs each).
    if (db.kind === 'pglite') return this.publishRows(db, (ids) => db.run(MARK_PUBLISHED, [`{${ids.join(',')}}`]));
    return db.transaction(async (tx) => {
      const [{ locked }] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [RELAY_LOCK]);
      if (!locked) return 'busy';
      return this.publishRows(tx, async (ids) => {
        await tx.query(MARK_PUBLISHED, [ids]);
      });
    });
  }

  private async publishRows(db: Queryable, markPublished: (ids: string[]) => Promise<void>): Promise<number> {
    const rows = await db.query<OutboxRow>(
      'SELECT id, topic, event_key, payload FROM event_outbox WHERE published_at IS NULL ORDER BY id LIMIT $1',
      [this.batchSize],
    );
    if (rows.length === 0) return 0;
    await this.options.publisher.publish(rows.map((row) => ({ topic: row.topic, key: row.event_key, value: encodeEvent(row.payload) })));
    await markPublished(rows.map((row) => row.id));
    return rows.length;
  }

  /**
   * Deletes one batch of rows published longer ago than the retention, when due: every
   * pruneEveryMs, or at once after a full batch (a backlog shrinks by 5,000 rows per idle round).
   * Only an idle relay prunes, so publishing never waits behind it; a failure is logged and retried
   * at the next due time, never counted against the broker.
   */
  private async pruneIfDue(): Promise<void> {
    const { retentionMs } = this.options;
    if (retentionMs === undefined || Date.now() < this.nextPruneAt) return;
    this.nextPruneAt = Date.now() + (this.options.pruneEveryMs ?? 60_000);
    try {
      // = ANY(ARRAY(…)), not IN (…): PostgreSQL joined IN's ids by scanning the whole outbox
      // (200,000 rows: 47 ms a batch) where the array goes through the primary key (10 ms).
      const [{ n }] = await this.options.db.query<{ n: string | number }>(
        `WITH gone AS (
           DELETE FROM event_outbox WHERE id = ANY(ARRAY(
             SELECT id FROM event_outbox WHERE published_at < now() - make_interval(secs => $1::double precision)
             ORDER BY published_at LIMIT $2))
           RETURNING 1)
         SELECT count(*) AS n FROM gone`,
        [retentionMs / 1000, PRUNE_BATCH],
      );
      const deleted = Number(n);
      this.prunedCount += deleted;
      if (deleted === PRUNE_BATCH) this.nextPruneAt = 0;
    } catch (error) {
      this.options.log?.warn({ err: error }, 'outbox relay: deleting published events past retention failed; retrying later');
    }
  }

  private backoffMs(): number {
    const min = this.options.backoffMinMs ?? 200;
    const max = this.options.backoffMaxMs ?? 10_000;
    const delay = Math.min(max, min * 2 ** (this.failuresInARow - 1));
    // Jitter, so replicas that lost the broker together do not retry in step.
    return delay * (0.5 + Math.random() / 2);
  }

  /** Waits `ms`; stop() always ends the wait, wake() only when `wakeable` (never during backoff). */
  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (!this.running || (wakeable && this.woken)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.endSleep = this.endWakeableSleep = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.endSleep = done;
      if (wakeable) this.endWakeableSleep = done;
    });
  }
}

/** The service's relay when KAFKA_BROKERS is set, woken by every commit; without brokers, none. */
export function startOutboxRelay(
  config: Pick<Config, 'kafkaBrokers' | 'outboxRetentionHours' | 'outboxLingerMs'>,
  db: Database,
  validations: ValidationRepository,
  log: Pick<FastifyBaseLogger, 'info' | 'warn'>,
): OutboxRelay | undefined {
  if (config.kafkaBrokers.length === 0) {
    log.info('no KAFKA_BROKERS: validation events wait in the outbox');
    return undefined;
  }
  const relay = new OutboxRelay({
    db, publisher: new KafkaPublisher(config.kafkaBrokers), retentionMs: config.outboxRetentionHours * 3_600_000, lingerMs: config.outboxLingerMs, log,
  });
  validations.onCommitted(() => relay.wake());
  relay.start();
  return relay;
}
