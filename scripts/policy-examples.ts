import type { PolicyType } from '../src/schemas/common.js';
import type { PolicyInput } from '../src/schemas/policy.js';
import type { ValidationRequest } from '../src/schemas/validation.js';

/** One worked example in docs/policies.md: a policy, a request, and (computed) the response. */
export interface PolicyExample {
  readonly title: string;
  /** What happens and the arithmetic, in a sentence or two. */
  readonly explanation: string;
  readonly policy: PolicyInput;
  readonly request: ValidationRequest;
}

const request = (id: string, cash: number, positions: ValidationRequest['portfolio_state']['positions'], trades: ValidationRequest['decision']['trades'], extra: Partial<ValidationRequest['portfolio_state']> = {}): ValidationRequest => ({
  decision: { decision_id: `doc-${id}`, portfolio_id: 'fund-a', trades },
  portfolio_state: { portfolio_id: 'fund-a', cash, positions, ...extra },
  applicable_policies: [],
});

const policy = (policy_name: string, policy_type: PolicyType, rules: Record<string, unknown>, enforcement_level: 'strict' | 'advisory' = 'strict'): PolicyInput => ({
  policy_name, policy_type, rules, enforcement_level,
});

// Two-asset risk model shared by the volatility and VaR examples: σA = 30 %, σB = 20 %, ρ = 0.3.
const riskModel = { symbols: ['A', 'B'], covariance: [[0.09, 0.018], [0.018, 0.04]] };
const riskState = [{ symbol: 'A', quantity: 3_000, price: 100 }, { symbol: 'B', quantity: 4_000, price: 100 }];

