import { Type, type Static } from '@sinclair/typebox';
import type { CheckKind, CheckSink } from '../engine/checks.js';
import { amount, percent } from '../engine/format.js';
import type { GroupAttribute, PortfolioColumns } from '../engine/portfolio.js';
import type { ErrorDetail } from '../schemas/common.js';
import { forbidHolding, forbidShort, holdingKind, isHeld, issuerColumn, shortKind } from './holdings.js';
import { RATING_SCALE, ratingRank } from './rating-scale.js';
import { SymbolList, defineRule, rulesObject, type PolicyEvaluator } from './types.js';

const NameList = Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true });

const schema = rulesObject(
  {
    allowed_asset_classes: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true, minItems: 1 })),
    excluded_symbols: Type.Optional(SymbolList),
    excluded_issuers: Type.Optional(NameList),
    excluded_sectors: Type.Optional(NameList),
    excluded_countries: Type.Optional(NameList),
    long_only: Type.Optional(Type.Boolean()),
    min_cash_weight: Type.Optional(Type.Number({ description: 'Smallest cash / NAV' })),
    max_cash_weight: Type.Optional(Type.Number({ description: 'Largest cash / NAV' })),
    max_positions: Type.Optional(Type.Integer({ minimum: 0, description: 'Most non-zero positions' })),
    min_rating: Type.Optional(Type.String({ description: `Lowest S&P rating held: ${RATING_SCALE.join(', ')}` })),
  },
  'Mandate restrictions; each key present is one check',
);
type MandateRules = Static<typeof schema>;
type Check = PolicyEvaluator;

/** Values compared exactly as sent, as SECTOR_LIMIT groups them. */
const EXCLUSIONS = [
  ['excluded_sectors', 'sector'],
  ['excluded_countries', 'country'],
] as const satisfies ReadonlyArray<readonly [keyof MandateRules, GroupAttribute]>;

const CASH_MIN: CheckKind = { violationType: 'CASH_MIN_BREACHED', subjectText: () => 'Cash', format: percent, unit: ' of NAV' };
const CASH_MAX: CheckKind = { ...CASH_MIN, violationType: 'CASH_MAX_EXCEEDED' };
const POSITIONS: CheckKind = { violationType: 'MAX_POSITIONS_EXCEEDED', subjectText: () => 'Number of positions', format: amount, unit: '' };
const SHORT = shortKind('SHORT_POSITION_NOT_ALLOWED');
const EXCLUDED_SYMBOL = holdingKind('EXCLUDED_INSTRUMENT', 'excluded symbol');

/** A held slot lacking an attribute a check needs: fails closed. */
function missingAttribute(sink: CheckSink, portfolio: PortfolioColumns, i: number, attribute: string, key: string): void {
  const symbol = portfolio.symbols[i];
  sink.missing(symbol, `${symbol} has no ${attribute}; ${key} cannot be checked`);
}

/** Holdings whose `attribute` is in (or, for an allow-list, outside) a list: |qᵢ| ≤ 0. */
function listCheck(attribute: GroupAttribute, key: string, listed: ReadonlySet<string>, allow: boolean, violationType: string, reason: (value: string) => string): Check {
  return (portfolio, sink) => {
    const { codes, labels } = portfolio.group(attribute);
    for (let i = 0; i < portfolio.n; i++) {
      if (!isHeld(portfolio, i)) continue;
      if (codes[i] < 0) {
        missingAttribute(sink, portfolio, i, attribute, key);
        continue;
      }
      const value = labels[codes[i]];
      if (listed.has(value) !== allow) forbidHolding(sink, holdingKind(violationType, reason(value)), portfolio, i);
    }
  };
}

/**
 * min_rating: rank(ratingᵢ) ≤ rank(min_rating), as |qᵢ| ≤ 0 for holdings rated below it. A BOND
 * without a rating, or a rating off the S&P scale, fails closed; other unrated instruments
 * (equities, funds) carry no credit rating and are not checked.
 */
function ratingCheck(minimum: string): Check {
  const floor = ratingRank(minimum)!;
  return (portfolio, sink) => {
    for (let i = 0; i < portfolio.n; i++) {
      if (!isHeld(portfolio, i)) continue;
      const rating = portfolio.attribute(i, 'rating');
      if (rating === undefined) {
        if (portfolio.attribute(i, 'asset_class') === 'BOND') missingAttribute(sink, portfolio, i, 'rating', 'min_rating');
        continue;
      }
      const rank = ratingRank(rating);
      if (rank === undefined) {
        const symbol = portfolio.symbols[i];
        sink.missing(symbol, `${symbol} is rated ${rating}, which is not on the S&P scale; min_rating cannot be checked`);
      } else if (rank > floor) {
        forbidHolding(sink, holdingKind('RATING_BELOW_MINIMUM', `rated ${rating}, below ${minimum}`), portfolio, i);
      }
    }
  };
}

