import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

let counter = 0;
const create = (policy_type: string, rules: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/v1/policies', payload: { policy_name: `rules_${++counter}`, policy_type, rules } });

describe('POST /api/v1/policies accepts every rule of the library', () => {
  const valid: Array<[string, Record<string, unknown>]> = [
    ['RISK_LIMIT', { metric: 'volatility', max: 0.2 }],
    ['RISK_LIMIT', { metric: 'var', max: 0.02, confidence: 0.99, horizon_days: 10 }],
    ['RISK_LIMIT', { metric: 'liquidity_days', max: 5, participation: 0.1 }],
    ['REGULATORY', { rule: 'UCITS_5_10_40' }],
    ['REGULATORY', { rule: 'UCITS_5_10_40', issuer_max: 0.2, threshold: 0.1, aggregate_max: 0.5, severity: 'HIGH' }],
    ['REGULATORY', { rule: 'DIVERSIFIED_75_5_10' }],
    ['REGULATORY', { rule: 'RESTRICTED_LIST', symbols: ['X'] }],
    ['REGULATORY', { rule: 'RESTRICTED_LIST', issuers: ['Bad Corp'] }],
    ['REGULATORY', { rule: 'SHORT_SALE_BAN' }],
    ['REGULATORY', { rule: 'OWNERSHIP_LIMIT', max_fraction: 0.05 }],
    ['INVESTMENT_MANDATE', {
      allowed_asset_classes: ['EQUITY'], excluded_symbols: ['X'], excluded_issuers: ['Y'], excluded_sectors: ['Energy'],
      excluded_countries: ['RU'], long_only: true, min_cash_weight: 0.01, max_cash_weight: 0.1, max_positions: 50, min_rating: 'BBB-',
    }],
  ];
  it.each(valid)('%s %j → 201', async (type, rules) => {
    const res = await create(type, rules);
    expect(res.statusCode).toBe(201);
    expect(res.json().rules).toEqual(rules);
  });
});

describe('POST /api/v1/policies rejects rules that do not fit with 400 naming the field', () => {
  const invalid: Array<[string, string, Record<string, unknown>, string]> = [
    ['an unknown metric', 'RISK_LIMIT', { metric: 'volatilty', max: 0.2 }, '/rules/metric'],
    ['a confidence other than 0.95 or 0.99', 'RISK_LIMIT', { metric: 'var', max: 0.02, confidence: 0.9 }, '/rules/confidence'],
    ['a parameter of another metric', 'RISK_LIMIT', { metric: 'volatility', max: 0.2, participation: 0.1 }, '/rules/participation'],
    ['a horizon of 0 days', 'RISK_LIMIT', { metric: 'var', max: 0.02, horizon_days: 0 }, '/rules/horizon_days'],
    ['a participation above 1', 'RISK_LIMIT', { metric: 'liquidity_days', max: 5, participation: 1.5 }, '/rules/participation'],
    ['no rule', 'REGULATORY', { issuer_max: 0.1 }, '/rules/rule'],
    ['an unknown rule', 'REGULATORY', { rule: 'UCITS_5_10_41' }, '/rules/rule'],
    ['an issuer_max above 1', 'REGULATORY', { rule: 'UCITS_5_10_40', issuer_max: 2 }, '/rules/issuer_max'],
    ['a threshold above issuer_max', 'REGULATORY', { rule: 'UCITS_5_10_40', threshold: 0.2 }, '/rules/threshold'],
    ['a parameter of another rule', 'REGULATORY', { rule: 'UCITS_5_10_40', max_fraction: 0.1 }, '/rules/max_fraction'],
    ['parameters on DIVERSIFIED_75_5_10', 'REGULATORY', { rule: 'DIVERSIFIED_75_5_10', bucket_max: 0.3 }, '/rules/bucket_max'],
    ['a restricted list with nothing on it', 'REGULATORY', { rule: 'RESTRICTED_LIST', symbols: [] }, '/rules'],
    ['a restricted symbol that is not a string', 'REGULATORY', { rule: 'RESTRICTED_LIST', symbols: ['X', 7] }, '/rules/symbols/1'],
    ['short-sale symbols that are not a list', 'REGULATORY', { rule: 'SHORT_SALE_BAN', symbols: 'X' }, '/rules/symbols'],
    ['a negative max_fraction', 'REGULATORY', { rule: 'OWNERSHIP_LIMIT', max_fraction: -0.1 }, '/rules/max_fraction'],
    ['a bad severity', 'REGULATORY', { rule: 'SHORT_SALE_BAN', severity: 'URGENT' }, '/rules/severity'],
    ['an empty mandate', 'INVESTMENT_MANDATE', {}, '/rules'],
    ['a rating off the S&P scale', 'INVESTMENT_MANDATE', { min_rating: 'Baa1' }, '/rules/min_rating'],
    ['a fractional max_positions', 'INVESTMENT_MANDATE', { max_positions: 2.5 }, '/rules/max_positions'],
    ['min_cash_weight above max_cash_weight', 'INVESTMENT_MANDATE', { min_cash_weight: 0.2, max_cash_weight: 0.1 }, '/rules/min_cash_weight'],
    ['an exclusion that is not a list', 'INVESTMENT_MANDATE', { excluded_sectors: 'Energy' }, '/rules/excluded_sectors'],
    ['long_only that is not a boolean', 'INVESTMENT_MANDATE', { long_only: 'yes' }, '/rules/long_only'],
    ['an empty allow-list', 'INVESTMENT_MANDATE', { allowed_asset_classes: [] }, '/rules/allowed_asset_classes'],
    ['an unknown mandate key', 'INVESTMENT_MANDATE', { excluded_industries: ['Tobacco'] }, '/rules/excluded_industries'],
  ];
  it.each(invalid)('%s', async (_name, type, rules, path) => {
    const res = await create(type, rules);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('PES_INVALID_RULES');
    expect(body.details[0].path).toBe(path);
  });
});

describe('POST /api/v1/validate with a malformed risk model', () => {
  it('answers 422 PES_INVALID_RISK_MODEL naming the asymmetric entry', async () => {
    const created = await t.app.inject({
      method: 'POST', url: '/api/v1/policies',
      payload: { policy_name: 'vol_cap', policy_type: 'RISK_LIMIT', rules: { metric: 'volatility', max: 0.2 } },
    });
    expect(created.statusCode).toBe(201);
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/validate',
      payload: {
        decision: { decision_id: 'risk-model-422', trades: [{ symbol: 'A', side: 'BUY', quantity: 10 }] },
        portfolio_state: {
          cash: 100_000,
          positions: [{ symbol: 'A', quantity: 100, price: 50 }, { symbol: 'B', quantity: 100, price: 50 }],
          risk_model: { symbols: ['A', 'B'], covariance: [[0.04, 0.01], [0.011, 0.09]] },
        },
        applicable_policies: ['vol_cap'],
      },
    });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.code).toBe('PES_INVALID_RISK_MODEL');
    expect(body.details).toEqual([{ path: '/portfolio_state/risk_model/covariance/0/1', message: 'must equal /portfolio_state/risk_model/covariance/1/0' }]);
  });
});
