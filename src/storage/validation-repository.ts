import { randomUUID } from 'node:crypto';
import type { ValidationResponse } from '../schemas/validation.js';
import type { ViolationQuery, ViolationRecord } from '../schemas/violations.js';
import type { Database } from './database.js';

export interface ValidationRecordInput {
  readonly response: ValidationResponse;
  readonly portfolioId: string | null;
  readonly decisionJson: string;
  readonly policySetVersion: number;
}

/** The event the seed specifies, as it is published: see docs and contract section 10. */
export interface ValidationCompletedEvent {
  event_id: string;
  timestamp: string;
  policy_validation: {
    decision_id: string;
    is_compliant: boolean;
    compliance_score: number;
    violations: string[];
    policies_checked: string[];
  };
}

export function validationCompletedEvent(response: ValidationResponse, now = new Date()): ValidationCompletedEvent {
  return {
    event_id: randomUUID(),
    timestamp: now.toISOString(),
    policy_validation: {
      decision_id: response.decision_id,
      is_compliant: response.is_compliant,
      compliance_score: response.compliance_score,
      violations: response.violations.map((v) => `${v.policy_name}:${v.violation_type}`),
      policies_checked: response.policies_checked,
    },
  };
}

const VIOLATION_COLUMNS = `id, decision_id, policy_name, violation_type, severity, description, resolved, created_at,
  subject, observed, limit_value AS "limit", pre_trade, enforcement_level, resolved_at, resolved_by`;

interface ViolationRow extends Omit<ViolationRecord, 'created_at' | 'resolved_at'> {
  created_at: Date | string;
  resolved_at: Date | string | null;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
const toRecord = (row: ViolationRow): ViolationRecord => ({ ...row, created_at: iso(row.created_at)!, resolved_at: iso(row.resolved_at) });

/** Validation records, their violations and their outbox events, written in one transaction. */
export class ValidationRepository {
  constructor(
    private readonly db: Database,
    private readonly topic: string,
  ) {}

  /** Records one validation; resolves once it is committed. Returns the validation id. */
  async record(input: ValidationRecordInput): Promise<string> {
    const { response } = input;
    const event = validationCompletedEvent(response);
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO validations (decision_id, portfolio_id, is_compliant, compliance_score, policies_checked,
           policy_set_version, decision, response)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [
          response.decision_id, input.portfolioId, response.is_compliant, response.compliance_score,
          JSON.stringify(response.policies_checked), input.policySetVersion, input.decisionJson, JSON.stringify(response),
        ],
      );
      if (response.violations.length > 0) {
        await tx.query(
          `INSERT INTO policy_violations (validation_id, decision_id, policy_name, violation_type, severity, description,
             subject, observed, limit_value, pre_trade, enforcement_level)
           SELECT $1, $2, v.policy_name, v.violation_type, v.severity, v.description, v.subject, v.observed, v."limit",
             v.pre_trade, v.enforcement_level
           FROM jsonb_to_recordset($3::jsonb) AS v(policy_name text, violation_type text, severity text, description text,
             subject text, observed double precision, "limit" double precision, pre_trade double precision, enforcement_level text)`,
          [row.id, response.decision_id, JSON.stringify(response.violations)],
        );
      }
      await tx.query('INSERT INTO event_outbox (event_id, topic, event_key, payload) VALUES ($1, $2, $3, $4)', [
        event.event_id, this.topic, response.decision_id, JSON.stringify(event),
      ]);
      return row.id;
    });
  }

  async listViolations(query: ViolationQuery): Promise<ViolationRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (query.decision_id !== undefined) add('decision_id = ?', query.decision_id);
    if (query.policy_name !== undefined) add('policy_name = ?', query.policy_name);
    if (query.severity !== undefined) add('severity = ?', query.severity);
    if (query.resolved !== undefined) add('resolved = ?', query.resolved);
    params.push(query.limit ?? 100);
    const rows = await this.db.query<ViolationRow>(
      `SELECT ${VIOLATION_COLUMNS} FROM policy_violations ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ORDER BY created_at DESC, id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toRecord);
  }

  /** Marks a violation resolved; undefined when there is no such violation. */
  async resolveViolation(id: string, actor: string): Promise<ViolationRecord | undefined> {
    const rows = await this.db.query<ViolationRow>(
      `UPDATE policy_violations SET resolved = true, resolved_at = COALESCE(resolved_at, now()), resolved_by = COALESCE(resolved_by, $2)
       WHERE id = $1 RETURNING ${VIOLATION_COLUMNS}`,
      [id, actor],
    );
    return rows[0] && toRecord(rows[0]);
  }
}
