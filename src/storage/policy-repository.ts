import { ServiceError } from '../errors.js';
import { DEFAULT_POLICIES } from '../policies/defaults.js';
import type { PolicyDefinition, PolicyPatch } from '../schemas/policy.js';
import type { PolicyChange, PolicyChangeAction } from '../schemas/policy-history.js';
import type { Database, Queryable } from './database.js';

interface PolicyRow {
  policy_name: string;
  policy_type: PolicyDefinition['policy_type'];
  policy_rules: Record<string, unknown>;
  enforcement_level: PolicyDefinition['enforcement_level'];
  enabled: boolean;
}

const toDefinition = (row: PolicyRow): PolicyDefinition => ({
  policy_name: row.policy_name,
  policy_type: row.policy_type,
  rules: row.policy_rules,
  enforcement_level: row.enforcement_level,
  enabled: row.enabled,
});

const COLUMNS = 'policy_name, policy_type, policy_rules, enforcement_level, enabled';

/** Who changed a policy when no API caller did: the defaults seeded on first start, the policies file. */
const SYSTEM_ACTOR = 'system';

interface PolicyChangeRow {
  id: string;
  policy_name: string;
  action: PolicyChangeAction;
  actor: string;
  changed_at: Date | string;
  policy_set_version: string;
  definition_before: PolicyDefinition | null;
  definition_after: PolicyDefinition | null;
}

const toChange = (row: PolicyChangeRow): PolicyChange => ({
  id: Number(row.id),
  policy_name: row.policy_name,
  action: row.action,
  actor: row.actor,
  changed_at: new Date(row.changed_at).toISOString(),
  policy_set_version: Number(row.policy_set_version),
  before: row.definition_before,
  after: row.definition_after,
});

export interface PolicySnapshot {
  readonly version: number;
  readonly policies: PolicyDefinition[];
}

/**
 * portfolio_policies. Each change bumps the policy-set version and writes its audit entry
 * (policy_changes: who, when, before and after) in the same transaction as the change itself.
 */
export class PolicyRepository {
  constructor(private readonly db: Database) {}

  async snapshot(): Promise<PolicySnapshot> {
    return this.db.transaction(async (tx) => ({
      version: await currentVersion(tx),
      policies: (await tx.query<PolicyRow>(`SELECT ${COLUMNS} FROM portfolio_policies ORDER BY policy_name`)).map(toDefinition),
    }));
  }

  async version(): Promise<number> {
    return currentVersion(this.db);
  }

  async get(name: string): Promise<PolicyDefinition | undefined> {
    const rows = await this.db.query<PolicyRow>(`SELECT ${COLUMNS} FROM portfolio_policies WHERE policy_name = $1`, [name]);
    return rows[0] && toDefinition(rows[0]);
  }

