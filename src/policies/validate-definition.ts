import type { TObject } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ServiceError } from '../errors.js';
import { RULE_MODULES } from '../rules/registry.js';
import type { ErrorDetail, PolicyType } from '../schemas/common.js';
import type { PolicyDefinition, PolicyInput } from '../schemas/policy.js';
import { schemaErrors } from '../schemas/check.js';
import { unstorable } from '../schemas/storable.js';

const checkers = new Map<PolicyType, TypeCheck<TObject>>();

function checkerFor(type: PolicyType): TypeCheck<TObject> | undefined {
  let checker = checkers.get(type);
  const module = RULE_MODULES[type];
  if (!checker && module) {
    checker = TypeCompiler.Compile(module.rulesSchema);
    checkers.set(type, checker);
  }
  return checker;
}

/**
 * Checks a policy's rules against its type's schema and the module's own checks, then returns
 * the definition with defaults filled in. Anything wrong is a 400 naming the field under /rules.
 */
export function toPolicyDefinition(input: PolicyInput, basePath = ''): PolicyDefinition {
  const module = RULE_MODULES[input.policy_type];
  const checker = checkerFor(input.policy_type);
  if (!module || !checker) {
    throw new ServiceError('PES_INVALID_RULES', `policy_type ${input.policy_type} is not supported`, [
      { path: `${basePath}/policy_type`, message: `supported: ${Object.keys(RULE_MODULES).join(', ')}` },
    ]);
  }
  let details: ErrorDetail[] = schemaErrors(checker, input.rules, `${basePath}/rules`);
  if (details.length === 0 && module.check) {
    details = module.check(input.rules).map((d) => ({ path: `${basePath}/rules${d.path}`, message: d.message }));
  }
  if (details.length === 0) {
    const problem = unstorable(input.rules, `${basePath}/rules`);
    if (problem) details = [problem];
  }
  if (details.length > 0) {
    throw new ServiceError('PES_INVALID_RULES', `The rules do not fit policy_type ${input.policy_type}: ${details[0].path} ${details[0].message}`, details);
  }
  return {
    policy_name: input.policy_name,
    policy_type: input.policy_type,
    rules: input.rules,
    enforcement_level: input.enforcement_level ?? 'strict',
    enabled: input.enabled ?? true,
  };
}
