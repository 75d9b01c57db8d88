// Numbers, dates and units as a compliance officer reads them.

const percentFormat = new Intl.NumberFormat('en-GB', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const wholePercentFormat = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 0 });
const amountFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

export const percent = (x) => percentFormat.format(x);
export const wholePercent = (x) => wholePercentFormat.format(x);
export const amount = (x) => amountFormat.format(x);
export const dateTime = (iso) => dateFormat.format(new Date(iso));

/** Fractions of NAV are shown as percentages; quantities, notionals and ratios as plain numbers. */
const WEIGHT_TYPES = new Set([
  'MAX_WEIGHT_EXCEEDED', 'MIN_WEIGHT_BREACHED', 'GROUP_MAX_EXCEEDED', 'GROUP_MIN_BREACHED',
  'ISSUER_LIMIT_EXCEEDED', 'AGGREGATE_LIMIT_EXCEEDED', 'DIVERSIFICATION_FAILED', 'OWNERSHIP_LIMIT_EXCEEDED',
  'CASH_MIN_BREACHED', 'CASH_MAX_EXCEEDED',
]);
const WEIGHT_METRICS = new Set(['gross_exposure', 'net_exposure', 'volatility', 'var']);

export function isFraction(violationType, subject) {
  if (WEIGHT_TYPES.has(violationType)) return true;
  return violationType.startsWith('RISK_') && WEIGHT_METRICS.has(subject);
}

/** A violation's observed or limit value in its unit, or an empty string when absent. */
export function figure(value, violationType, subject) {
  if (value === null || value === undefined) return '';
  return isFraction(violationType, subject) ? percent(value) : amount(value);
}

const flatJson = (value) => {
  if (Array.isArray(value)) return `[${value.map(flatJson).join(', ')}]`;
  if (value && typeof value === 'object' && Object.keys(value).length === 0) return '{}';
  if (value && typeof value === 'object') return `{ ${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${flatJson(v)}`).join(', ')} }`;
  return JSON.stringify(value);
};
const isContainer = (value) => value !== null && typeof value === 'object';

/** JSON with one line per leaf object or array (a position, a trade, a covariance row), for reading in a text box. */
export function readableJson(value, indent = '') {
  if (!isContainer(value) || Object.values(value).every((member) => !isContainer(member))) return flatJson(value);
  const inner = `${indent}  `;
  const lines = Array.isArray(value)
    ? value.map((member) => inner + readableJson(member, inner))
    : Object.entries(value).map(([key, member]) => `${inner}${JSON.stringify(key)}: ${readableJson(member, inner)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${lines.join(',\n')}\n${indent}${close}`;
}