  async create(definition: PolicyDefinition, actor = SYSTEM_ACTOR): Promise<number> {
    return this.db.transaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO portfolio_policies (${COLUMNS}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (policy_name) DO NOTHING RETURNING id`,
        params(definition),
      );
      if (inserted.length === 0) throw new ServiceError('PES_POLICY_EXISTS', `Policy "${definition.policy_name}" exists`);
      return recordChange(tx, { action: 'create', actor, policyName: definition.policy_name, before: null, after: definition });
    });
  }

  async replace(definition: PolicyDefinition, actor = SYSTEM_ACTOR): Promise<number> {
    return this.db.transaction(async (tx) => {
      const before = await lockPolicy(tx, definition.policy_name);
      await tx.query(
        `UPDATE portfolio_policies SET policy_type = $2, policy_rules = $3, enforcement_level = $4, enabled = $5, updated_at = now()
         WHERE policy_name = $1`,
        params(definition),
      );
      return recordChange(tx, { action: 'replace', actor, policyName: definition.policy_name, before, after: definition });
    });
  }

  /**
   * Changes `enabled` and/or `enforcement_level` and returns the policy as it now stands. A patch
   * that changes nothing writes nothing (no version bump, no audit entry).
   */
  async patch(name: string, changes: PolicyPatch, actor = SYSTEM_ACTOR): Promise<PolicyDefinition> {
    return this.db.transaction(async (tx) => {
      const before = await lockPolicy(tx, name);
      const after: PolicyDefinition = { ...before, ...changes };
      if (after.enabled === before.enabled && after.enforcement_level === before.enforcement_level) return before;
      await tx.query('UPDATE portfolio_policies SET enforcement_level = $2, enabled = $3, updated_at = now() WHERE policy_name = $1', [
        name, after.enforcement_level, after.enabled,
      ]);
      const onlyEnabled = after.enforcement_level === before.enforcement_level;
      const action: PolicyChangeAction = onlyEnabled ? (after.enabled ? 'enable' : 'disable') : 'update';
      await recordChange(tx, { action, actor, policyName: name, before, after });
      return after;
    });
  }

  async remove(name: string, actor = SYSTEM_ACTOR): Promise<number> {
    return this.db.transaction(async (tx) => {
      const [deleted] = await tx.query<PolicyRow>(`DELETE FROM portfolio_policies WHERE policy_name = $1 RETURNING ${COLUMNS}`, [name]);
      if (!deleted) throw unknownPolicy(name);
      return recordChange(tx, { action: 'delete', actor, policyName: name, before: toDefinition(deleted), after: null });
    });
  }

  /** The audit trail of one policy name, newest first; it outlives the policy's deletion. */
  async history(name: string, limit = 100): Promise<PolicyChange[]> {
    const rows = await this.db.query<PolicyChangeRow>(
      `SELECT id, policy_name, action, actor, changed_at, policy_set_version, definition_before, definition_after
       FROM policy_changes WHERE policy_name = $1 ORDER BY id DESC LIMIT $2`,
      [name, limit],
    );
    return rows.map(toChange);
  }

  /** Seeds the default policies once: on the very first start, when no policy was ever written. */
  async seedDefaults(defaults: readonly PolicyDefinition[] = DEFAULT_POLICIES): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ version: string }>('SELECT version FROM policy_set_version FOR UPDATE');
      if (Number(row.version) !== 0) return false;
      const seeded: PolicyDefinition[] = [];
      for (const definition of defaults) {
        const inserted = await tx.query(
          `INSERT INTO portfolio_policies (${COLUMNS}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id`,
          params(definition),
        );
        if (inserted.length > 0) seeded.push(definition);
      }
      const version = await bumpVersion(tx);
      for (const definition of seeded) {
        await insertChange(tx, version, { action: 'create', actor: SYSTEM_ACTOR, policyName: definition.policy_name, before: null, after: definition });
      }
      return true;
    });
  }
}

export function unknownPolicy(name: string): ServiceError {
  return new ServiceError('PES_POLICY_NOT_FOUND', `Policy "${name}" does not exist`);
}

function params(d: PolicyDefinition): unknown[] {
  return [d.policy_name, d.policy_type, JSON.stringify(d.rules), d.enforcement_level, d.enabled];
}

async function currentVersion(db: Queryable): Promise<number> {
  const [row] = await db.query<{ version: string }>('SELECT version FROM policy_set_version');
  return Number(row.version);
}

async function lockPolicy(tx: Queryable, name: string): Promise<PolicyDefinition> {
  const [row] = await tx.query<PolicyRow>(`SELECT ${COLUMNS} FROM portfolio_policies WHERE policy_name = $1 FOR UPDATE`, [name]);
  if (!row) throw unknownPolicy(name);
  return toDefinition(row);
}

interface ChangeInput {
  readonly action: PolicyChangeAction;
  readonly actor: string;
  readonly policyName: string;
  readonly before: PolicyDefinition | null;
  readonly after: PolicyDefinition | null;
}

/** Bumps the policy-set version and writes the audit entry, in the caller's transaction. */
async function recordChange(tx: Queryable, change: ChangeInput): Promise<number> {
  const version = await bumpVersion(tx);
  await insertChange(tx, version, change);
  return version;
}

async function insertChange(tx: Queryable, version: number, change: ChangeInput): Promise<void> {
  await tx.query(
    `INSERT INTO policy_changes (policy_name, action, actor, policy_set_version, definition_before, definition_after)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [change.policyName, change.action, change.actor, version, json(change.before), json(change.after)],
  );
}

const json = (definition: PolicyDefinition | null) => (definition === null ? null : JSON.stringify(definition));

async function bumpVersion(tx: Queryable): Promise<number> {
  const [row] = await tx.query<{ version: string }>('UPDATE policy_set_version SET version = version + 1 RETURNING version');
  return Number(row.version);
}
