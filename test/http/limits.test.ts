import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors.js';
import { startTestApp, type TestApp } from '../support/app.js';

const example = JSON.parse(readFileSync(new URL('../fixtures/contract-example.json', import.meta.url), 'utf8'));
const KEYS = {
  engine: 'engine-key-5e7a9c1b3d5f7a9c1e3b',
  desk: 'desk-key-8b0d2f4a6c8e0b2d4f6a',
  bulk: 'bulk-key-1c3e5a7b9d1f3a5c7e9b',
};

/** A realistic 100,000-position book: ~150 bytes a position, 20 sectors of 5 % each. */
function largeRequest(positions: number) {
  const request = structuredClone(example);
  request.portfolio_state.cash = 1_000_000;
  request.portfolio_state.positions = Array.from({ length: positions }, (_, i) => ({
    symbol: `SYM${i}`, quantity: 10, price: 10, sector: `Sector ${i % 20}`, country: i % 3 ? 'US' : 'GB',
    asset_class: 'EQUITY', issuer: `Issuer ${i}`, beta: 1 + (i % 7) / 10,
  }));
  request.decision.trades = [{ symbol: 'SYM0', side: 'BUY', quantity: 10, price: 10 }];
  delete request.portfolio_state.instruments;
  delete request.portfolio_state.risk_model;
  request.applicable_policies = [];
  return request;
}

describe('limits without keys: per client address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { PES_RATE_LIMIT: '5' } });
  });
  afterAll(() => t.close());

  it('accepts 100,000 positions under the default body limit', async () => {
    const body = JSON.stringify(largeRequest(100_000));
    expect(body.length).toBeGreaterThan(10_000_000);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: body, headers: { 'content-type': 'application/json' }, remoteAddress: '10.0.0.1' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ is_compliant: true, violations: [] });
  });

  it('limits each client address separately, and never the health probes', async () => {
    const from = (remoteAddress: string, url = '/api/v1/policies') => t.app.inject({ method: 'GET', url, remoteAddress });
    for (let i = 0; i < 5; i++) expect((await from('10.0.0.2')).statusCode).toBe(200);
    const limited = await from('10.0.0.2');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('PES_RATE_LIMITED');
    expect((await from('10.0.0.3')).statusCode).toBe(200);
    for (let i = 0; i < 7; i++) expect((await from('10.0.0.2', '/health/ready')).statusCode).toBe(200);
  });

  it('sends security headers on every response', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/live', remoteAddress: '10.0.0.4' });
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'cross-origin-resource-policy': 'same-origin',
      'x-xss-protection': '0',
      'origin-agent-cluster': '?1',
    });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-powered-by']).toBeUndefined();
    const missing = await t.app.inject({ method: 'GET', url: '/no/such/route', remoteAddress: '10.0.0.4' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['x-content-type-options']).toBe('nosniff');
  });

  it('keeps /docs working under that policy: the page and every script it loads come from this origin', async () => {
    const get = (url: string) => t.app.inject({ method: 'GET', url, remoteAddress: '10.0.0.5' });
    const page = await get('/docs/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const scripts = [...page.body.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src).not.toMatch(/^https?:/);
      const script = await get(new URL(src, 'http://x/docs/').pathname);
      expect(script.statusCode).toBe(200);
      expect(script.headers['content-type']).toMatch(/javascript/);
    }
    expect(page.body).not.toMatch(/<script>(?!\s*<\/script>)/); // no inline script for the CSP to block
  });
});

describe('limits with keys: per key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        PES_RATE_LIMIT: '3',
        PES_BODY_LIMIT: '4096',
        PES_API_KEYS: `engine:validator:${KEYS.engine},desk:validator:${KEYS.desk},bulk:admin:${KEYS.bulk}`,
      },
    });
  });
  afterAll(() => t.close());

  it('429 with Retry-After once a key has spent its budget; other keys are unaffected', async () => {
    const as = (key: string) => t.app.inject({ method: 'POST', url: '/api/v1/validate', payload: example, headers: { 'x-api-key': key } });
    for (let i = 0; i < 3; i++) expect((await as(KEYS.engine)).statusCode).toBe(200);
    const limited = await as(KEYS.engine);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.json()).toEqual({
      statusCode: 429,
      code: 'PES_RATE_LIMITED',
      error: 'Too Many Requests',
      message: expect.stringMatching(/^More than 3 requests a minute; retry in \d+ s$/),
      hint: ERRORS.PES_RATE_LIMITED.hint,
    });
    expect((await as(KEYS.desk)).statusCode).toBe(200);
  });

  it.each([
    ['/api/v1/validate', { ...example, padding: 'x'.repeat(5000) }],
    ['/api/v1/policies', { policy_name: 'big', policy_type: 'POSITION_LIMIT', rules: { symbols: Array.from({ length: 600 }, (_, i) => `S${i}`) } }],
  ])('413 for a body over PES_BODY_LIMIT on %s', async (url, payload) => {
    const res = await t.app.inject({ method: 'POST', url, payload, headers: { 'x-api-key': KEYS.bulk } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      statusCode: 413,
      code: 'PES_BODY_TOO_LARGE',
      error: 'Payload Too Large',
      message: 'Request body is too large',
      hint: ERRORS.PES_BODY_TOO_LARGE.hint,
    });
  });
});
