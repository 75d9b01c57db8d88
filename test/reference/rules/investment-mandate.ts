import type { Check } from '../judge.js';
import type { Holding, ReferenceState } from '../state.js';
import { held, issuerOf, noHolding, noShort } from './holdings.js';

export interface InvestmentMandateRules {
  allowed_asset_classes?: string[];
  excluded_symbols?: string[];
  excluded_issuers?: string[];
  excluded_sectors?: string[];
  excluded_countries?: string[];
  long_only?: boolean;
  min_cash_weight?: number;
  max_cash_weight?: number;
  max_positions?: number;
  min_rating?: string;
}

/** S&P long-term scale, best first. */
export const RATING_SCALE = ['AAA', 'AA+', 'AA', 'AA-', 'A+', 'A', 'A-', 'BBB+', 'BBB', 'BBB-', 'BB+', 'BB', 'BB-', 'B+', 'B', 'B-', 'CCC+', 'CCC', 'CCC-', 'CC', 'C', 'D'];

/**
 * A list test on one attribute of every held symbol: a listed value (or, for an allow-list, an
 * unlisted one) must not be held; a missing attribute fails closed.
 */
function listTest(holdings: Holding[], valueOf: (h: Holding) => string | undefined, list: string[], allow: boolean, violation_type: string): Check[] {
  const checks: Check[] = [];
  for (const h of holdings) {
    const value = valueOf(h);
    if (value === undefined) checks.push({ bound: 'missing', subject: h.symbol });
    else if (list.includes(value) !== allow) checks.push(noHolding(violation_type, h));
  }
  return checks;
}

/** INVESTMENT_MANDATE: each present key is one check. */
export function investmentMandateChecks(rules: InvestmentMandateRules, state: ReferenceState): Check[] {
  const holdings = state.holdings.filter(held);
  const checks: Check[] = [];
  if (rules.allowed_asset_classes) checks.push(...listTest(holdings, (h) => h.attributes.asset_class, rules.allowed_asset_classes, true, 'ASSET_CLASS_NOT_ALLOWED'));
  if (rules.excluded_symbols) checks.push(...listTest(holdings, (h) => h.symbol, rules.excluded_symbols, false, 'EXCLUDED_INSTRUMENT'));
  if (rules.excluded_issuers) checks.push(...listTest(holdings, issuerOf, rules.excluded_issuers, false, 'EXCLUDED_INSTRUMENT'));
  if (rules.excluded_sectors) checks.push(...listTest(holdings, (h) => h.attributes.sector, rules.excluded_sectors, false, 'EXCLUDED_INSTRUMENT'));
  if (rules.excluded_countries) checks.push(...listTest(holdings, (h) => h.attributes.country, rules.excluded_countries, false, 'EXCLUDED_INSTRUMENT'));
  if (rules.long_only) for (const h of holdings) checks.push(noShort('SHORT_POSITION_NOT_ALLOWED', h));

  // Cash weight = cash / NAV.
  const cash = { pre: state.preCash / state.preNav, post: state.postCash / state.postNav };
  if (rules.min_cash_weight !== undefined) checks.push({ bound: 'min', violation_type: 'CASH_MIN_BREACHED', subject: 'cash', ...cash, limit: rules.min_cash_weight });
  if (rules.max_cash_weight !== undefined) checks.push({ bound: 'max', violation_type: 'CASH_MAX_EXCEEDED', subject: 'cash', ...cash, limit: rules.max_cash_weight });

  if (rules.max_positions !== undefined) {
    // Non-zero positions.
    const pre = state.holdings.filter((h) => h.preQty !== 0).length;
    const post = state.holdings.filter((h) => h.postQty !== 0).length;
    checks.push({ bound: 'max', violation_type: 'MAX_POSITIONS_EXCEEDED', subject: 'positions', pre, post, limit: rules.max_positions });
  }
  if (rules.min_rating !== undefined) {
    // Rated below the minimum: must not be held. An unrated BOND, or a rating off the scale, fails closed.
    const floor = RATING_SCALE.indexOf(rules.min_rating);
    for (const h of holdings) {
      const rating = h.attributes.rating;
      if (rating === undefined) {
        if (h.attributes.asset_class === 'BOND') checks.push({ bound: 'missing', subject: h.symbol });
      } else if (!RATING_SCALE.includes(rating)) {
        checks.push({ bound: 'missing', subject: h.symbol });
      } else if (RATING_SCALE.indexOf(rating) > floor) {
        checks.push(noHolding('RATING_BELOW_MINIMUM', h));
      }
    }
  }
  return checks;
}
