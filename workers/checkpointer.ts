export interface CheckpointerOptions {
  /** Bytes of WAL written since the last checkpoint began. */
  readonly walSinceCheckpoint: () => Promise<number>;
  /** Checkpoints; resolves to how long it held the database (ms). */
  readonly checkpoint: () => Promise<number>;
  /** Checkpoint once this much WAL (bytes) has been written since the last checkpoint. */
  readonly walBytes: number;
  /** How often to look (ms). */
  readonly checkEveryMs: number;
  /** After each checkpoint: how long it held the database (ms), or why it or the look before it failed. */
  readonly onCheckpoint: (outcome: { readonly ms: number } | { readonly error: unknown }) => void;
}

/**
 * PGlite runs PostgreSQL as a single-user backend: there is no checkpointer process, and it never
 * checkpoints by itself (720,000 records wrote 52 WAL files, 832 MB, with the checkpoint still the
 * one initdb made). Without checkpoints the WAL in the data folder only grows (~1.4–2.3 KB per
 * record, more than the tables themselves), and reopening after a crash replays all of it (3.1 s
 * after 320,000 records, growing with every record). So the database thread checkpoints itself
 * whenever `walBytes` of WAL have been written since the last checkpoint; PostgreSQL then recycles
 * the older WAL files. A checkpoint holds the database while it writes the dirty pages, so small
 * and frequent is kinder to callers than large and rare. With PGlite's own 128 MB buffer cache
 * (a smaller one leaves a checkpoint fewer pages: DEFAULT_SHARED_BUFFERS_MB), every
 * ~11,000 lone records (~16 MB of WAL) one took 9–15 ms and the WAL grew 6.5 % more (full-page
 * images after each checkpoint); every 16,000 records in batches of 8 (~26 MB), 13–32 ms; every
 * 64,000 records, 63–71 ms.
 */
export function startCheckpointer(options: CheckpointerOptions): { stop(): Promise<void> } {
  let stopped = false;
  /** The look in progress, if any: closing the database waits for it. */
  let looking: Promise<void> | undefined;
  const checkpointIfDue = async () => {
    let outcome: { ms: number } | { error: unknown } | undefined;
    try {
      if ((await options.walSinceCheckpoint()) < options.walBytes || stopped) return;
      outcome = { ms: await options.checkpoint() };
    } catch (error) {
      // A look cut short by closing the database is no failure.
      if (!stopped) outcome = { error };
    }
    if (outcome) options.onCheckpoint(outcome);
  };
  const timer = setInterval(() => {
    if (looking) return;
    looking = checkpointIfDue().finally(() => (looking = undefined));
  }, options.checkEveryMs);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await looking;
    },
  };
}
