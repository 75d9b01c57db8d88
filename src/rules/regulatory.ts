import { Type, type TObject } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { Severity } from '../schemas/common.js';
import { schemaErrors } from '../schemas/check.js';
import { diversified75510 } from './regulatory/diversified-75-5-10.js';
import { ownershipLimit } from './regulatory/ownership-limit.js';
import { restrictedList } from './regulatory/restricted-list.js';
import type { RegulatoryRule } from './regulatory/rule.js';
import { shortSaleBan } from './regulatory/short-sale-ban.js';
import { ucits51040 } from './regulatory/ucits-5-10-40.js';
import { defineRule } from './types.js';

/** `rules.rule` → the regulatory rule, with its parameter schema compiled once. */
const RULES = new Map<string, { rule: RegulatoryRule; checker: TypeCheck<TObject> }>(
  [ucits51040, diversified75510, restrictedList, shortSaleBan, ownershipLimit].map((rule) => [
    rule.rule,
    { rule: rule as unknown as RegulatoryRule, checker: TypeCompiler.Compile(rule.rulesSchema) },
  ]),
);
const NAMES = [...RULES.keys()].join(', ');

/**
 * REGULATORY: dispatches on `rules.rule` (one file per rule under regulatory/). The rule name is
 * checked first, then that rule's own schema, so a bad parameter is named, e.g. /rules/issuer_max.
 * Strict regulatory violations are CRITICAL (the judge applies contract section 5).
 */
export const regulatory = defineRule({
  policyType: 'REGULATORY',
  rulesSchema: Type.Object(
    { rule: Type.String({ description: `One of ${NAMES}` }), severity: Type.Optional(Severity) },
    { additionalProperties: true, description: 'A regulatory rule and its parameters' },
  ),
  check(rules) {
    const entry = RULES.get(rules.rule);
    if (!entry) return [{ path: '/rule', message: `must be one of ${NAMES}` }];
    const details = schemaErrors(entry.checker, rules);
    if (details.length > 0) return details;
    return entry.rule.check?.(rules) ?? [];
  },
  compile(rules) {
    const entry = RULES.get(rules.rule);
    if (!entry) throw new Error(`No regulatory rule ${rules.rule}`);
    return entry.rule.compile(rules);
  },
});
