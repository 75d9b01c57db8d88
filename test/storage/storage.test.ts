import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/storage/migrate.js';
import { PolicyRepository } from '../../src/storage/policy-repository.js';
import { prepareRecord } from '../../src/storage/audit-record.js';
import { ValidationRepository, violationListQuery } from '../../src/storage/validation-repository.js';
import type { Database } from '../../src/storage/database.js';
import type { ValidationResponse } from '../../src/schemas/validation.js';
import { DATABASE_KINDS, openTestDatabase } from '../support/databases.js';

const response: ValidationResponse = {
  decision_id: 'd-1',
  is_compliant: false,
  violations: [
    {
      policy_name: 'position_limits', violation_type: 'MAX_WEIGHT_EXCEEDED', severity: 'HIGH',
      description: 'AAPL would be 12.40% of NAV; limit 10.00%', subject: 'AAPL', observed: 0.124, limit: 0.1,
      pre_trade: 0.08, enforcement_level: 'strict',
    },
    { policy_name: 'risk_limits', violation_type: 'MISSING_DATA', severity: 'HIGH', description: 'beta is missing', subject: 'beta', enforcement_level: 'advisory' },
  ],
  compliance_score: 0.25,
  recommendations: [],
  policies_checked: ['position_limits', 'risk_limits'],
};

