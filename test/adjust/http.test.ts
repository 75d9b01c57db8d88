import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

const example = JSON.parse(readFileSync(new URL('../fixtures/contract-example.json', import.meta.url), 'utf8'));

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const post = (url: string, payload: unknown) => t.app.inject({ method: 'POST', url, payload: payload as object });

describe('POST /api/v1/validate with a suggested adjustment', () => {
  // The whole contract body, adjustment included, is asserted in test/http/validate.test.ts.
  it('re-validating the adjusted trades is compliant', async () => {
    const first = (await post('/api/v1/validate', example)).json();
    const again = structuredClone(example);
    again.decision.trades = first.adjusted_trades;
    const res = await post('/api/v1/validate', again);
    expect(res.json()).toMatchObject({ is_compliant: true, violations: [] });
  });
});

describe('POST /api/v1/headroom', () => {
  const request = { portfolio_state: example.portfolio_state, symbols: ['AAPL', 'MSFT'], side: 'BUY', applicable_policies: ['position_limits', 'sector_limits'] };

  it('gives the largest compliant quantity per symbol and the policy that binds', async () => {
    const res = await post('/api/v1/headroom', request);
    expect(res.statusCode).toBe(200);
    // NAV 2,000,000, max_weight 10 %: AAPL 800 → 1,000 units (200 × 200); MSFT ⌊200,000 / 410⌋ = 487.
    expect(res.json()).toEqual({
      side: 'BUY',
      headroom: [
        {
          symbol: 'AAPL', quantity: 200, lot_size: 1, notional: 40_000, post_trade_weight: 0.1,
          binding_policy: 'position_limits', binding_violation_type: 'MAX_WEIGHT_EXCEEDED', binding_subject: 'AAPL',
          binding_description: 'AAPL would be 10.01% of NAV; limit 10.00%',
        },
        {
          symbol: 'MSFT', quantity: 487, lot_size: 1, notional: 199_670, post_trade_weight: 0.099835,
          binding_policy: 'position_limits', binding_violation_type: 'MAX_WEIGHT_EXCEEDED', binding_subject: 'MSFT',
          binding_description: 'MSFT would be 10.00% of NAV; limit 10.00%',
        },
      ],
      policies_checked: ['position_limits', 'sector_limits'],
      recommendations: [],
    });
  });

  it('rejects a malformed body with 400 and JSON-pointer paths', async () => {
    const res = await post('/api/v1/headroom', { ...request, symbols: [], side: 'HOLD' });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('PES_INVALID_REQUEST');
    expect(body.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['/symbols', '/side']));
  });

  it('rejects a symbol without a price with 422 naming it', async () => {
    const res = await post('/api/v1/headroom', { ...request, symbols: ['AAPL', 'TSLA'] });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'PES_MISSING_PRICE', details: [{ path: '/symbols/1', message: 'no price for TSLA' }] });
  });

  it('rejects an unknown policy with 422', async () => {
    const res = await post('/api/v1/headroom', { ...request, applicable_policies: ['nope'] });
    expect(res.statusCode).toBe(422);
    expect(res.json().details[0].path).toBe('/applicable_policies/0');
  });
});
