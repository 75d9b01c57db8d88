import { readFileSync } from 'node:fs';

const example = JSON.parse(readFileSync(new URL('../fixtures/contract-example.json', import.meta.url), 'utf8'));

/**
 * The contract example with its own decision_id. Buying 440 AAPL breaches position_limits
 * (12.4 % of NAV against 10 %); 100 or fewer complies.
 */
export function decisionRequest(decisionId: string, quantity = 440): Record<string, any> {
  const request = structuredClone(example);
  request.decision.decision_id = decisionId;
  request.decision.trades[0].quantity = quantity;
  return request;
}
