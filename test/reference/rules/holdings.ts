import type { Check } from '../judge.js';
import type { Holding } from '../state.js';

/** A symbol is held when its quantity is non-zero before or after the trades. */
export const held = (h: Holding) => h.preQty !== 0 || h.postQty !== 0;

/** The issuer is the symbol when `issuer` is missing (contract section 3). */
export const issuerOf = (h: Holding) => h.attributes.issuer ?? h.symbol;

/**
 * "No holding" as |quantity| ≤ 0, in units rather than weight: a trade elsewhere that moves NAV
 * must not make an untouched holding worse (section 4), and selling down is then passive.
 */
export const noHolding = (violation_type: string, h: Holding): Check => ({
  bound: 'max', violation_type, subject: h.symbol, pre: Math.abs(h.preQty), post: Math.abs(h.postQty), limit: 0,
});

/** "No negative quantity" as the short size max(−quantity, 0) ≤ 0; covering part of it is passive. */
export const noShort = (violation_type: string, h: Holding): Check => ({
  bound: 'max', violation_type, subject: h.symbol, pre: Math.max(-h.preQty, 0), post: Math.max(-h.postQty, 0), limit: 0,
});
