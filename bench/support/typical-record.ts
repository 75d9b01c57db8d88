import type { ValidationResponse } from '../../src/schemas/validation.js';
import type { ValidationRecordInput } from '../../src/storage/audit-record.js';

/** A typical audit record: one violation, a ten-trade decision (~1 KB of decision JSON). */
export function typicalRecord(i: number, prefix = 'bench'): ValidationRecordInput {
  const decisionId = `${prefix}-${i}`;
  const response: ValidationResponse = {
    decision_id: decisionId,
    is_compliant: false,
    violations: [{
      policy_name: 'position_limits', violation_type: 'MAX_WEIGHT_EXCEEDED', severity: 'HIGH',
      description: 'AAPL would be 12.40% of NAV; limit 10.00%', subject: 'AAPL', observed: 0.124, limit: 0.1, pre_trade: 0.08,
      enforcement_level: 'strict',
    }],
    compliance_score: 0.25,
    recommendations: ['Reduce the AAPL buy from 440 to 200 to stay within position_limits'],
    policies_checked: ['position_limits', 'sector_limits', 'risk_limits'],
  };
  const trades = Array.from({ length: 10 }, (_, t) => ({ symbol: `SYM${t}`, side: 'BUY', quantity: 100 + t, price: 50 + t }));
  return { response, portfolioId: 'fund-a', decisionJson: JSON.stringify({ decision_id: decisionId, portfolio_id: 'fund-a', trades }), policySetVersion: 1 };
}
