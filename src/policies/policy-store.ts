import type { PolicyDefinition } from '../schemas/policy.js';
import type { PolicyRepository } from '../storage/policy-repository.js';
import { sharePolicySet, type SharedPolicySet } from './shared-policy-set.js';

/**
 * The HTTP thread's view of the current policy set. It reloads after every change it makes and
 * whenever the stored version moves on (another replica changed a policy).
 */
export class PolicyStore {
  private shared: SharedPolicySet = sharePolicySet(-1, []);
  private definitions: PolicyDefinition[] = [];
  private refreshing: Promise<void> = Promise.resolve();

  constructor(private readonly repository: PolicyRepository) {}

  get current(): SharedPolicySet {
    return this.shared;
  }

  get version(): number {
    return this.shared.version;
  }

  list(): readonly PolicyDefinition[] {
    return this.definitions;
  }

  /**
   * Loads the stored policy set. Calls run one after another (a route's own change, NOTIFY and
   * the poll may overlap), so an older snapshot never replaces a newer one.
   */
  refresh(): Promise<void> {
    const next = this.refreshing.then(() => this.load());
    this.refreshing = next.catch(() => {});
    return next;
  }

  /** Reloads if the stored version differs from ours (a cheap one-row read). */
  async refreshIfStale(): Promise<boolean> {
    const version = await this.repository.version();
    if (version === this.shared.version) return false;
    await this.refresh();
    return true;
  }

  private async load(): Promise<void> {
    const snapshot = await this.repository.snapshot();
    if (snapshot.version === this.shared.version) return;
    this.definitions = snapshot.policies;
    this.shared = sharePolicySet(snapshot.version, snapshot.policies);
  }
}
