import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import type { CheckSink } from '../engine/checks.js';
import type { PortfolioColumns } from '../engine/portfolio.js';
import type { ErrorDetail, PolicyType } from '../schemas/common.js';
import { Severity } from '../schemas/common.js';

/** Evaluates one compiled policy over a request's columns, reporting every check to the sink. */
export type PolicyEvaluator = (portfolio: PortfolioColumns, sink: CheckSink) => void;

/**
 * One policy type: the schema of its rules, the checks the schema cannot express, and a compiler
 * from rules to an evaluator. Adding a policy type is one such module and one registry line.
 */
export interface RuleModule<S extends TObject = TObject> {
  readonly policyType: PolicyType;
  readonly rulesSchema: S;
  /** Checks beyond the schema (e.g. min ≤ max); paths are JSON pointers relative to the rules. */
  check?(rules: Static<S>): ErrorDetail[];
  compile(rules: Static<S>): PolicyEvaluator;
}

/** Every policy type's rules may override the computed severity. */
export function rulesObject<P extends TProperties>(properties: P, description: string) {
  return Type.Object(
    { ...properties, severity: Type.Optional(Severity) },
    { additionalProperties: false, description },
  );
}

export const Weight = (description: string) => Type.Number({ description });
export const SymbolList = Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true });

export function defineRule<S extends TObject>(module: RuleModule<S>): RuleModule<S> {
  return module;
}