// The same storage tests on embedded PGlite and on the real PostgreSQL server.
describe.each(DATABASE_KINDS)('storage on %s', (kind) => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDatabase(kind));
  });
  afterAll(() => dispose());

  it('creates the seed tables with the seed columns and defaults', async () => {
    const columns = await db.query<{ table_name: string; column_name: string; column_default: string | null; is_nullable: string }>(
      `SELECT table_name, column_name, column_default, is_nullable FROM information_schema.columns
       WHERE table_name IN ('portfolio_policies', 'policy_violations') ORDER BY table_name, ordinal_position`,
    );
    const of = (table: string, column: string) => columns.find((c) => c.table_name === table && c.column_name === column);
    expect(of('portfolio_policies', 'id')?.column_default).toBe('gen_random_uuid()');
    expect(of('portfolio_policies', 'enforcement_level')?.column_default).toContain("'strict'");
    expect(of('portfolio_policies', 'enabled')?.column_default).toBe('true');
    expect(of('portfolio_policies', 'created_at')?.column_default).toBe('now()');
    expect(of('portfolio_policies', 'policy_rules')?.is_nullable).toBe('NO');
    expect(of('policy_violations', 'resolved')?.column_default).toBe('false');
    expect(of('policy_violations', 'decision_id')?.is_nullable).toBe('NO');
    for (const c of ['id', 'decision_id', 'policy_name', 'violation_type', 'severity', 'description', 'resolved', 'created_at']) {
      expect(of('policy_violations', c), c).toBeDefined();
    }
  });

  it('applies each migration once, however often it runs', async () => {
    expect(await migrate(db)).toEqual([]);
    const rows = await db.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
    expect(Number(rows[0].n)).toBeGreaterThanOrEqual(1);
  });

  it('seeds the default policies once, and bumps the version on every change', async () => {
    const policies = new PolicyRepository(db);
    expect(await policies.seedDefaults()).toBe(true);
    expect(await policies.seedDefaults()).toBe(false);
    const seeded = await policies.snapshot();
    expect(seeded.policies.map((p) => p.policy_name)).toEqual(['position_limits', 'risk_limits', 'sector_limits']);
    expect(seeded.policies[0]).toEqual({ policy_name: 'position_limits', policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.1 }, enforcement_level: 'strict', enabled: true });

    const v1 = await policies.create({ policy_name: 'tmp', policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.2 }, enforcement_level: 'advisory', enabled: true });
    expect(v1).toBe(seeded.version + 1);
    await expect(policies.create({ policy_name: 'tmp', policy_type: 'POSITION_LIMIT', rules: {}, enforcement_level: 'strict', enabled: true })).rejects.toMatchObject({ code: 'PES_POLICY_EXISTS' });
    const v2 = await policies.replace({ policy_name: 'tmp', policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.3 }, enforcement_level: 'strict', enabled: false });
    expect(v2).toBe(v1 + 1);
    expect(await policies.get('tmp')).toEqual({ policy_name: 'tmp', policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.3 }, enforcement_level: 'strict', enabled: false });
    expect(await policies.remove('tmp')).toBe(v2 + 1);
    await expect(policies.remove('tmp')).rejects.toMatchObject({ code: 'PES_POLICY_NOT_FOUND' });
    expect(await policies.version()).toBe(v2 + 1);
  });

  it('records a validation, its violations and its outbox event in one transaction', async () => {
    const validations = new ValidationRepository(db, 'policy.validation.completed');
    const id = await validations.record({ response, portfolioId: 'fund-a', decisionJson: '{"decision_id":"d-1","trades":[]}', policySetVersion: 4 });
    const [validation] = await db.query<Record<string, unknown>>('SELECT * FROM validations WHERE id = $1', [id]);
    expect(validation).toMatchObject({ decision_id: 'd-1', portfolio_id: 'fund-a', is_compliant: false, compliance_score: 0.25, policies_checked: ['position_limits', 'risk_limits'] });
    expect(Number(validation.policy_set_version)).toBe(4);

    const listed = await validations.listViolations({ decision_id: 'd-1' });
    expect(listed.map((v) => [v.policy_name, v.violation_type, v.subject, v.observed, v.limit, v.pre_trade, v.enforcement_level])).toEqual(
      expect.arrayContaining([
        ['position_limits', 'MAX_WEIGHT_EXCEEDED', 'AAPL', 0.124, 0.1, 0.08, 'strict'],
        ['risk_limits', 'MISSING_DATA', 'beta', null, null, null, 'advisory'],
      ]),
    );
    const [event] = await db.query<{ event_key: string; topic: string; payload: Record<string, unknown>; published_at: unknown }>('SELECT * FROM event_outbox WHERE event_key = $1', ['d-1']);
    expect(event.topic).toBe('policy.validation.completed');
    expect(event.published_at).toBeNull();
    expect(event.payload.policy_validation).toEqual({
      decision_id: 'd-1', is_compliant: false, compliance_score: 0.25,
      violations: ['position_limits:MAX_WEIGHT_EXCEEDED', 'risk_limits:MISSING_DATA'], policies_checked: ['position_limits', 'risk_limits'],
    });
    expect(event.payload.event_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps the time-ordered ids it is given: the validation, each violation and the event carry the record time', async () => {
    const validations = new ValidationRepository(db, 'policy.validation.completed');
    const record = (decisionId: string, at: Date) =>
      validations.recordPrepared(
        prepareRecord({ response: { ...response, decision_id: decisionId }, portfolioId: null, decisionJson: `{"decision_id":"${decisionId}","trades":[]}`, policySetVersion: 1 }, undefined, at),
      );
    const times = [Date.UTC(2026, 0, 1, 9, 0, 0, 1), Date.UTC(2026, 0, 1, 9, 0, 0, 2)];
    const ids = [await record('ordered-2', new Date(times[1])), await record('ordered-1', new Date(times[0]))];
    const timeOf = (id: string) => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    for (const [k, decisionId] of ['ordered-2', 'ordered-1'].entries()) {
      const stored = await db.query<{ id: string; violation_id: string; event_id: string }>(
        `SELECT v.id, p.id AS violation_id, e.event_id FROM validations v JOIN policy_violations p ON p.validation_id = v.id
         JOIN event_outbox e ON e.event_key = v.decision_id WHERE v.decision_id = $1`,
        [decisionId],
      );
      expect(stored).toHaveLength(2);
      for (const row of stored) {
        expect(row.id).toBe(ids[k]);
        for (const id of [row.id, row.violation_id, row.event_id]) {
          expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
          expect(timeOf(id)).toBe(times[1 - k]);
        }
      }
    }
    // PostgreSQL orders uuids by their bytes: the earlier record's id first, whatever order they came in.
    const ordered = await db.query<{ decision_id: string }>("SELECT decision_id FROM validations WHERE decision_id LIKE 'ordered-%' ORDER BY id");
    expect(ordered.map((r) => r.decision_id)).toEqual(['ordered-1', 'ordered-2']);
  });

  it('still records the violations of a batch that gives them no id (an earlier release writing during an upgrade)', async () => {
    const id = '0190a000-0000-4000-8000-000000000001';
    const batch = {
      topic: 't',
      validations: [{ id, decision_id: 'no-violation-ids', portfolio_id: null, is_compliant: false, compliance_score: 0.25, policies_checked: ['position_limits'], policy_set_version: 1, decision: {}, response: {} }],
      violations: [{ ...response.violations[0], validation_id: id, decision_id: 'no-violation-ids' }],
      events: [{ event_id: '0190a000-0000-4000-8000-000000000002', event_key: 'no-violation-ids', payload: {} }],
    };
    await db.run('SELECT pes_record_validation_batch($1::jsonb)', [JSON.stringify(batch)]);
    const [violation] = await db.query<{ id: string; policy_name: string }>('SELECT id, policy_name FROM policy_violations WHERE validation_id = $1', [id]);
    expect(violation.policy_name).toBe('position_limits');
    expect(violation.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('stores every number and text of a batch exactly as given', async () => {
    // Doubles whose decimal forms are long or tiny, texts that need JSON escapes, a null portfolio.
    const awkward = [0.1 + 0.2, 1 / 3, 5e-324, 1.7976931348623157e308, -123456789.12345679, 2 ** 53 + 2];
    const validations = new ValidationRepository(db, 'policy.validation.completed', { maxBatch: 64, maxInFlight: 1 });
    const inputs = awkward.map((x, i) => ({
      response: {
        ...response,
        decision_id: `exact-${i}`,
        compliance_score: Math.abs(x) / (1 + Math.abs(x)),
        violations: [{ ...response.violations[0], observed: x, limit: -x, pre_trade: x / 7, description: `quote " backslash \\ tab \t é ${i}` }],
      },
      portfolioId: i % 2 ? null : `fund "${i}"`,
      decisionJson: JSON.stringify({ decision_id: `exact-${i}`, trades: [{ symbol: 'A"B', side: 'BUY', quantity: x, price: 1 }] }),
      policySetVersion: 2 ** 40 + i,
    }));
    const ids = await Promise.all(inputs.map((input) => validations.record(input)));
    for (const [i, input] of inputs.entries()) {
      const [row] = await db.query<Record<string, unknown>>('SELECT * FROM validations WHERE id = $1', [ids[i]]);
      expect(row).toMatchObject({ portfolio_id: input.portfolioId, compliance_score: input.response.compliance_score, response: input.response, decision: JSON.parse(input.decisionJson) });
      expect(Number(row.policy_set_version)).toBe(input.policySetVersion);
      const [violation] = await validations.listViolations({ decision_id: `exact-${i}` });
      expect([violation.observed, violation.limit, violation.pre_trade, violation.description]).toEqual([
        input.response.violations[0].observed, input.response.violations[0].limit, input.response.violations[0].pre_trade, input.response.violations[0].description,
      ]);
    }
  });

  it('filters and resolves violations, keeping who and when', async () => {
    const validations = new ValidationRepository(db, 'policy.validation.completed');
    const [missing] = await validations.listViolations({ decision_id: 'd-1', policy_name: 'risk_limits', resolved: false });
    expect(missing.violation_type).toBe('MISSING_DATA');
    const resolved = await validations.resolveViolation(missing.id, 'officer-1');
    expect(resolved).toMatchObject({ id: missing.id, resolved: true, resolved_by: 'officer-1' });
    expect(resolved?.resolved_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await validations.listViolations({ decision_id: 'd-1', resolved: false })).toHaveLength(1);
    expect(await validations.listViolations({ decision_id: 'd-1', resolved: true })).toHaveLength(1);
    expect(await validations.resolveViolation('00000000-0000-0000-0000-000000000000', 'x')).toBeUndefined();
  });

  it('lists violations newest first from an index, not by sorting the whole table', async () => {
    await db.query(
      `INSERT INTO policy_violations (decision_id, policy_name, violation_type, severity, description, created_at)
       SELECT 'bulk-' || g, 'p' || (g % 7), 'MAX_WEIGHT_EXCEEDED', (ARRAY['LOW','MEDIUM','HIGH','CRITICAL'])[1 + g % 4], 'bulk',
              now() - interval '1 day' + make_interval(secs => g) FROM generate_series(1, 20000) g`,
    );
    await db.query('ANALYZE policy_violations');
    try {
      for (const query of [{}, { severity: 'HIGH' as const }, { resolved: false }]) {
        const { sql, params } = violationListQuery(query);
        const [row] = await db.query<Record<string, unknown>>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
        const plan = JSON.stringify(Object.values(row)[0]);
        expect(plan, JSON.stringify(query)).toContain('"Index Name":"policy_violations_newest_first"');
        expect(plan, JSON.stringify(query)).not.toContain('Seq Scan');
      }
      // None of them resolved: through 007's index that would read all 20,000 (migrations/009).
      const resolved = violationListQuery({ resolved: true });
      const [row] = await db.query<Record<string, unknown>>(`EXPLAIN (FORMAT JSON) ${resolved.sql}`, resolved.params);
      expect(JSON.stringify(Object.values(row)[0])).toContain('"Index Name":"policy_violations_resolved_newest_first"');
      const newest = await new ValidationRepository(db, 'policy.validation.completed').listViolations({ limit: 3 });
      const times = newest.map((v) => Date.parse(v.created_at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
    } finally {
      await db.query("DELETE FROM policy_violations WHERE decision_id LIKE 'bulk-%'");
    }
  });

  it('rolls a failed transaction back whole', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO portfolio_policies (policy_name, policy_type, policy_rules) VALUES ('ghost', 'POSITION_LIMIT', '{}')");
        await tx.query('SELECT no_such_column FROM portfolio_policies');
      }),
    ).rejects.toThrow();
    expect(await db.query("SELECT 1 FROM portfolio_policies WHERE policy_name = 'ghost'")).toEqual([]);
  });
});
