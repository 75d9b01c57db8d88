import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AdmissionCause } from '../http/admission.js';
import type { PoolRefusalCause, ValidationPool } from '../pool/validation-pool.js';
import type { ValidationSummary } from '../../workers/messages.js';
import type { Queryable } from '../storage/database.js';
import type { MaintenanceTask } from '../storage/pglite.js';
import { EXACT_UP_TO, readOutboxBacklog, type OutboxBacklog } from './outbox-backlog.js';
import { THREAD_ROLES, ThreadCpuMeter } from './threads.js';

/** Seconds; the service's objective is P99 < 100 ms, so the buckets are dense below it. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Seconds; a phase is a part of a validation's time, so the buckets start ten times lower. */
const PHASE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * Where a recorded validation's time went, in ms, the parts adding up to its time in the service
 * (less the answer's writing): reading the body, waiting for a worker and the hops to it and back,
 * the worker's own work, and the wait for the audit commit.
 */
export interface ValidationPhases {
  readonly read: number;
  readonly queue: number;
  readonly worker: number;
  readonly commit: number;
}

export type RefusalCause = AdmissionCause | PoolRefusalCause;
/** Every cause, as a record so that the compiler rejects a cause left out. */
export const REFUSAL_CAUSES = Object.keys({
  in_flight_limit: true, backlog: true, event_loop_lag: true, commit_wait: true, queue_wait: true, queue_full: true,
} satisfies Record<RefusalCause, true>) as RefusalCause[];

/** What the admission control shows: its current limit on validations in flight, how many are, and what one costs the CPU. */
export interface AdmissionState {
  readonly limit: number;
  readonly inFlight: number;
  readonly cpuPerValidationMs: number;
}

export interface MetricSources {
  readonly pool: ValidationPool;
  readonly db: Queryable;
  /** The audit trail's group commit: transactions committed and records they wrote. */
  readonly audit: { readonly commitStats: { readonly commits: number; readonly items: number } };
}

/** "2xx", "4xx", "5xx": the outcome label of the request histogram. */
export function statusClass(statusCode: number): string {
  return `${Math.floor(statusCode / 100)}xx`;
}

/**
 * The service's Prometheus metrics, in a registry of its own (one per app, so tests that run
 * several apps do not mix them). Pool and outbox figures are read when scraped, never sampled.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly requestDuration: Histogram<'method' | 'route' | 'outcome'>;
  private readonly validations: Counter<'outcome'>;
  private readonly violations: Counter<'policy' | 'severity'>;
  private readonly refusals: Counter<'cause'>;
  private readonly bufferScavenges: Counter;
  private readonly checkpoints: Histogram;
  private readonly failedCheckpoints: Counter;
  private readonly vacuums: Histogram<'table'>;
  private readonly failedVacuums: Counter;
  /** One child per phase, looked up once rather than by label on every validation. */
  private readonly phases: Record<keyof ValidationPhases, { observe(seconds: number): void }>;

  constructor({ pool, db, audit }: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requestDuration = new Histogram({
      name: 'pes_http_request_duration_seconds',
      help: 'Time from receiving a request to sending its response, by route template and status class',
      labelNames: ['method', 'route', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.validations = new Counter({
      name: 'pes_validations_total',
      help: 'POST /api/v1/validate answers: compliant, non_compliant (both recorded), rejected (4xx), failed (5xx)',
      labelNames: ['outcome'],
      registers,
    });
    this.violations = new Counter({
      name: 'pes_violations_total',
      help: 'Recorded violations by policy and severity',
      labelNames: ['policy', 'severity'],
      registers,
    });
    const phase = new Histogram({
      name: 'pes_validation_phase_seconds',
      help: 'Where recorded validations spent their time: read (the body), queue (waiting for a worker, and the hops), worker (its own work), commit (waiting for the audit record)',
      labelNames: ['phase'],
      buckets: PHASE_BUCKETS,
      registers,
    });
    this.phases = { read: phase.labels('read'), queue: phase.labels('queue'), worker: phase.labels('worker'), commit: phase.labels('commit') };
    this.refusals = new Counter({
      name: 'pes_overload_refusals_total',
      help:
        '503 PES_OVERLOADED answers by the check that refused: in_flight_limit (validations in flight at the limit set by standing waits, PES_MAX_STANDING_WAIT_MS), ' +
        'backlog (the validations in flight hold more than PES_MAX_BACKLOG_MS of work for all the cores), ' +
        'event_loop_lag (the HTTP thread\'s event loop behind by more than PES_MAX_EVENT_LOOP_LAG_MS), commit_wait (the oldest audit commit waiting longer than PES_MAX_COMMIT_WAIT_MS), ' +
        'queue_wait (the work in flight would keep it waiting past PES_MAX_QUEUE_WAIT_MS), queue_full (PES_MAX_QUEUE tasks queued)',
      labelNames: ['cause'],
      registers,
    });
    // Every cause from zero, so that a rate over the series works before the first refusal.
    for (const cause of REFUSAL_CAUSES) this.refusals.inc({ cause }, 0);
    this.bufferScavenges = new Counter({
      name: 'pes_http_buffer_scavenges_total',
      help: 'Scavenges the HTTP thread ran to free dead request-body Buffers before V8 would start a mark-compact for them (PES_BUFFER_SCAVENGE_MB)',
      registers,
    });
    this.checkpoints = new Histogram({
      name: 'pes_embedded_checkpoint_seconds',
      help: 'Checkpoints of the embedded database (PES_CHECKPOINT_WAL_MB), and how long each held it: audit writes wait meanwhile',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.failedCheckpoints = new Counter({
      name: 'pes_embedded_checkpoint_failures_total',
      help: 'Checkpoints of the embedded database (or the looks at its WAL before them) that failed; its WAL keeps growing until one succeeds',
      registers,
    });
    this.vacuums = new Histogram({
      name: 'pes_embedded_vacuum_seconds',
      help: 'VACUUMs of the embedded database, made before each checkpoint (PES_EMBEDDED_VACUUM_ROWS), by table, and how long each held it: audit writes wait meanwhile',
      labelNames: ['table'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.failedVacuums = new Counter({
      name: 'pes_embedded_vacuum_failures_total',
      help: 'VACUUMs of the embedded database (or the looks for the tables due) that failed; dead rows stay and rows stay unfrozen until one succeeds',
      registers,
    });
    const threadCpu = new ThreadCpuMeter();
    new Counter({
      name: 'pes_thread_cpu_seconds_total',
      help: 'CPU time (user + system) of the process\'s threads by role: http (the HTTP thread), validation (the workers), database (embedded PGlite), other (V8\'s GC and compiler helpers, libuv, threads not yet named); Linux only',
      labelNames: ['role'],
      registers,
      collect() {
        const used = threadCpu.sinceLast();
        if (used) for (const role of THREAD_ROLES) this.inc({ role }, used[role]);
      },
    });
    // Their ratio is the records a commit carried: under load they share commits (group commit).
    const auditCounter = (name: string, help: string, read: (stats: typeof audit.commitStats) => number) => {
      let counted = 0;
      new Counter({
        name, help, registers,
        collect() {
          const total = read(audit.commitStats);
          this.inc(total - counted);
          counted = total;
        },
      });
    };
    auditCounter('pes_audit_commits_total', 'Transactions that committed validation records (with their violations and outbox events)', (stats) => stats.commits);
    auditCounter('pes_audit_records_total', 'Validation records committed; over pes_audit_commits_total, the records a commit carried', (stats) => stats.items);
    new Gauge({
      name: 'pes_pool_queue_depth',
      help: 'Validations waiting for a worker',
      registers,
      collect() {
        this.set(pool.queueSize);
      },
    });
    new Gauge({
      name: 'pes_pool_threads',
      help: 'Worker threads alive',
      registers,
      collect() {
        this.set(pool.threads);
      },
    });
    new Gauge({
      name: 'pes_pool_busy_threads',
      help: 'Worker threads running a validation now',
      registers,
      collect() {
        this.set(pool.running);
      },
    });
    new Gauge({
      name: 'pes_pool_utilization',
      help: 'Share of the pool capacity spent running tasks since start (Piscina utilization, 0..1)',
      registers,
      collect() {
        this.set(pool.utilization);
      },
    });
    // Both outbox gauges come from one read per scrape: prom-client starts every collect() in the
    // same tick, so the second finds the first's read in flight; the next scrape reads afresh.
    let reading: Promise<OutboxBacklog | undefined> | undefined;
    const outbox = () =>
      (reading ??= readOutboxBacklog(db)
        .catch(() => undefined)
        .finally(() => (reading = undefined)));
    new Gauge({
      name: 'pes_outbox_backlog',
      help: `Events recorded but not yet published (beyond ${EXACT_UP_TO.toLocaleString('en-US')}: the id span from the oldest unpublished event to the newest); NaN when the database is unreachable`,
      registers,
      async collect() {
        this.set((await outbox())?.events ?? Number.NaN);
      },
    });
    new Gauge({
      name: 'pes_database_transaction_id_age',
      help:
        'Transactions since the oldest unfrozen row of any database of the cluster (or embedded folder) was written (the largest age of datfrozenxid): near ~2.1 billion a server refuses writes and the embedded database would lose rows. ' +
        'VACUUM keeps it low (a server\'s autovacuum; the embedded database\'s own before checkpoints, and for template0 and template1 the start after they reach 200 million); NaN when the database is unreachable',
      registers,
      async collect() {
        const rows = await db
          // The limit is the cluster's: its oldest database sets it, whichever it is.
          .query<{ age: number }>('SELECT max(age(datfrozenxid))::float8 AS age FROM pg_database')
          .catch(() => []);
        this.set(rows[0]?.age ?? Number.NaN);
      },
    });
    new Gauge({
      name: 'pes_outbox_oldest_unpublished_age_seconds',
      help: 'Seconds since the oldest event still waiting for the broker was recorded (0 when none waits); NaN when the database is unreachable',
      registers,
      async collect() {
        this.set((await outbox())?.oldestAgeSeconds ?? Number.NaN);
      },
    });
  }

  /** Reports the admission control's limit (+Inf while none), validations in flight and CPU time per validation when scraped. */
  watchAdmission(admission: AdmissionState): void {
    const registers = [this.registry];
    new Gauge({
      name: 'pes_admission_limit',
      help: 'Validations the service admits at once, adapted to the median wait (+Inf until a queue first stands, and again once far above what is in flight)',
      registers,
      collect() {
        this.set(admission.limit);
      },
    });
    new Gauge({
      name: 'pes_validations_in_flight',
      help: 'Validations admitted and not yet answered',
      registers,
      collect() {
        this.set(admission.inFlight);
      },
    });
    new Gauge({
      name: 'pes_cpu_seconds_per_validation',
      help: 'CPU time one answered validation has cost lately, all threads (0 until measured): the backlog check multiplies it by the validations in flight',
      registers,
      collect() {
        this.set(admission.cpuPerValidationMs / 1000);
      },
    });
  }

  observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.requestDuration.observe({ method, route, outcome: statusClass(statusCode) }, seconds);
  }

  /** A validation that was recorded, with its violations. */
  observeValidation(response: ValidationSummary): void {
    this.validations.inc({ outcome: response.is_compliant ? 'compliant' : 'non_compliant' });
    for (const violation of response.violations) {
      this.violations.inc({ policy: violation.policy_name, severity: violation.severity });
    }
  }

  /** The phases of a recorded validation, in ms. */
  observeValidationPhases(phases: ValidationPhases): void {
    this.phases.read.observe(phases.read / 1000);
    this.phases.queue.observe(phases.queue / 1000);
    this.phases.worker.observe(phases.worker / 1000);
    this.phases.commit.observe(phases.commit / 1000);
  }

  /** A validation (or headroom request) refused with 503 PES_OVERLOADED, and the check that refused it. */
  observeRefusal(cause: RefusalCause): void {
    this.refusals.inc({ cause });
  }

  observeBufferScavenge(): void {
    this.bufferScavenges.inc();
  }

  /** A checkpoint or VACUUM the embedded database made of its own, and how long it held it. */
  observeMaintenance(task: MaintenanceTask, ms: number, table = ''): void {
    if (task === 'checkpoint') this.checkpoints.observe(ms / 1000);
    else this.vacuums.observe({ table }, ms / 1000);
  }

  observeFailedMaintenance(task: MaintenanceTask): void {
    (task === 'checkpoint' ? this.failedCheckpoints : this.failedVacuums).inc();
  }

  /** A validation answered with an error status instead of a decision. */
  observeUnansweredValidation(statusCode: number): void {
    this.validations.inc({ outcome: statusCode < 500 ? 'rejected' : 'failed' });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