/** Non-zero positions before and after: count(qᵢ ≠ 0) ≤ max_positions. */
function positionCount(limit: number): Check {
  return (portfolio, sink) => {
    let pre = 0;
    let post = 0;
    for (let i = 0; i < portfolio.n; i++) {
      if (portfolio.preQty[i] !== 0) pre++;
      if (portfolio.postQty[i] !== 0) post++;
    }
    sink.max(POSITIONS, 'positions', pre, post, limit);
  };
}

/** The checks of the keys present, in a fixed order. */
function checksOf(rules: MandateRules): Check[] {
  const checks: Check[] = [];
  if (rules.allowed_asset_classes) {
    const allowed = new Set(rules.allowed_asset_classes);
    checks.push(listCheck('asset_class', 'allowed_asset_classes', allowed, true, 'ASSET_CLASS_NOT_ALLOWED', (value) => `asset class ${value} not allowed`));
  }
  if (rules.excluded_symbols) {
    const excluded = new Set(rules.excluded_symbols);
    checks.push((portfolio, sink) => {
      for (let i = 0; i < portfolio.n; i++) {
        if (isHeld(portfolio, i) && excluded.has(portfolio.symbols[i])) forbidHolding(sink, EXCLUDED_SYMBOL, portfolio, i);
      }
    });
  }
  if (rules.excluded_issuers) {
    // The issuer is the symbol when `issuer` is missing, as for REGULATORY: never missing data.
    const excluded = new Set(rules.excluded_issuers);
    checks.push((portfolio, sink) => {
      const { codes, labels } = issuerColumn(portfolio);
      for (let i = 0; i < portfolio.n; i++) {
        const issuer = labels[codes[i]];
        if (isHeld(portfolio, i) && excluded.has(issuer)) forbidHolding(sink, holdingKind('EXCLUDED_INSTRUMENT', `excluded issuer ${issuer}`), portfolio, i);
      }
    });
  }
  for (const [key, attribute] of EXCLUSIONS) {
    const list = rules[key];
    if (list) checks.push(listCheck(attribute, key, new Set(list), false, 'EXCLUDED_INSTRUMENT', (value) => `excluded ${attribute} ${value}`));
  }
  if (rules.long_only) {
    checks.push((portfolio, sink) => {
      for (let i = 0; i < portfolio.n; i++) if (isHeld(portfolio, i)) forbidShort(sink, SHORT, portfolio, i);
    });
  }
  // Cash weight = cash / NAV.
  const { min_cash_weight: minCash, max_cash_weight: maxCash } = rules;
  if (minCash !== undefined) checks.push((p, sink) => sink.min(CASH_MIN, 'cash', p.preCash / p.preNav, p.postCash / p.postNav, minCash));
  if (maxCash !== undefined) checks.push((p, sink) => sink.max(CASH_MAX, 'cash', p.preCash / p.preNav, p.postCash / p.postNav, maxCash));
  if (rules.max_positions !== undefined) checks.push(positionCount(rules.max_positions));
  if (rules.min_rating !== undefined) checks.push(ratingCheck(rules.min_rating));
  return checks;
}

/** INVESTMENT_MANDATE: each key present is one check (contract section 3). */
export const investmentMandate = defineRule({
  policyType: 'INVESTMENT_MANDATE',
  rulesSchema: schema,
  check(rules) {
    const issues: ErrorDetail[] = [];
    if (!Object.keys(rules).some((key) => key !== 'severity')) issues.push({ path: '', message: 'needs at least one mandate key' });
    if (rules.min_rating !== undefined && ratingRank(rules.min_rating) === undefined) {
      issues.push({ path: '/min_rating', message: `must be an S&P rating: ${RATING_SCALE.join(', ')}` });
    }
    if (rules.min_cash_weight !== undefined && rules.max_cash_weight !== undefined && rules.min_cash_weight > rules.max_cash_weight) {
      issues.push({ path: '/min_cash_weight', message: 'must not exceed max_cash_weight' });
    }
    return issues;
  },
  compile(rules) {
    const checks = checksOf(rules);
    return (portfolio, sink) => {
      for (const check of checks) check(portfolio, sink);
    };
  },
});
