import type { CheckKind, CheckSink } from '../engine/checks.js';
import { amount } from '../engine/format.js';
import type { GroupColumn, PortfolioColumns } from '../engine/portfolio.js';
import { StringIndex } from '../engine/string-index.js';

/** A slot counts as held when its quantity is non-zero before or after the trade. */
export function isHeld(portfolio: PortfolioColumns, i: number): boolean {
  return portfolio.preQty[i] !== 0 || portfolio.postQty[i] !== 0;
}

/** Issuer per slot: the `issuer` attribute, else the symbol itself (contract section 3). */
export function issuerColumn(portfolio: PortfolioColumns): GroupColumn {
  const { codes: attributeCodes, labels: attributeLabels } = portfolio.group('issuer');
  let missing = 0;
  for (let i = 0; i < portfolio.n; i++) if (attributeCodes[i] < 0) missing++;
  if (missing === 0) return { codes: attributeCodes, labels: attributeLabels };
  const codes = new Int32Array(portfolio.n);
  // The attribute's labels keep their codes; symbols standing in for an issuer are added after them.
  const labels = new StringIndex(attributeLabels.length + missing, attributeLabels);
  for (let i = 0; i < portfolio.n; i++) {
    codes[i] = attributeCodes[i] >= 0 ? attributeCodes[i] : labels.add(portfolio.symbols[i]);
  }
  return { codes, labels: labels.keys };
}

/** A "must not hold" check reads "Holding of AAPL (restricted symbol) would be 300 units; limit 0". */
export function holdingKind(violationType: string, reason: string): CheckKind {
  return { violationType, subjectText: (symbol) => `Holding of ${symbol} (${reason})`, format: amount, unit: ' units' };
}

/**
 * No holding at all: |quantity| ≤ 0. Measured in units, not weight, so a trade elsewhere that
 * moves NAV cannot turn an untouched holding into an active breach; selling down is passive.
 */
export function forbidHolding(sink: CheckSink, kind: CheckKind, portfolio: PortfolioColumns, i: number): void {
  sink.max(kind, portfolio.symbols[i], Math.abs(portfolio.preQty[i]), Math.abs(portfolio.postQty[i]), 0);
}

const SHORT_POSITION: Omit<CheckKind, 'violationType'> = { subjectText: (symbol) => `Short position in ${symbol}`, format: amount, unit: ' units' };
export const shortKind = (violationType: string): CheckKind => ({ ...SHORT_POSITION, violationType });

/** No short position: max(−quantity, 0) ≤ 0; covering part of a short is a passive breach. */
export function forbidShort(sink: CheckSink, kind: CheckKind, portfolio: PortfolioColumns, i: number): void {
  sink.max(kind, portfolio.symbols[i], Math.max(-portfolio.preQty[i], 0), Math.max(-portfolio.postQty[i], 0), 0);
}
