import { Type } from '@sinclair/typebox';
import type { CheckKind } from '../engine/checks.js';
import { amount, percent } from '../engine/format.js';
import { SymbolList, defineRule, rulesObject } from './types.js';

const symbolText = (symbol: string) => symbol;
const weightKind = (violationType: string): CheckKind => ({ violationType, subjectText: symbolText, format: percent, unit: ' of NAV' });
const MAX_WEIGHT = weightKind('MAX_WEIGHT_EXCEEDED');
const MIN_WEIGHT = weightKind('MIN_WEIGHT_BREACHED');
const MAX_QUANTITY: CheckKind = { violationType: 'MAX_QUANTITY_EXCEEDED', subjectText: (s) => `${s} quantity`, format: amount, unit: ' units' };
const MAX_NOTIONAL: CheckKind = { violationType: 'MAX_NOTIONAL_EXCEEDED', subjectText: (s) => `${s} notional`, format: amount, unit: '' };

/**
 * POSITION_LIMIT, per symbol in scope: |w| ≤ max_weight; w ≥ min_weight (signed);
 * |quantity| ≤ max_quantity; |quantity × mark| ≤ max_notional.
 */
export const positionLimit = defineRule({
  policyType: 'POSITION_LIMIT',
  rulesSchema: rulesObject(
    {
      max_weight: Type.Optional(Type.Number({ minimum: 0, description: 'Largest |weight| per symbol' })),
      min_weight: Type.Optional(Type.Number({ description: 'Smallest signed weight per symbol (0 = long only)' })),
      max_quantity: Type.Optional(Type.Number({ minimum: 0 })),
      max_notional: Type.Optional(Type.Number({ minimum: 0 })),
      symbols: Type.Optional(SymbolList),
    },
    'Per-symbol limits; symbols scopes them (absent = every symbol)',
  ),
  check(rules) {
    const issues = [];
    if (rules.max_weight === undefined && rules.min_weight === undefined && rules.max_quantity === undefined && rules.max_notional === undefined) {
      issues.push({ path: '', message: 'needs at least one of max_weight, min_weight, max_quantity, max_notional' });
    }
    if (rules.max_weight !== undefined && rules.min_weight !== undefined && rules.min_weight > rules.max_weight) {
      issues.push({ path: '/min_weight', message: 'must not exceed max_weight' });
    }
    return issues;
  },
  compile(rules) {
    const scope = rules.symbols ? new Set(rules.symbols) : undefined;
    const { max_weight: maxWeight, min_weight: minWeight, max_quantity: maxQuantity, max_notional: maxNotional } = rules;
    return (portfolio, sink) => {
      const { symbols, preWeight, postWeight, preQty, postQty, mark } = portfolio;
      for (let i = 0; i < portfolio.n; i++) {
        if (scope && !scope.has(symbols[i])) continue;
        if (maxWeight !== undefined) sink.max(MAX_WEIGHT, symbols[i], Math.abs(preWeight[i]), Math.abs(postWeight[i]), maxWeight);
        if (minWeight !== undefined) sink.min(MIN_WEIGHT, symbols[i], preWeight[i], postWeight[i], minWeight);
        if (maxQuantity !== undefined) sink.max(MAX_QUANTITY, symbols[i], Math.abs(preQty[i]), Math.abs(postQty[i]), maxQuantity);
        if (maxNotional !== undefined) {
          sink.max(MAX_NOTIONAL, symbols[i], Math.abs(preQty[i] * mark[i]), Math.abs(postQty[i] * mark[i]), maxNotional);
        }
      }
      // A scoped symbol the portfolio neither holds nor trades weighs 0: only a minimum can bind it.
      if (scope && minWeight !== undefined) {
        for (const symbol of scope) if (!portfolio.index.has(symbol)) sink.min(MIN_WEIGHT, symbol, 0, 0, minWeight);
      }
    };
  },
});
