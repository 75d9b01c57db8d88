import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSAL_CAUSES } from '../../src/observability/metrics.js';
import { THREAD_NAMES } from '../../src/observability/threads.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { sample } from '../support/metrics.js';
import { unpublishedCount, waitUntil } from '../support/outbox.js';

const example = JSON.parse(readFileSync(new URL('../fixtures/contract-example.json', import.meta.url), 'utf8'));

let t: TestApp;
beforeAll(async () => {
  // A checkpoint (and the VACUUMs before it) after every MB of WAL, so that their tests write little;
  // an audit commit waits for every validation still in the pool however slow the machine (up to 1 s).
  t = await startTestApp({ env: { PES_CHECKPOINT_WAL_MB: '1', PES_AUDIT_GATHER_MS: '1000' } });
});
afterAll(() => t.close());

const scrape = async () => {
  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return res.body;
};
const unpublished = () => unpublishedCount(t.services.db);

describe('GET /metrics', () => {
  it('says how many transactions old the oldest unfrozen row of the database is', async () => {
    const age = async () => sample(await scrape(), 'pes_database_transaction_id_age')!;
    const before = await age();
    for (let i = 0; i < 30; i++) await t.services.db.query('SELECT txid_current()');
    expect(await age()).toBeGreaterThanOrEqual(before + 30);
  });

  it('counts validations by outcome, violations by policy, and times requests by route and outcome', async () => {
    const compliant = structuredClone(example);
    compliant.decision.trades[0].quantity = 10;
    await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: example });
    await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: example });
    await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: compliant });
    await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: { decision: {} } });
    await t.app.inject({ method: 'GET', url: '/no/such/route' });
    const text = await scrape();

    expect(sample(text, 'pes_validations_total', { outcome: 'non_compliant' })).toBe(2);
    expect(sample(text, 'pes_validations_total', { outcome: 'compliant' })).toBe(1);
    expect(sample(text, 'pes_validations_total', { outcome: 'rejected' })).toBe(1);
    expect(sample(text, 'pes_violations_total', { policy: 'position_limits', severity: 'HIGH' })).toBe(2);
    const validate = { method: 'POST', route: '/api/v1/validate' };
    expect(sample(text, 'pes_http_request_duration_seconds_count', { ...validate, outcome: '2xx' })).toBe(3);
    expect(sample(text, 'pes_http_request_duration_seconds_count', { ...validate, outcome: '4xx' })).toBe(1);
    expect(sample(text, 'pes_http_request_duration_seconds_bucket', { ...validate, outcome: '2xx', le: '+Inf' })).toBe(3);
    expect(sample(text, 'pes_http_request_duration_seconds_sum', { ...validate, outcome: '2xx' })).toBeGreaterThan(0);
    // Where the recorded validations' time went: every phase once per recorded validation, none for the rejected one.
    for (const phase of ['read', 'queue', 'worker', 'commit']) {
      expect(sample(text, 'pes_validation_phase_seconds_count', { phase })).toBe(3);
    }
    expect(sample(text, 'pes_validation_phase_seconds_sum', { phase: 'worker' })).toBeGreaterThan(0);
    expect(sample(text, 'pes_validation_phase_seconds_sum', { phase: 'commit' })).toBeGreaterThan(0);
    const phases = ['read', 'queue', 'worker', 'commit'].reduce((sum, phase) => sum + sample(text, 'pes_validation_phase_seconds_sum', { phase })!, 0);
    expect(phases).toBeLessThanOrEqual(sample(text, 'pes_http_request_duration_seconds_sum', { ...validate, outcome: '2xx' })!);
    // Unknown URLs share one label value, so scanners cannot blow up the series count.
    expect(sample(text, 'pes_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', outcome: '4xx' })).toBe(1);
  });

  it('reports the pool: threads, queue depth, busy threads and utilisation', async () => {
    const text = await scrape();
    expect(sample(text, 'pes_pool_threads')).toBe(2);
    expect(sample(text, 'pes_pool_queue_depth')).toBe(0);
    expect(sample(text, 'pes_pool_busy_threads')).toBe(0);
    // No queue has stood yet: no limit on validations in flight, and none is in flight now.
    expect(sample(text, 'pes_admission_limit')).toBe(Number.POSITIVE_INFINITY);
    // Every refusal cause is there from the start, at zero (nothing was refused).
    for (const cause of REFUSAL_CAUSES) expect(sample(text, 'pes_overload_refusals_total', { cause })).toBe(0);
    expect(sample(text, 'pes_validations_in_flight')).toBe(0);
    // Its admission checks are off (NO_SHEDDING), so it never samples what a validation costs.
    expect(sample(text, 'pes_cpu_seconds_per_validation')).toBe(0);
    const utilization = sample(text, 'pes_pool_utilization')!;
    expect(utilization).toBeGreaterThanOrEqual(0);
    expect(utilization).toBeLessThanOrEqual(1);
  });

  it.skipIf(process.platform !== 'linux')('gives the CPU time of the service\'s threads by role, and the threads name themselves for top -H and ps -L', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: example })).statusCode).toBe(200);
    const text = await scrape();
    for (const role of ['http', 'validation', 'database']) {
      expect(sample(text, 'pes_thread_cpu_seconds_total', { role })).toBeGreaterThan(0);
    }
    expect(sample(text, 'pes_thread_cpu_seconds_total', { role: 'other' })).toBeGreaterThanOrEqual(0);
    const threadNames = () => readdirSync('/proc/self/task').flatMap((tid) => {
      try {
        return [readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trimEnd()];
      } catch {
        return []; // the thread ended meanwhile
      }
    });
    // Every pool thread names itself as it starts; the second may still be starting.
    await waitUntil(() => threadNames().filter((name) => name === THREAD_NAMES.validation).length === sample(text, 'pes_pool_threads'), 'both validation threads named');
    expect(threadNames()).toContain(THREAD_NAMES.database);
  });

  it('counts the scavenges that free dead request-body Buffers on the HTTP thread', async () => {
    const before = sample(await scrape(), 'pes_http_buffer_scavenges_total')!;
    expect(before).toBeGreaterThanOrEqual(0);
    // 1 MB bodies (rejected: no portfolio) whose Buffers are dead once each is answered.
    const body = JSON.stringify({ decision: {}, padding: 'x'.repeat(1024 * 1024) });
    for (let i = 0; i < 6; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/validate', headers: { 'content-type': 'application/json' }, payload: body });
      expect(res.statusCode).toBe(400);
    }
    expect(sample(await scrape(), 'pes_http_buffer_scavenges_total')).toBeGreaterThan(before);
  });

  it('counts the audit commits and the records they carried: validations finishing while others are in the pool share a commit', async () => {
    const audit = async () => {
      const text = await scrape();
      return { commits: sample(text, 'pes_audit_commits_total')!, records: sample(text, 'pes_audit_records_total')! };
    };
    const before = await audit();
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: example })).statusCode).toBe(200);
    const alone = await audit();
    expect(alone).toEqual({ commits: before.commits + 1, records: before.records + 1 });
    const answers = await Promise.all(Array.from({ length: 24 }, () => t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: example })));
    expect(answers.map((res) => res.statusCode)).toEqual(answers.map(() => 200));
    const together = await audit();
    expect(together.records).toBe(alone.records + 24);
    // The first record may go before the others reach the pool; the rest wait for the pool to empty.
    expect(together.commits - alone.commits).toBeLessThanOrEqual(3);
  });

  it('counts the outbox backlog when scraped', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: example });
    const backlog = await unpublished();
    expect(backlog).toBeGreaterThan(0);
    expect(sample(await scrape(), 'pes_outbox_backlog')).toBe(backlog);
    await t.services.db.query('UPDATE event_outbox SET published_at = now()');
    expect(sample(await scrape(), 'pes_outbox_backlog')).toBe(0);
    await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: example });
    expect(sample(await scrape(), 'pes_outbox_backlog')).toBe(1);
  });

  it('ages the oldest event still waiting for the broker', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: example });
    await t.services.db.query("UPDATE event_outbox SET created_at = now() - interval '1 hour' WHERE published_at IS NULL");
    const age = sample(await scrape(), 'pes_outbox_oldest_unpublished_age_seconds')!;
    expect(age).toBeGreaterThanOrEqual(3_600);
    expect(age).toBeLessThan(3_660);
    await t.services.db.query('UPDATE event_outbox SET published_at = now()');
    expect(sample(await scrape(), 'pes_outbox_oldest_unpublished_age_seconds')).toBe(0);
  });

  it('times the checkpoints of the embedded database', async () => {
    const checkpoints = async () => sample(await scrape(), 'pes_embedded_checkpoint_seconds_count') ?? 0;
    const before = await checkpoints();
    await t.services.db.exec('CREATE TABLE filler (v text); ALTER TABLE filler ALTER v SET STORAGE PLAIN');
    await t.services.db.query("INSERT INTO filler SELECT repeat('x', 2000) FROM generate_series(1, 1500)");
    await waitUntil(async () => (await checkpoints()) > before, 'a checkpoint in /metrics', 10_000);
    expect(sample(await scrape(), 'pes_embedded_checkpoint_failures_total')).toBe(0);
  });

  it('times the VACUUMs of the embedded database, by table', async () => {
    await t.services.db.exec('CREATE TABLE vacuum_filler (v text); ALTER TABLE vacuum_filler ALTER v SET STORAGE PLAIN');
    await t.services.db.query("INSERT INTO vacuum_filler SELECT repeat('x', 2000) FROM generate_series(1, 1500)");
    const vacuums = async () => sample(await scrape(), 'pes_embedded_vacuum_seconds_count', { table: 'public.vacuum_filler' }) ?? 0;
    await waitUntil(async () => (await vacuums()) > 0, 'a VACUUM of vacuum_filler in /metrics', 10_000);
    expect(sample(await scrape(), 'pes_embedded_vacuum_failures_total')).toBe(0);
  });

  it('includes the Node.js process metrics', async () => {
    const text = await scrape();
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });
});
