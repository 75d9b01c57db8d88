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

/**
 * A request big enough to keep a worker busy for a few milliseconds (3,000 positions): a burst of
 * them outruns the workers, so the pool's bounds on its queue and on the expected wait come into play.
 */
export function bigRequest(decisionId: string): Record<string, unknown> {
  const positions = Array.from({ length: 3_000 }, (_, i) => ({
    symbol: `S${i}`, quantity: 10, price: 100, sector: `Sector ${i % 11}`, country: 'US', beta: 1,
  }));
  return {
    decision: { decision_id: decisionId, trades: [{ symbol: 'S0', side: 'BUY', quantity: 5, price: 100 }] },
    portfolio_state: { cash: 100_000, positions },
    applicable_policies: [],
  };
}
