import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { decisionRequest } from '../support/decisions.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('policy audit trail', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) => t.app.inject({ method, url, payload });
  const history = async (name: string) => (await call('GET', `/api/v1/policies/${name}/history`)).json();

  it('records create, replace, disable, enable, update and delete with who, when, before and after', async () => {
    const created = { policy_name: 'audited', policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.2 } };
    expect((await call('POST', '/api/v1/policies', created)).statusCode).toBe(201);
    expect((await call('PUT', '/api/v1/policies/audited', { policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.15 } })).statusCode).toBe(200);
    expect((await call('PATCH', '/api/v1/policies/audited', { enabled: false })).json()).toEqual({
      policy_name: 'audited', policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.15 }, enforcement_level: 'strict', enabled: false,
    });
    expect((await call('PATCH', '/api/v1/policies/audited', { enabled: true })).statusCode).toBe(200);
    expect((await call('PATCH', '/api/v1/policies/audited', { enforcement_level: 'advisory' })).statusCode).toBe(200);
    expect((await call('DELETE', '/api/v1/policies/audited')).statusCode).toBe(204);

    const res = await call('GET', '/api/v1/policies/audited/history');
    expect(res.statusCode).toBe(200);
    const changes = res.json();
    const v1 = { policy_name: 'audited', policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.2 }, enforcement_level: 'strict', enabled: true };
    const v2 = { ...v1, rules: { max_weight: 0.15 } };
    const v3 = { ...v2, enabled: false };
    const v5 = { ...v2, enforcement_level: 'advisory' };
    expect(changes.map(({ action, actor, before, after }: Record<string, unknown>) => ({ action, actor, before, after }))).toEqual([
      { action: 'delete', actor: 'local', before: v5, after: null },
      { action: 'update', actor: 'local', before: v2, after: v5 },
      { action: 'enable', actor: 'local', before: v3, after: v2 },
      { action: 'disable', actor: 'local', before: v2, after: v3 },
      { action: 'replace', actor: 'local', before: v1, after: v2 },
      { action: 'create', actor: 'local', before: null, after: v1 },
    ]);
    for (const change of changes) expect(change.changed_at).toMatch(ISO);
    const versions = changes.map((c: { policy_set_version: number }) => c.policy_set_version);
    expect(versions).toEqual([...versions].sort((x, y) => y - x));
    expect(new Set(versions).size).toBe(versions.length);
    expect((await call('GET', '/api/v1/policies/audited/history?limit=2')).json()).toEqual(changes.slice(0, 2));
  });

  it('shows the seeded defaults as created by the system', async () => {
    const [seeded] = await history('risk_limits');
    expect(seeded).toMatchObject({ action: 'create', actor: 'system', before: null, after: { policy_name: 'risk_limits', enabled: true } });
  });

  it('writes no entry for a PATCH that changes nothing', async () => {
    const before = await history('sector_limits');
    const res = await call('PATCH', '/api/v1/policies/sector_limits', { enabled: true, enforcement_level: 'strict' });
    expect(res.statusCode).toBe(200);
    expect(await history('sector_limits')).toEqual(before);
  });

  it('applies a disable at once: the policy can no longer be asked for', async () => {
    await call('POST', '/api/v1/policies', { policy_name: 'switchable', policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.5 } });
    const request = decisionRequest('switch-1');
    request.applicable_policies = ['switchable'];
    expect((await call('POST', '/api/v1/validate', request)).statusCode).toBe(200);
    await call('PATCH', '/api/v1/policies/switchable', { enabled: false });
    const refused = await call('POST', '/api/v1/validate', request);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('PES_UNKNOWN_POLICY');
  });

  it('answers 404 for a policy that never existed, and 400 for a bad PATCH', async () => {
    const missing = await call('GET', '/api/v1/policies/never_there/history');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('PES_POLICY_NOT_FOUND');
    expect((await call('PATCH', '/api/v1/policies/never_there', { enabled: false })).json().code).toBe('PES_POLICY_NOT_FOUND');

    const empty = await call('PATCH', '/api/v1/policies/position_limits', {});
    expect(empty.statusCode).toBe(400);
    const wrong = await call('PATCH', '/api/v1/policies/position_limits', { enabled: 'no' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().details.map((d: { path: string }) => d.path)).toContain('/enabled');
    const extra = await call('PATCH', '/api/v1/policies/position_limits', { rules: { max_weight: 1 } });
    expect(extra.statusCode).toBe(400);
    expect((await call('GET', '/api/v1/policies/position_limits/history?limit=0')).statusCode).toBe(400);
  });

  it('keeps the change and its entry together: no entry, no change', async () => {
    await t.services.db.query('ALTER TABLE policy_changes RENAME TO policy_changes_away');
    try {
      const res = await call('PUT', '/api/v1/policies/position_limits', { policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.9 } });
      expect(res.statusCode).toBeGreaterThanOrEqual(500);
    } finally {
      await t.services.db.query('ALTER TABLE policy_changes_away RENAME TO policy_changes');
    }
    expect((await call('GET', '/api/v1/policies/position_limits')).json().rules).toEqual({ max_weight: 0.1 });
  });
});

describe('the audit trail with API keys', () => {
  const ADMIN_KEY = 'officer-key-0123456789abcdef';
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { PES_API_KEYS: `compliance-officer:admin:${ADMIN_KEY}` } });
  });
  afterAll(() => t.close());

  it('names the key that changed a policy or resolved a violation', async () => {
    const headers = { 'x-api-key': ADMIN_KEY };
    const patched = await t.app.inject({ method: 'PATCH', url: '/api/v1/policies/risk_limits', headers, payload: { enforcement_level: 'advisory' } });
    expect(patched.statusCode).toBe(200);
    const changes = (await t.app.inject({ method: 'GET', url: '/api/v1/policies/risk_limits/history', headers })).json();
    expect(changes[0]).toMatchObject({ action: 'update', actor: 'compliance-officer' });

    await t.app.inject({ method: 'POST', url: '/api/v1/validate', headers, payload: decisionRequest('keyed-1') });
    const [violation] = (await t.app.inject({ method: 'GET', url: '/api/v1/violations?decision_id=keyed-1', headers })).json();
    const resolved = await t.app.inject({ method: 'PATCH', url: `/api/v1/violations/${violation.id}`, headers, payload: { resolved: true } });
    expect(resolved.json()).toMatchObject({ resolved: true, resolved_by: 'compliance-officer' });
    expect(resolved.json().resolved_at).toMatch(ISO);
  });
});
