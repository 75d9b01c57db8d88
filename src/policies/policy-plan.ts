import type { PolicyDefinition } from '../schemas/policy.js';

/** What applying a policies file would change, policy by policy. */
export interface PolicyPlan {
  readonly create: PolicyDefinition[];
  readonly replace: Array<{ readonly before: PolicyDefinition; readonly after: PolicyDefinition; readonly changes: string[] }>;
  readonly unchanged: string[];
  /** Stored policies the file does not list: applying leaves them alone. */
  readonly unmanaged: string[];
}

/** JSON with object keys sorted, so two equal values give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The fields that differ, as "field: before → after" (rules compared key by key). */
export function describeChanges(before: PolicyDefinition, after: PolicyDefinition): string[] {
  const changes: string[] = [];
  for (const field of ['policy_type', 'enforcement_level', 'enabled'] as const) {
    if (before[field] !== after[field]) changes.push(`${field}: ${String(before[field])} → ${String(after[field])}`);
  }
  const keys = [...new Set([...Object.keys(before.rules), ...Object.keys(after.rules)])].sort();
  for (const key of keys) {
    const was = before.rules[key];
    const now = after.rules[key];
    if (canonicalJson(was) === canonicalJson(now)) continue;
    const show = (v: unknown) => (v === undefined ? '(absent)' : canonicalJson(v));
    changes.push(`rules.${key}: ${show(was)} → ${show(now)}`);
  }
  return changes;
}

export function planPolicies(desired: readonly PolicyDefinition[], current: readonly PolicyDefinition[]): PolicyPlan {
  const stored = new Map(current.map((p) => [p.policy_name, p]));
  const listed = new Set(desired.map((p) => p.policy_name));
  const plan: PolicyPlan = { create: [], replace: [], unchanged: [], unmanaged: [] };
  for (const after of desired) {
    const before = stored.get(after.policy_name);
    if (!before) {
      plan.create.push(after);
      continue;
    }
    const changes = describeChanges(before, after);
    if (changes.length === 0) plan.unchanged.push(after.policy_name);
    else plan.replace.push({ before, after, changes });
  }
  for (const policy of current) if (!listed.has(policy.policy_name)) plan.unmanaged.push(policy.policy_name);
  return plan;
}

export function planIsEmpty(plan: PolicyPlan): boolean {
  return plan.create.length === 0 && plan.replace.length === 0;
}

/** One line per policy: + create, ~ replace (with its changes), = unchanged, · left alone. */
export function formatPlan(plan: PolicyPlan): string {
  const lines: string[] = [];
  for (const p of plan.create) lines.push(`+ create   ${p.policy_name} (${p.policy_type}, ${p.enforcement_level}${p.enabled ? '' : ', disabled'})`);
  for (const r of plan.replace) {
    lines.push(`~ replace  ${r.after.policy_name}`);
    for (const change of r.changes) lines.push(`      ${change}`);
  }
  for (const name of plan.unchanged) lines.push(`= same     ${name}`);
  for (const name of plan.unmanaged) lines.push(`· not in the file, left alone: ${name}`);
  return lines.join('\n');
}
