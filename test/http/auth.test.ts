import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors.js';
import { startTestApp, type TestApp } from '../support/app.js';

const example = JSON.parse(readFileSync(new URL('../fixtures/contract-example.json', import.meta.url), 'utf8'));
const VALIDATOR_KEY = 'validator-key-7c1e9a3b5d2f4e6a8c0b';
const ADMIN_KEY = 'admin-key-0d2f4a6c8e1b3d5f7a9c';
const NEW_POLICY = { policy_name: 'tight', policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.05 } };

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { PES_API_KEYS: `engine:validator:${VALIDATOR_KEY},ops:admin:${ADMIN_KEY}` } });
});
afterAll(() => t.close());

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
const call = (method: Method, url: string, headers: Record<string, string> = {}, payload?: object) =>
  t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
const asValidator = { 'x-api-key': VALIDATOR_KEY };
const asAdmin = { authorization: `Bearer ${ADMIN_KEY}` };

const unauthorized = (message: string) => ({
  statusCode: 401,
  code: 'PES_UNAUTHORIZED',
  error: 'Unauthorized',
  message,
  hint: ERRORS.PES_UNAUTHORIZED.hint,
});

describe('authentication', () => {
  it('401 without a key, asking for a bearer token', async () => {
    const res = await call('POST', '/api/v1/validate', {}, example);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="pes"');
    expect(res.json()).toEqual(unauthorized('This endpoint needs an API key'));
  });

  it.each([
    ['an unknown key in x-api-key', { 'x-api-key': `${VALIDATOR_KEY}x` }, 'The API key is not valid'],
    ['an unknown bearer token', { authorization: 'Bearer not-a-key-at-all-0123456789' }, 'The API key is not valid'],
    ['another scheme', { authorization: `Basic ${Buffer.from(`u:${ADMIN_KEY}`).toString('base64')}` }, 'The Authorization header must be "Bearer <key>"'],
  ])('401 for %s', async (_name, headers, message) => {
    const res = await call('GET', '/api/v1/policies', headers);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual(unauthorized(message));
  });

  it('accepts a key in x-api-key or as a bearer token', async () => {
    expect((await call('POST', '/api/v1/validate', asValidator, example)).statusCode).toBe(200);
    expect((await call('GET', '/api/v1/policies', { authorization: `Bearer ${VALIDATOR_KEY}` })).statusCode).toBe(200);
  });

  it('leaves health probes and the API description open, and guards /metrics', async () => {
    expect((await call('GET', '/health/live')).statusCode).toBe(200);
    expect((await call('GET', '/health/ready')).statusCode).toBe(200);
    expect((await call('GET', '/docs/json')).statusCode).toBe(200);
    expect((await call('GET', '/metrics')).statusCode).toBe(401);
    expect((await call('GET', '/metrics', asValidator)).statusCode).toBe(200);
  });
});

describe('roles', () => {
  it('lets a validator validate and read policies and violations', async () => {
    expect((await call('POST', '/api/v1/validate', asValidator, example)).statusCode).toBe(200);
    expect((await call('GET', '/api/v1/policies/position_limits', asValidator)).statusCode).toBe(200);
    expect((await call('GET', '/api/v1/violations?decision_id=decision_001', asValidator)).statusCode).toBe(200);
  });

  it.each<[Method, string, object | undefined]>([
    ['POST', '/api/v1/policies', NEW_POLICY],
    ['PUT', '/api/v1/policies/position_limits', { policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.5 } }],
    ['DELETE', '/api/v1/policies/position_limits', undefined],
    ['PATCH', '/api/v1/violations/00000000-0000-4000-8000-000000000000', { resolved: true }],
  ])('403 for a validator on %s %s', async (method, url, payload) => {
    const res = await call(method, url, asValidator, payload);
    expect(res.statusCode).toBe(403);
    const route = url.replace(/position_limits$/, ':name').replace(/[0-9a-f-]{36}$/, ':id');
    expect(res.json()).toEqual({
      statusCode: 403,
      code: 'PES_FORBIDDEN',
      error: 'Forbidden',
      message: `Key "engine" has the role validator; ${method} ${route} needs admin`,
      hint: ERRORS.PES_FORBIDDEN.hint,
    });
  });

  it('lets an admin change policies, and records who resolved a violation', async () => {
    const created = await call('POST', '/api/v1/policies', asAdmin, NEW_POLICY);
    expect(created.statusCode).toBe(201);
    const request = structuredClone(example);
    request.decision.decision_id = 'auth-resolve';
    await call('POST', '/api/v1/validate', asValidator, request);
    const [violation] = (await call('GET', '/api/v1/violations?decision_id=auth-resolve', asValidator)).json();
    const resolved = await call('PATCH', `/api/v1/violations/${violation.id}`, asAdmin, { resolved: true });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({ resolved: true, resolved_by: 'ops' });
  });
});

describe('without keys (loopback only)', () => {
  it('answers without a key, as the local operator', async () => {
    const local = await startTestApp();
    try {
      expect((await local.app.inject({ method: 'POST', url: '/api/v1/validate', payload: example })).statusCode).toBe(200);
      const created = await local.app.inject({ method: 'POST', url: '/api/v1/policies', payload: NEW_POLICY });
      expect(created.statusCode).toBe(201);
    } finally {
      await local.close();
    }
  });
});
