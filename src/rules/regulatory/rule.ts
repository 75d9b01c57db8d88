import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import type { ErrorDetail } from '../../schemas/common.js';
import { Severity } from '../../schemas/common.js';
import type { PolicyEvaluator } from '../types.js';

/**
 * One REGULATORY rule (`rules.rule`): its own parameter schema, checks beyond it and compiler.
 * regulatory.ts validates `rule` first and then that rule's schema, so errors name the field.
 */
export interface RegulatoryRule<S extends TObject = TObject> {
  readonly rule: string;
  readonly rulesSchema: S;
  check?(rules: Static<S>): ErrorDetail[];
  compile(rules: Static<S>): PolicyEvaluator;
}

/** The rules object of one regulatory rule: `rule` itself, its parameters, optional severity. */
export function regulatoryRules<R extends string, P extends TProperties>(rule: R, properties: P, description: string) {
  return Type.Object(
    { rule: Type.Literal(rule), ...properties, severity: Type.Optional(Severity) },
    { additionalProperties: false, description },
  );
}

export function defineRegulatoryRule<S extends TObject>(rule: RegulatoryRule<S>): RegulatoryRule<S> {
  return rule;
}
