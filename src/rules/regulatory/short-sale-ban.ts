import { Type } from '@sinclair/typebox';
import { forbidShort, isHeld, shortKind } from '../holdings.js';
import { SymbolList } from '../types.js';
import { defineRegulatoryRule, regulatoryRules } from './rule.js';

const SHORT_SALE = shortKind('SHORT_SALE_PROHIBITED');

/** SHORT_SALE_BAN: max(−qᵢ, 0) ≤ 0 for the listed symbols (absent = every symbol). */
export const shortSaleBan = defineRegulatoryRule({
  rule: 'SHORT_SALE_BAN',
  rulesSchema: regulatoryRules(
    'SHORT_SALE_BAN',
    { symbols: Type.Optional(SymbolList) },
    'No short positions, in the listed symbols or (absent) in any symbol',
  ),
  compile(rules) {
    const scope = rules.symbols ? new Set(rules.symbols) : undefined;
    return (portfolio, sink) => {
      for (let i = 0; i < portfolio.n; i++) {
        if (!isHeld(portfolio, i) || (scope && !scope.has(portfolio.symbols[i]))) continue;
        forbidShort(sink, SHORT_SALE, portfolio, i);
      }
    };
  },
});
