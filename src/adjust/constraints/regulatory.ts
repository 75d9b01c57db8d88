import { issuerColumn } from '../../rules/holdings.js';
import type { LinearizeContext, Linearizer } from './context.js';
import { diversified } from './diversified.js';
import { ucits } from './ucits.js';

type Rules = Record<string, unknown> & { rule: string };

const RULES: Record<string, (context: LinearizeContext, rules: Rules) => void> = {
  UCITS_5_10_40: (context, rules) => ucits(context, rules),
  DIVERSIFIED_75_5_10: (context) => diversified(context),
  /** No holding in a listed symbol or an instrument of a listed issuer. */
  RESTRICTED_LIST(context, rules) {
    const { model, portfolio } = context;
    const symbols = new Set((rules.symbols as string[] | undefined) ?? []);
    const issuers = new Set((rules.issuers as string[] | undefined) ?? []);
    const issuerOf = issuers.size > 0 ? issuerColumn(portfolio) : undefined;
    for (const i of model.slotOf) {
      const symbol = portfolio.symbols[i];
      if (symbols.has(symbol) || (issuerOf && issuers.has(issuerOf.labels[issuerOf.codes[i]]))) {
        context.forbidHolding(i, context.tag('RESTRICTED_INSTRUMENT', symbol));
      }
    }
  },
  /** No short position in the listed symbols (absent: any). */
  SHORT_SALE_BAN(context, rules) {
    const scope = rules.symbols ? new Set(rules.symbols as string[]) : undefined;
    for (const i of context.model.slotOf) {
      const symbol = context.portfolio.symbols[i];
      if (!scope || scope.has(symbol)) context.forbidShort(i, context.tag('SHORT_SALE_PROHIBITED', symbol));
    }
  },
  /** |qᵢ| / shares_outstandingᵢ ≤ max_fraction: a quantity bound; a held slot without it fails closed. */
  OWNERSHIP_LIMIT(context, rules) {
    const { model, portfolio } = context;
    const maxFraction = (rules.max_fraction as number | undefined) ?? 0.1;
    const outstanding = portfolio.numeric('shares_outstanding');
    for (let i = 0; i < portfolio.n; i++) {
      const symbol = portfolio.symbols[i];
      if (Number.isNaN(outstanding[i])) {
        if (portfolio.preQty[i] !== 0 || model.columnOf[i] >= 0) {
          context.missing(i, portfolio.preQty[i] !== 0, context.tag('MISSING_DATA', symbol), `${symbol} has no shares_outstanding`);
        }
      } else if (model.columnOf[i] >= 0) {
        context.quantityAtMost(i, maxFraction, context.tag('OWNERSHIP_LIMIT_EXCEEDED', symbol), 1 / outstanding[i]);
      }
    }
  },
};

/** REGULATORY: one linear form per rule; a rule without one is reported as not covered. */
export const regulatory: Linearizer = (raw, context) => {
  const rules = raw as Rules;
  const rule = RULES[rules.rule];
  if (rule) rule(context, rules);
  else context.notCovered(`rule ${rules.rule} has no linear form`);
};
