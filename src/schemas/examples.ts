/**
 * The contract's worked example (CONTRACT.md section 2): NAV 2,000,000; buying 440 AAPL at 200
 * takes AAPL from 8 % to 12.4 % of NAV against a strict 10 % limit. Shown in the OpenAPI document.
 * Untyped on purpose: the schemas embed these, so typing them by the schemas would be circular;
 * test/http/openapi.test.ts checks each against its schema instead.
 */
export const EXAMPLE_REQUEST = {
  decision: {
    decision_id: 'decision_001',
    portfolio_id: 'fund-a',
    trades: [{ symbol: 'AAPL', side: 'BUY', quantity: 440, price: 200.0 }],
  },
  portfolio_state: {
    portfolio_id: 'fund-a',
    cash: 1840000,
    positions: [
      { symbol: 'AAPL', quantity: 800, price: 200.0, sector: 'Technology', country: 'US', asset_class: 'EQUITY', issuer: 'Apple Inc', beta: 1.2 },
    ],
    instruments: { MSFT: { price: 410.0, sector: 'Technology', issuer: 'Microsoft' } },
    risk_model: { symbols: ['AAPL', 'MSFT'], covariance: [[0.09, 0.03], [0.03, 0.08]] },
  },
  applicable_policies: ['position_limits', 'sector_limits'],
};

export const EXAMPLE_RESPONSE = {
  decision_id: 'decision_001',
  is_compliant: false,
  violations: [
    {
      policy_name: 'position_limits',
      violation_type: 'MAX_WEIGHT_EXCEEDED',
      severity: 'HIGH',
      description: 'AAPL would be 12.40% of NAV; limit 10.00%',
      subject: 'AAPL',
      observed: 0.124,
      limit: 0.1,
      pre_trade: 0.08,
      enforcement_level: 'strict',
      suggested_adjustment: { trades: [{ symbol: 'AAPL', side: 'BUY', quantity: 200, original_quantity: 440 }] },
    },
  ],
  compliance_score: 0.25,
  recommendations: ['Reduce the AAPL buy from 440 to 200 to stay within position_limits'],
  policies_checked: ['position_limits', 'sector_limits'],
  adjusted_trades: [{ symbol: 'AAPL', side: 'BUY', quantity: 200 }],
};

/** The contract's `position_limits` policy (section 11 defaults). */
export const EXAMPLE_POLICY = {
  policy_name: 'position_limits',
  policy_type: 'POSITION_LIMIT',
  rules: { max_weight: 0.1 },
  enforcement_level: 'strict',
  enabled: true,
};
