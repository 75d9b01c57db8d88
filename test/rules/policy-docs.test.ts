import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { POLICIES_DOC, renderPolicyDocs } from '../../scripts/policy-docs.js';
import { POLICY_EXAMPLES } from '../../scripts/policy-examples.js';
import { RULE_MODULES } from '../../src/rules/registry.js';

describe('docs/policies.md', () => {
  it('is exactly what `npm run docs:policies` generates from a fresh run of its examples', async () => {
    expect(readFileSync(POLICIES_DOC, 'utf8')).toBe(await renderPolicyDocs());
  });

  it('has an example for every policy type, REGULATORY rule and RISK_LIMIT metric', () => {
    expect(Object.keys(POLICY_EXAMPLES).sort()).toEqual(Object.keys(RULE_MODULES).sort());
    const rules = POLICY_EXAMPLES.REGULATORY.map((example) => example.policy.rules.rule);
    expect(rules.sort()).toEqual(['DIVERSIFIED_75_5_10', 'OWNERSHIP_LIMIT', 'RESTRICTED_LIST', 'SHORT_SALE_BAN', 'UCITS_5_10_40']);
    const metrics = POLICY_EXAMPLES.RISK_LIMIT.map((example) => example.policy.rules.metric);
    expect(metrics.sort()).toEqual(['beta', 'gross_exposure', 'hhi', 'liquidity_days', 'net_exposure', 'var', 'volatility']);
    const mandateKeys = new Set(POLICY_EXAMPLES.INVESTMENT_MANDATE.flatMap((example) => Object.keys(example.policy.rules)));
    expect(mandateKeys.size).toBe(10);
  });
});
