import { Type } from '@sinclair/typebox';
import type { CheckKind } from '../../engine/checks.js';
import { percent } from '../../engine/format.js';
import { isHeld } from '../holdings.js';
import { defineRegulatoryRule, regulatoryRules } from './rule.js';

const OWNERSHIP: CheckKind = {
  violationType: 'OWNERSHIP_LIMIT_EXCEEDED',
  subjectText: (symbol) => symbol,
  format: percent,
  unit: ' of shares outstanding',
};

/** OWNERSHIP_LIMIT: |qᵢ| / shares_outstandingᵢ ≤ max_fraction (default 0.10) per symbol held. */
export const ownershipLimit = defineRegulatoryRule({
  rule: 'OWNERSHIP_LIMIT',
  rulesSchema: regulatoryRules(
    'OWNERSHIP_LIMIT',
    { max_fraction: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.1, description: 'Largest share of an instrument\'s outstanding units held' })) },
    'The portfolio may own at most max_fraction of any instrument outstanding',
  ),
  compile(rules) {
    const maxFraction = rules.max_fraction ?? 0.1;
    return (portfolio, sink) => {
      const sharesOutstanding = portfolio.numeric('shares_outstanding');
      for (let i = 0; i < portfolio.n; i++) {
        if (!isHeld(portfolio, i)) continue;
        const symbol = portfolio.symbols[i];
        const outstanding = sharesOutstanding[i];
        if (Number.isNaN(outstanding)) {
          sink.missing(symbol, `${symbol} has no shares_outstanding; OWNERSHIP_LIMIT cannot be checked`);
          continue;
        }
        sink.max(OWNERSHIP, symbol, Math.abs(portfolio.preQty[i]) / outstanding, Math.abs(portfolio.postQty[i]) / outstanding, maxFraction);
      }
    };
  },
});