/** The examples, grouped by policy type in the order the page shows them. */
export const POLICY_EXAMPLES: Record<PolicyType, PolicyExample[]> = {
  POSITION_LIMIT: [
    {
      title: 'max_weight: the contract example',
      explanation: 'AAPL goes from 800 × 200 = 160,000 (8 % of NAV 2,000,000) to 1,240 × 200 = 248,000 (12.4 %) > 10 %. Relative excess 0.24 → HIGH.',
      policy: policy('position_limits', 'POSITION_LIMIT', { max_weight: 0.1 }),
      request: request('position', 1_840_000, [{ symbol: 'AAPL', quantity: 800, price: 200, sector: 'Technology' }], [{ symbol: 'AAPL', side: 'BUY', quantity: 440, price: 200 }]),
    },
  ],
  SECTOR_LIMIT: [
    {
      title: 'max_weight per sector',
      explanation: 'Technology = AAPL 200,000 + MSFT 125,000 = 32.5 % of NAV 1,000,000 after the buy; limit 30 %. Relative excess 0.083 → MEDIUM.',
      policy: policy('sector_limits', 'SECTOR_LIMIT', { max_weight: 0.3 }),
      request: request('sector', 600_000, [
        { symbol: 'AAPL', quantity: 1_000, price: 200, sector: 'Technology' },
        { symbol: 'MSFT', quantity: 400, price: 250, sector: 'Technology' },
        { symbol: 'XOM', quantity: 1_000, price: 100, sector: 'Energy' },
      ], [{ symbol: 'MSFT', side: 'BUY', quantity: 100 }]),
    },
  ],
  RISK_LIMIT: [
    {
      title: 'beta',
      explanation: 'beta = Σ wᵢβᵢ: before 0.25 × 1.5 + 0.25 × 0.8 = 0.575; after buying 500 A, 0.3 × 1.5 + 0.25 × 0.8 = 0.65 > 0.6.',
      policy: policy('beta_cap', 'RISK_LIMIT', { metric: 'beta', max: 0.6 }),
      request: request('beta', 500_000, [{ symbol: 'A', quantity: 2_500, price: 100, beta: 1.5 }, { symbol: 'B', quantity: 2_500, price: 100, beta: 0.8 }], [{ symbol: 'A', side: 'BUY', quantity: 500 }]),
    },
    {
      title: 'gross_exposure',
      explanation: 'Σ |wᵢ|: long A 60 %, short B −30 % → 90 %; shorting 1,500 more B → 60 % + 45 % = 105 % > 100 %.',
      policy: policy('gross_cap', 'RISK_LIMIT', { metric: 'gross_exposure', max: 1.0 }),
      request: request('gross', 700_000, [{ symbol: 'A', quantity: 6_000, price: 100 }, { symbol: 'B', quantity: -3_000, price: 100 }], [{ symbol: 'B', side: 'SELL', quantity: 1_500 }]),
    },
    {
      title: 'net_exposure with a minimum',
      explanation: 'Σ wᵢ: 60 % − 30 % = 30 %; after the short sale 60 % − 45 % = 15 % < 20 % → RISK_MIN_BREACHED.',
      policy: policy('net_band', 'RISK_LIMIT', { metric: 'net_exposure', min: 0.2, max: 1.0 }),
      request: request('net', 700_000, [{ symbol: 'A', quantity: 6_000, price: 100 }, { symbol: 'B', quantity: -3_000, price: 100 }], [{ symbol: 'B', side: 'SELL', quantity: 1_500 }]),
    },
    {
      title: 'hhi (concentration)',
      explanation: 'Σ wᵢ²: 0.2² + 0.2² + 0.1² = 0.09; buying 500 A → 0.25² + 0.2² + 0.1² = 0.1125 > 0.1. Relative excess 0.125 → HIGH.',
      policy: policy('concentration', 'RISK_LIMIT', { metric: 'hhi', max: 0.1 }),
      request: request('hhi', 500_000, [{ symbol: 'A', quantity: 2_000, price: 100 }, { symbol: 'B', quantity: 2_000, price: 100 }, { symbol: 'C', quantity: 1_000, price: 100 }], [{ symbol: 'A', side: 'BUY', quantity: 500 }]),
    },
    {
      title: 'volatility from the risk model',
      explanation: 'w = (0.3, 0.4): wᵀΣw = 0.09 × 0.09 + 0.16 × 0.04 + 2 × 0.3 × 0.4 × 0.018 = 0.01882 → 13.72 %. Buying 1,000 A, w = (0.4, 0.4): 0.0144 + 0.0064 + 0.00576 = 0.02656 → 16.30 % > 15 %.',
      policy: policy('vol_cap', 'RISK_LIMIT', { metric: 'volatility', max: 0.15 }),
      request: request('volatility', 300_000, riskState, [{ symbol: 'A', side: 'BUY', quantity: 1_000 }], { risk_model: riskModel }),
    },
    {
      title: 'var: 99 %, one day, within its limit',
      explanation: '2.3263 × 16.30 % × √(1/252) = 2.39 % ≤ 2.5 %: compliant. Utilisation 0.9553 scores 1 − 0.05 × (0.9553 − 0.9) / 0.1 ≈ 0.972.',
      policy: policy('var_99', 'RISK_LIMIT', { metric: 'var', max: 0.025, confidence: 0.99, horizon_days: 1 }),
      request: request('var', 300_000, riskState, [{ symbol: 'A', side: 'BUY', quantity: 1_000 }], { risk_model: riskModel }),
    },
    {
      title: 'liquidity_days',
      explanation: 'A: 90,000 / (0.2 × 200,000) = 2.25 days; after buying 40,000, 130,000 / 40,000 = 3.25 days > 3. B: 10,000 / (0.2 × 1,000,000) = 0.05 days.',
      policy: policy('liquidity', 'RISK_LIMIT', { metric: 'liquidity_days', max: 3 }),
      request: request('liquidity', 500_000, [{ symbol: 'A', quantity: 90_000, price: 5, adv: 200_000 }, { symbol: 'B', quantity: 10_000, price: 5, adv: 1_000_000 }], [{ symbol: 'A', side: 'BUY', quantity: 40_000 }]),
    },
  ],
  REGULATORY: [
    {
      title: 'UCITS_5_10_40: the 40 % aggregate',
      explanation: 'Issuers above 5 %: Alpha 9 % + Beta 9 % + Gamma 8 % + Delta 8 % = 34 %. Epsilon at exactly 5.0 % does not count, the treasury (is_government) is outside. Buying 7 % of Foxtrot → 41 % > 40 %. Every issuer stays ≤ 10 %.',
      policy: policy('ucits', 'REGULATORY', { rule: 'UCITS_5_10_40' }),
      request: request('ucits', 310_000, [
        { symbol: 'ALP', quantity: 900, price: 100, issuer: 'Alpha' },
        { symbol: 'BET', quantity: 900, price: 100, issuer: 'Beta' },
        { symbol: 'GAM', quantity: 800, price: 100, issuer: 'Gamma' },
        { symbol: 'DEL', quantity: 800, price: 100, issuer: 'Delta' },
        { symbol: 'EPS', quantity: 500, price: 100, issuer: 'Epsilon' },
        { symbol: 'UST10Y', quantity: 3_000, price: 100, issuer: 'US Treasury', is_government: true },
      ], [{ symbol: 'FOX', side: 'BUY', quantity: 700 }], { instruments: { FOX: { price: 100, issuer: 'Foxtrot' } } }),
    },
    {
      title: 'DIVERSIFIED_75_5_10: a holding above 10 % of the shares outstanding',
      explanation: 'Total assets 1,000,000 (cash 250,000 + longs). A 8 %, B 7 %, J 7 % are above 5 %: bucket 22 %. The fund SPY (40 %) is outside. Buying 50 C makes 450 of 4,000 shares = 11.25 % > 10 %, so all of C (45,000) joins: 26.5 % > 25 %.',
      policy: policy('diversified', 'REGULATORY', { rule: 'DIVERSIFIED_75_5_10' }),
      request: request('diversified', 250_000, [
        { symbol: 'SPY', quantity: 4_000, price: 100, is_fund: true },
        { symbol: 'A', quantity: 800, price: 100, shares_outstanding: 1_000_000 },
        { symbol: 'B', quantity: 700, price: 100, shares_outstanding: 1_000_000 },
        { symbol: 'J', quantity: 700, price: 100, shares_outstanding: 1_000_000 },
        { symbol: 'C', quantity: 400, price: 100, shares_outstanding: 4_000 },
        { symbol: 'D', quantity: 450, price: 100, shares_outstanding: 1_000_000 },
        { symbol: 'E', quantity: 450, price: 100, shares_outstanding: 1_000_000 },
      ], [{ symbol: 'C', side: 'BUY', quantity: 50 }]),
    },
    {
      title: 'RESTRICTED_LIST: selling down is passive, buying is not',
      explanation: 'XYZ is restricted and held: selling 400 of 1,000 leaves a breach the trade did not create or worsen (a passive breach, named in recommendations). SNC belongs to a restricted issuer: buying it is a violation.',
      policy: policy('restricted', 'REGULATORY', { rule: 'RESTRICTED_LIST', symbols: ['XYZ'], issuers: ['Sanctioned Corp'] }),
      request: request('restricted', 900_000, [{ symbol: 'XYZ', quantity: 1_000, price: 100 }], [
        { symbol: 'XYZ', side: 'SELL', quantity: 400 },
        { symbol: 'SNC', side: 'BUY', quantity: 100, price: 50, issuer: 'Sanctioned Corp' },
      ]),
    },
    {
      title: 'SHORT_SALE_BAN on listed symbols',
      explanation: 'Selling 150 TSLA against 100 held leaves a 50-unit short: prohibited. MSFT is not listed, so its short is allowed.',
      policy: policy('no_short_tsla', 'REGULATORY', { rule: 'SHORT_SALE_BAN', symbols: ['TSLA'] }),
      request: request('short', 960_000, [{ symbol: 'TSLA', quantity: 100, price: 400 }], [
        { symbol: 'TSLA', side: 'SELL', quantity: 150 },
        { symbol: 'MSFT', side: 'SELL', quantity: 10, price: 400 },
      ]),
    },
    {
      title: 'OWNERSHIP_LIMIT, and a missing shares_outstanding',
      explanation: 'SMALL: (90,000 + 20,000) / 2,000,000 = 5.5 % > 5 %. OTHER has no shares_outstanding: MISSING_DATA (HIGH), never passive.',
      policy: policy('ownership', 'REGULATORY', { rule: 'OWNERSHIP_LIMIT', max_fraction: 0.05 }),
      request: request('ownership', 500_000, [
        { symbol: 'SMALL', quantity: 90_000, price: 5, shares_outstanding: 2_000_000 },
        { symbol: 'OTHER', quantity: 1_000, price: 50 },
      ], [{ symbol: 'SMALL', side: 'BUY', quantity: 20_000 }]),
    },
  ],
  INVESTMENT_MANDATE: [
    {
      title: 'exclusions, allowed asset classes and long_only',
      explanation: 'Buying PM (sector Tobacco) breaks excluded_sectors; the short sale of GAZ breaks long_only and excluded_countries. The government bond is an allowed asset class.',
      policy: policy('esg_mandate', 'INVESTMENT_MANDATE', {
        allowed_asset_classes: ['EQUITY', 'BOND'],
        excluded_symbols: ['BADCO'],
        excluded_issuers: ['Coal Holdings'],
        excluded_sectors: ['Tobacco'],
        excluded_countries: ['RU'],
        long_only: true,
      }),
      request: request('mandate-exclusions', 800_000, [
        { symbol: 'AAPL', quantity: 500, price: 200, asset_class: 'EQUITY', sector: 'Technology', country: 'US', issuer: 'Apple' },
        { symbol: 'UST', quantity: 1_000, price: 100, asset_class: 'BOND', sector: 'Government', country: 'US', issuer: 'US Treasury' },
      ], [
        { symbol: 'PM', side: 'BUY', quantity: 100, price: 100, asset_class: 'EQUITY', sector: 'Tobacco', country: 'US', issuer: 'Philip Morris' },
        { symbol: 'GAZ', side: 'SELL', quantity: 100, price: 5, asset_class: 'EQUITY', sector: 'Energy', country: 'RU', issuer: 'Gazprom' },
      ]),
    },
    {
      title: 'cash band and max_positions',
      explanation: 'Buying 4,500 of a fourth name takes cash from 6 % to 60,000 − 45,000 = 15,000 = 1.5 % < 2 %, and the position count from 3 to 4 > 3.',
      policy: policy('cash_and_breadth', 'INVESTMENT_MANDATE', { min_cash_weight: 0.02, max_cash_weight: 0.1, max_positions: 3 }),
      request: request('mandate-cash', 60_000, [
        { symbol: 'A', quantity: 4_000, price: 100 },
        { symbol: 'B', quantity: 3_000, price: 100 },
        { symbol: 'C', quantity: 2_400, price: 100 },
      ], [{ symbol: 'D', side: 'BUY', quantity: 4_500, price: 10 }]),
    },
    {
      title: 'min_rating',
      explanation: 'JUNK (BB+, below BBB-) is sold down: a passive breach. NEWBOND is a BOND without rating: MISSING_DATA. The equity has no rating and needs none.',
      policy: policy('investment_grade', 'INVESTMENT_MANDATE', { min_rating: 'BBB-' }),
      request: request('mandate-rating', 700_000, [
        { symbol: 'JUNK', quantity: 1_000, price: 100, asset_class: 'BOND', rating: 'BB+' },
        { symbol: 'IG', quantity: 1_000, price: 100, asset_class: 'BOND', rating: 'A-' },
        { symbol: 'EQ', quantity: 1_000, price: 100, asset_class: 'EQUITY' },
      ], [
        { symbol: 'JUNK', side: 'SELL', quantity: 500 },
        { symbol: 'NEWBOND', side: 'BUY', quantity: 100, price: 100, asset_class: 'BOND' },
      ]),
    },
  ],
};
