export interface GroupCommitOptions {
  /** Most items written in one transaction. */
  readonly maxBatch: number;
  /** Transactions in flight at once; items arriving meanwhile wait and go together in the next. */
  readonly maxInFlight: number;
  /**
   * How long a batch may wait for items said to be on their way (`upcoming`) before it is written
   * without them, ms; 0 writes at once. The wait ends early once `upcoming` says none is, as seen
   * at the next submit (an item on its way that never comes holds the batch the whole wait).
   */
  readonly gatherMs?: number;
}

interface Waiting<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit. An item submitted while the database is idle is written at once, alone (unless
 * more are on their way and gatherMs lets it wait for them), so a quiet service adds no latency.
 * Items submitted while a write is in flight queue up and are written together by the next one:
 * under load, commits/s stays near 1 / commit latency while items/s grows with the batch. Each submitter resolves only after its own item has committed;
 * when a batch fails, every submitter in it sees the error, except when the database refused one
 * item's data: then only that item fails.
 */
export class GroupCommitter<T> {
  private readonly queue: Waiting<T>[] = [];
  private inFlight = 0;
  private commitCount = 0;
  private itemCount = 0;
  /** Set while a batch waits for upcoming items; it fires at the end of the wait. */
  private gatherTimer: NodeJS.Timeout | undefined;
  /** True while the timer's flush writes what waited, whatever is still on its way. */
  private gatherExpired = false;

  /**
   * `upcoming` says how many items are on their way to `submit` (e.g. validations still in the
   * pool): while there are some, a batch waits up to `gatherMs` for them.
   */
  constructor(
    private readonly write: (items: readonly T[]) => Promise<void>,
    private readonly options: GroupCommitOptions,
    private readonly upcoming: () => number = () => 0,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.flush();
    });
  }

  /** Transactions committed and items written so far (the metrics and the group-commit benchmark read these). */
  get stats(): { commits: number; items: number } {
    return { commits: this.commitCount, items: this.itemCount };
  }

  private flush(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      if (this.gathering()) return;
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.commit(batch.map((waiting) => waiting.item)).then((failures) => {
        // The next batch starts (or starts its wait, with gatherMs) before this one's callers are answered.
        this.inFlight--;
        this.flush();
        batch.forEach((waiting, i) => (failures[i] ? waiting.reject(failures[i].error) : waiting.resolve()));
      });
    }
  }

  /**
   * Whether the queued items should wait for upcoming ones: a lone record's transaction costs the
   * database about as much again as its rows, so records that share one cost it about half.
   */
  private gathering(): boolean {
    const gatherMs = this.options.gatherMs ?? 0;
    const waitForMore = gatherMs > 0 && !this.gatherExpired && this.queue.length < this.options.maxBatch && this.upcoming() > 0;
    if (!waitForMore) {
      clearTimeout(this.gatherTimer);
      this.gatherTimer = undefined;
      return false;
    }
    this.gatherTimer ??= setTimeout(() => {
      this.gatherTimer = undefined;
      this.gatherExpired = true;
      try {
        this.flush();
      } finally {
        this.gatherExpired = false;
      }
    }, gatherMs);
    return true;
  }

  /**
   * Writes the items in one transaction; never rejects, it reports a failure per item. When the
   * database refuses the batch because of what one record holds, each item is written again on
   * its own, so that record fails alone rather than taking the whole batch's callers with it.
   */
  private async commit(items: readonly T[]): Promise<Array<{ error: unknown } | undefined>> {
    try {
      await this.write(items);
      this.commitCount++;
      this.itemCount += items.length;
      return items.map(() => undefined);
    } catch (error) {
      if (items.length === 1 || !refusedForItsData(error)) return items.map(() => ({ error }));
      const failures: Array<{ error: unknown } | undefined> = [];
      for (const item of items) failures.push((await this.commit([item]))[0]);
      return failures;
    }
  }
}

/**
 * SQLSTATE class 22 (data exception: a NUL character, an invalid escape) or 23 (integrity
 * constraint): the rows are at fault, not the database. A lost connection or a stopped server
 * (class 08, 57, or no SQLSTATE at all) fails the batch at once: retrying item by item would only
 * multiply the wait.
 */
function refusedForItsData(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}
