import { readFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

const example = JSON.parse(readFileSync(new URL('../fixtures/contract-example.json', import.meta.url), 'utf8'));
// The response CONTRACT.md section 2 gives for that request, copied from the contract.
const exampleResponse = JSON.parse(readFileSync(new URL('../fixtures/contract-example-response.json', import.meta.url), 'utf8'));
const clone = () => structuredClone(example);

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const validate = (payload: unknown) => t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: payload as object });

describe('POST /api/v1/validate', () => {
  it('answers the contract example with the contract response, adjustment included', async () => {
    const res = await validate(example);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(exampleResponse);
  });

  it('runs the validation in a worker thread, not on the HTTP thread', async () => {
    const res = await validate(example);
    const worker = Number(res.headers['x-pes-worker']);
    expect(Number.isInteger(worker)).toBe(true);
    expect(worker).not.toBe(threadId);
    expect(worker).toBeGreaterThan(0);
  });

  it('says where the time went in Server-Timing: reading the body, the pool (the work in the worker within it), the audit commit', async () => {
    const res = await validate(example);
    const header = String(res.headers['server-timing']);
    expect(header).toMatch(/^read;dur=\d+\.\d\d, pool;dur=\d+\.\d\d, worker;dur=\d+\.\d\d, commit;dur=\d+\.\d\d$/);
    const ms = Object.fromEntries(header.split(', ').map((part) => [part.split(';')[0], Number(part.split('=')[1])]));
    expect(ms.worker).toBeGreaterThan(0);
    // The worker's own time is part of the pool's (its queue and the hops besides); a commit takes time.
    expect(ms.worker).toBeLessThanOrEqual(ms.pool);
    expect(ms.commit).toBeGreaterThan(0);
  });

  it('approves a compliant decision and scores it by its closest check', async () => {
    const request = clone();
    request.decision.trades[0].quantity = 100; // AAPL 180,000 / 2,000,000 = 9 % → u = 0.9 of 10 %
    const res = await validate(request);
    expect(res.json()).toEqual({
      decision_id: 'decision_001',
      is_compliant: true,
      violations: [],
      compliance_score: 1,
      recommendations: [],
      policies_checked: ['position_limits', 'sector_limits'],
    });
  });

  it('checks every enabled policy when applicable_policies is empty', async () => {
    const request = clone();
    request.applicable_policies = [];
    request.decision.trades[0].quantity = 50;
    const res = await validate(request);
    expect(res.statusCode).toBe(200);
    expect(res.json().policies_checked).toEqual(['position_limits', 'risk_limits', 'sector_limits']);
  });

  it('rejects a malformed body with 400 and JSON-pointer paths', async () => {
    const res = await validate({ decision: { decision_id: '', trades: [{ symbol: 'A', side: 'HOLD', quantity: -1 }] }, applicable_policies: [] });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('PES_INVALID_REQUEST');
    expect(body.error).toBe('Bad Request');
    const paths = body.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['/portfolio_state', '/decision/decision_id', '/decision/trades/0/side', '/decision/trades/0/quantity']));
  });

  it('rejects text that is not JSON with 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: '{"decision":', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('PES_INVALID_JSON');
  });

  it('rejects numbers that overflow to Infinity', async () => {
    const text = JSON.stringify(example).replace('"cash":1840000', '"cash":1e400');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: text, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0].path).toBe('/portfolio_state/cash');
  });

  it('rejects another media type with 415', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: 'x', headers: { 'content-type': 'text/plain' } });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('PES_UNSUPPORTED_MEDIA_TYPE');
  });

  describe('422: semantically impossible requests', () => {
    const cases: Array<[string, (r: ReturnType<typeof clone>) => void, string, string]> = [
      ['an unknown policy', (r) => (r.applicable_policies = ['position_limits', 'no_such_policy']), 'PES_UNKNOWN_POLICY', '/applicable_policies/1'],
      ['a traded symbol with no price', (r) => r.decision.trades.push({ symbol: 'TSLA', side: 'BUY', quantity: 1 }), 'PES_MISSING_PRICE', '/decision/trades/1/price'],
      ['a held symbol with no price', (r) => r.portfolio_state.positions.push({ symbol: 'IBM', quantity: 5 }), 'PES_MISSING_PRICE', '/portfolio_state/positions/1/price'],
      ['a non-positive NAV', (r) => (r.portfolio_state.cash = -160_000), 'PES_NON_POSITIVE_NAV', '/portfolio_state/cash'],
      ['a post-trade NAV below zero', (r) => {
        r.decision.trades[0].price = 10_000; // pays 4.4 M for 88,000 of value
      }, 'PES_NON_POSITIVE_NAV', '/portfolio_state/cash'],
      ['different portfolios', (r) => (r.portfolio_state.portfolio_id = 'fund-b'), 'PES_PORTFOLIO_MISMATCH', '/decision/portfolio_id'],
      ['a symbol held twice', (r) => r.portfolio_state.positions.push({ ...r.portfolio_state.positions[0] }), 'PES_DUPLICATE_POSITION', '/portfolio_state/positions/1/symbol'],
    ];
    it.each(cases)('%s', async (_name, mutate, code, path) => {
      const request = clone();
      mutate(request);
      const res = await validate(request);
      expect(res.statusCode).toBe(422);
      const body = res.json();
      expect(body.code).toBe(code);
      expect(body.error).toBe('Unprocessable Entity');
      expect(body.details[0].path).toBe(path);
    });

    it('a disabled policy, naming it', async () => {
      const created = await t.app.inject({
        method: 'POST', url: '/api/v1/policies',
        payload: { policy_name: 'dormant', policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.5 }, enabled: false },
      });
      expect(created.statusCode).toBe(201);
      const request = clone();
      request.applicable_policies = ['dormant'];
      const res = await validate(request);
      expect(res.statusCode).toBe(422);
      expect(res.json().message).toBe('Policy "dormant" is disabled; the decision cannot be checked against it');
    });
  });

  it('records every validation with its violations before answering', async () => {
    const request = clone();
    request.decision.decision_id = 'recorded-1';
    const answer = await validate(request);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    // The record holds the very response the caller got, and the decision as sent.
    const [stored] = await t.services.db.query<{ response: unknown; decision: unknown; policy_set_version: number }>(
      "SELECT response, decision, policy_set_version FROM validations WHERE decision_id = 'recorded-1'",
    );
    expect(stored.response).toEqual(answer.json());
    expect(stored.decision).toEqual(request.decision);
    expect(stored.policy_set_version).toBe(t.services.policies.current.version);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/violations?decision_id=recorded-1' });
    expect(res.statusCode).toBe(200);
    const [violation] = res.json();
    expect(violation).toMatchObject({ decision_id: 'recorded-1', policy_name: 'position_limits', violation_type: 'MAX_WEIGHT_EXCEEDED', severity: 'HIGH', resolved: false });
    const rows = await t.services.db.query<{ n: string }>("SELECT count(*) AS n FROM event_outbox WHERE event_key = 'recorded-1'");
    expect(Number(rows[0].n)).toBe(1);
  });
});
