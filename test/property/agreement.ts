import { expect } from 'vitest';
import type { PolicyViolation } from '../../src/schemas/validation.js';
import type { EngineOutcome, ReferenceOutcome } from './outcomes.js';

/** The assertion that the engine and the reference agree on a request. */

/** A passive breach is named in a recommendation that ends with its violation type in parentheses. */
const PASSIVE_NOTE = /\(([A-Z][A-Z_]*)\)$/;

interface Comparable {
  key: string;
  observed?: number;
  limit?: number;
  pre_trade?: number;
}

const keyOf = (v: { policy_name: string; violation_type: string; subject?: string; severity: string }) =>
  `${v.policy_name} | ${v.violation_type} | ${v.subject} | ${v.severity}`;

/** Sorted by key, then by the numbers, so equal multisets line up pairwise. */
function sorted(list: Comparable[]): Comparable[] {
  return [...list].sort((a, b) => a.key.localeCompare(b.key) || (a.observed ?? 0) - (b.observed ?? 0) || (a.pre_trade ?? 0) - (b.pre_trade ?? 0));
}

/** Equal within 1e-9 relative (with an absolute floor of 1e-12 for values near zero). */
export function close(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
}

export function expectAgreement(engine: EngineOutcome, reference: ReferenceOutcome): void {
  if (!reference.ok || !engine.ok) {
    // Which reason a request with several faults names first is not in the contract: any of them.
    const engineSays = engine.ok ? 'accepted' : engine.code;
    const referenceSays = reference.ok ? ['accepted'] : reference.codes;
    expect(engineSays, `engine: ${engineSays}; reference: ${referenceSays.join(' or ')}`).toBeOneOf(referenceSays);
    if (!engine.ok) expect(engine.status).toBe(422);
    return;
  }
  const { response } = engine;
  const { result } = reference;
  expect(response.is_compliant, 'is_compliant').toBe(result.is_compliant);
  expect(Math.abs(response.compliance_score - result.compliance_score), `compliance_score ${response.compliance_score} vs reference ${result.compliance_score}`).toBeLessThanOrEqual(1e-9);

  const actual = sorted(response.violations.map((v: PolicyViolation) => ({ key: keyOf(v), observed: v.observed, limit: v.limit, pre_trade: v.pre_trade })));
  const expected = sorted(result.violations.map((v) => ({ key: keyOf(v), observed: v.observed, limit: v.limit, pre_trade: v.pre_trade })));
  expect(actual.map((v) => v.key), 'violations (policy | type | subject | severity)').toEqual(expected.map((v) => v.key));
  actual.forEach((v, i) => {
    const w = expected[i];
    const agree = close(v.observed, w.observed) && close(v.limit, w.limit) && close(v.pre_trade, w.pre_trade);
    expect(agree, `${v.key}: engine ${JSON.stringify(v)} vs reference ${JSON.stringify(w)}`).toBe(true);
  });

  const passive = response.recommendations.flatMap((note) => PASSIVE_NOTE.exec(note)?.[1] ?? []).sort();
  expect(passive, 'passive breaches by violation type').toEqual(result.passive.map((p) => p.violation_type).sort());
}
