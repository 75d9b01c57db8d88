import type { DatabaseFreeze } from './data-folder.js';

/** The messages between the HTTP thread and the embedded database's own thread (workers/database.worker.ts). */

export interface DatabaseThreadData {
  /** A folder, or 'memory://' for a database that lives as long as the thread. */
  readonly dataDir: string;
  /** Checkpoint once this much WAL (bytes) has been written since the last checkpoint; 0 = never (PGlite's own behaviour). */
  readonly checkpointWalBytes: number;
  /** How often the thread looks at the WAL written since the last checkpoint (ms). */
  readonly checkpointCheckMs: number;
  /** PostgreSQL's buffer cache (shared_buffers), in MB. */
  readonly sharedBuffersMb: number;
  /** Before each checkpoint, VACUUM each table with this many rows changed since its last VACUUM; 0 = never (workers/vacuumer.ts). */
  readonly vacuumChangedRows: number;
  /** ... and each table whose oldest unfrozen transaction is this many transactions old. */
  readonly vacuumFreezeAge: number;
}

/** The work the thread does on its own: workers/checkpointer.ts, workers/vacuumer.ts. */
export type MaintenanceTask = 'checkpoint' | 'vacuum';

export type DatabaseRequest =
  | { readonly id: number; readonly op: 'query'; readonly sql: string; readonly params?: unknown[]; readonly tx?: number }
  | { readonly id: number; readonly op: 'run'; readonly sql: string; readonly params: readonly string[] }
  | { readonly id: number; readonly op: 'exec'; readonly sql: string }
  | { readonly id: number; readonly op: 'begin' }
  | { readonly id: number; readonly op: 'commit' | 'rollback'; readonly tx: number }
  | { readonly id: number; readonly op: 'listen'; readonly channel: string }
  | { readonly id: number; readonly op: 'close' };

/** What a database error carries across: the message and PostgreSQL's fields (code is the SQLSTATE). */
export interface DatabaseErrorFields {
  readonly message: string;
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly constraint?: string;
  readonly table?: string;
  readonly column?: string;
}

export type DatabaseReply =
  /**
   * `frozen`: the folder's other databases frozen before opening; `freezeDue`: those found due on
   * opening, for the next start to freeze (workers/data-folder.ts).
   */
  | { readonly kind: 'ready'; readonly frozen: readonly DatabaseFreeze[]; readonly freezeDue: readonly string[] }
  /** The folder's other databases found due later, before a checkpoint: said once per process. */
  | { readonly kind: 'freeze-due'; readonly databases: readonly string[] }
  | { readonly kind: 'failed-to-open'; readonly error: DatabaseErrorFields }
  | { readonly kind: 'result'; readonly id: number; readonly value: unknown }
  | { readonly kind: 'error'; readonly id: number; readonly error: DatabaseErrorFields }
  | { readonly kind: 'notify'; readonly channel: string }
  | { readonly kind: 'maintenance'; readonly task: MaintenanceTask; readonly ms: number; readonly target?: string }
  | { readonly kind: 'maintenance-failed'; readonly task: MaintenanceTask; readonly target?: string; readonly error: DatabaseErrorFields };

export function errorFields(error: unknown): DatabaseErrorFields {
  if (!(error instanceof Error)) return { message: String(error) };
  const e = error as Error & Partial<Record<keyof DatabaseErrorFields, unknown>>;
  const pick = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const fields = { message: e.message, code: pick(e.code), detail: pick(e.detail), hint: pick(e.hint), constraint: pick(e.constraint), table: pick(e.table), column: pick(e.column) };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as unknown as DatabaseErrorFields;
}
