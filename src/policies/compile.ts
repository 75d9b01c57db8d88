import type { CheckSink, PolicyIdentity } from '../engine/checks.js';
import type { PortfolioColumns } from '../engine/portfolio.js';
import { RULE_MODULES } from '../rules/registry.js';
import type { Severity } from '../schemas/common.js';
import type { PolicyDefinition } from '../schemas/policy.js';

export interface CompiledPolicy {
  readonly identity: PolicyIdentity;
  readonly definition: PolicyDefinition;
  evaluate(portfolio: PortfolioColumns, sink: CheckSink): void;
}

/** A policy set compiled once per version; validations only look policies up and run them. */
export interface CompiledPolicySet {
  readonly version: number;
  /** Enabled policies by name. */
  readonly enabled: ReadonlyMap<string, CompiledPolicy>;
  /** Disabled policy names, to say why a requested policy cannot be applied. */
  readonly disabled: ReadonlySet<string>;
  /** Names of the enabled policies in name order: what an empty applicable_policies means. */
  readonly allEnabled: readonly string[];
}

export function compilePolicy(definition: PolicyDefinition): CompiledPolicy {
  const module = RULE_MODULES[definition.policy_type];
  if (!module) throw new Error(`No rule module for policy type ${definition.policy_type}`);
  const severity = definition.rules.severity as Severity | undefined;
  return {
    identity: {
      name: definition.policy_name,
      type: definition.policy_type,
      enforcement: definition.enforcement_level,
      ...(severity ? { severityOverride: severity } : {}),
    },
    definition,
    evaluate: module.compile(definition.rules),
  };
}

export function compilePolicySet(version: number, definitions: readonly PolicyDefinition[]): CompiledPolicySet {
  const enabled = new Map<string, CompiledPolicy>();
  const disabled = new Set<string>();
  for (const definition of definitions) {
    if (definition.enabled) enabled.set(definition.policy_name, compilePolicy(definition));
    else disabled.add(definition.policy_name);
  }
  return { version, enabled, disabled, allEnabled: [...enabled.keys()].sort() };
}
