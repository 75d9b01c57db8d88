import type { Database } from '../storage/database.js';
import type { PolicyStore } from './policy-store.js';

/** The channel migrations/003 notifies on every policy-set version bump, from any replica. */
export const POLICY_VERSION_CHANNEL = 'pes_policy_version';

export interface PolicySyncOptions {
  /** The safety net: how often to compare the stored version with ours anyway. */
  readonly pollMs: number;
  readonly onError: (error: unknown) => void;
}

/**
 * Keeps this replica's policies current when another replica changes them: a NOTIFY at the
 * change's commit reloads them at once, and a periodic version check catches any notification
 * lost with a dropped connection. Workers follow on their next task (they cache by version).
 * Returns the function that stops following.
 */
export async function followPolicyChanges(db: Database, store: PolicyStore, options: PolicySyncOptions): Promise<() => Promise<void>> {
  const check = () => {
    store.refreshIfStale().catch(options.onError);
  };
  const unlisten = await db.listen(POLICY_VERSION_CHANNEL, check);
  const poll = setInterval(check, options.pollMs);
  poll.unref();
  return async () => {
    clearInterval(poll);
    await unlisten();
  };
}
