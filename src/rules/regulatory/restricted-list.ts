import { Type } from '@sinclair/typebox';
import { SymbolList } from '../types.js';
import { forbidHolding, holdingKind, isHeld, issuerColumn } from '../holdings.js';
import { defineRegulatoryRule, regulatoryRules } from './rule.js';

/** RESTRICTED_LIST: |qᵢ| ≤ 0 for every symbol listed or issued by a listed issuer. */
export const restrictedList = defineRegulatoryRule({
  rule: 'RESTRICTED_LIST',
  rulesSchema: regulatoryRules(
    'RESTRICTED_LIST',
    { symbols: Type.Optional(SymbolList), issuers: Type.Optional(SymbolList) },
    'Instruments the portfolio must not hold, by symbol and/or issuer',
  ),
  check(rules) {
    if (!rules.symbols?.length && !rules.issuers?.length) return [{ path: '', message: 'needs a non-empty symbols or issuers list' }];
    return [];
  },
  compile(rules) {
    const symbols = new Set(rules.symbols ?? []);
    const issuers = new Set(rules.issuers ?? []);
    const bySymbol = holdingKind('RESTRICTED_INSTRUMENT', 'restricted symbol');
    return (portfolio, sink) => {
      const issuerOf = issuers.size > 0 ? issuerColumn(portfolio) : undefined;
      for (let i = 0; i < portfolio.n; i++) {
        if (!isHeld(portfolio, i)) continue;
        if (symbols.has(portfolio.symbols[i])) {
          forbidHolding(sink, bySymbol, portfolio, i);
        } else if (issuerOf && issuers.has(issuerOf.labels[issuerOf.codes[i]])) {
          const issuer = issuerOf.labels[issuerOf.codes[i]];
          forbidHolding(sink, holdingKind('RESTRICTED_INSTRUMENT', `restricted issuer ${issuer}`), portfolio, i);
        }
      }
    };
  },
});
