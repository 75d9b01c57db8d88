import { evaluateRequest } from '../../src/engine/evaluate.js';
import { compilePolicySet } from '../../src/policies/compile.js';
import { toPolicyDefinition } from '../../src/policies/validate-definition.js';
import type { EnforcementLevel, PolicyType } from '../../src/schemas/common.js';
import type { InstrumentAttributes, Position, RiskModel, Trade, ValidationResponse } from '../../src/schemas/validation.js';

/** A policy as a test names it; rules go through the same validation as POST /api/v1/policies. */
export interface TestPolicy {
  readonly type: PolicyType;
  readonly rules: Record<string, unknown>;
  readonly enforcement?: EnforcementLevel;
  readonly name?: string;
}

/** A portfolio and a decision on it. */
export interface Scenario {
  readonly cash: number;
  readonly positions?: Position[];
  readonly trades?: Trade[];
  readonly instruments?: Record<string, InstrumentAttributes>;
  readonly risk_model?: RiskModel;
}

/** Runs one scenario through the real engine against the given policies. */
export function validate(policies: TestPolicy | TestPolicy[], scenario: Scenario): ValidationResponse {
  const list = Array.isArray(policies) ? policies : [policies];
  const definitions = list.map((policy, n) =>
    toPolicyDefinition({
      policy_name: policy.name ?? `policy_${n}`,
      policy_type: policy.type,
      rules: policy.rules,
      enforcement_level: policy.enforcement ?? 'strict',
    }),
  );
  const request = {
    decision: { decision_id: 'test', trades: scenario.trades ?? [] },
    portfolio_state: {
      cash: scenario.cash,
      positions: scenario.positions ?? [],
      ...(scenario.instruments ? { instruments: scenario.instruments } : {}),
      ...(scenario.risk_model ? { risk_model: scenario.risk_model } : {}),
    },
    applicable_policies: [],
  };
  return evaluateRequest(request, compilePolicySet(1, definitions)).response;
}

export const buy = (symbol: string, quantity: number, extra: Partial<Trade> = {}): Trade => ({ symbol, side: 'BUY', quantity, ...extra });
export const sell = (symbol: string, quantity: number, extra: Partial<Trade> = {}): Trade => ({ symbol, side: 'SELL', quantity, ...extra });

/** The violation types of a response, in order. */
export const types = (response: ValidationResponse) => response.violations.map((v) => v.violation_type);
