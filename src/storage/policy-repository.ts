import { ServiceError } from '../errors.js';
import { DEFAULT_POLICIES } from '../policies/defaults.js';
import type { PolicyDefinition } from '../schemas/policy.js';
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

export interface PolicySnapshot {
  readonly version: number;
  readonly policies: PolicyDefinition[];
}

/** portfolio_policies, with the policy-set version bumped in the same transaction as each change. */
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

  async create(definition: PolicyDefinition): Promise<number> {
    return this.db.transaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO portfolio_policies (${COLUMNS}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (policy_name) DO NOTHING RETURNING id`,
        params(definition),
      );
      if (inserted.length === 0) throw new ServiceError('PES_POLICY_EXISTS', `Policy "${definition.policy_name}" exists`);
      return bumpVersion(tx);
    });
  }

  async replace(definition: PolicyDefinition): Promise<number> {
    return this.db.transaction(async (tx) => {
      const updated = await tx.query(
        `UPDATE portfolio_policies SET policy_type = $2, policy_rules = $3, enforcement_level = $4, enabled = $5, updated_at = now()
         WHERE policy_name = $1 RETURNING id`,
        params(definition),
      );
      if (updated.length === 0) throw unknownPolicy(definition.policy_name);
      return bumpVersion(tx);
    });
  }

  async remove(name: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      const deleted = await tx.query('DELETE FROM portfolio_policies WHERE policy_name = $1 RETURNING id', [name]);
      if (deleted.length === 0) throw unknownPolicy(name);
      return bumpVersion(tx);
    });
  }

  /** Seeds the default policies once: on the very first start, when no policy was ever written. */
  async seedDefaults(defaults: readonly PolicyDefinition[] = DEFAULT_POLICIES): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ version: string }>('SELECT version FROM policy_set_version FOR UPDATE');
      if (Number(row.version) !== 0) return false;
      for (const definition of defaults) {
        await tx.query(`INSERT INTO portfolio_policies (${COLUMNS}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, params(definition));
      }
      await bumpVersion(tx);
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

async function bumpVersion(tx: Queryable): Promise<number> {
  const [row] = await tx.query<{ version: string }>('UPDATE policy_set_version SET version = version + 1 RETURNING version');
  return Number(row.version);
}
