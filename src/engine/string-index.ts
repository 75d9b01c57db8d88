/** Most keys one shard holds before the index splits: under the ~4,000 at which a V8 Map leaves new space. */
const MAX_KEYS_PER_SHARD = 2_048;

/**
 * A string → number map for one request's symbols or labels, split into small Maps.
 *
 * A single V8 Map of more than ~4,000 entries is a large object: it lives in the old generation,
 * and every insert of a freshly parsed string into it pays the generational write barrier. Measured
 * here, inserting parsed symbols cost 20 ns each into a Map of 1,000 and ~300 ns each into one of
 * 10,000 or 100,000; into sixteen Maps of ~600 it cost ~40 ns at 10,000. A small index stays one
 * Map and hashes nothing itself; it splits (FNV-1a on the key) once it outgrows a shard.
 */
export class StringIndex {
  private shards: Array<Map<string, number>> = [new Map()];
  private mask = 0;
  private keys = 0;

  /** `expectedKeys` splits the index up front when a size is known (no re-sharding on the way). */
  constructor(expectedKeys = 0) {
    if (expectedKeys > MAX_KEYS_PER_SHARD) this.split(expectedKeys);
  }

  get size(): number {
    return this.keys;
  }

  get(key: string): number | undefined {
    return this.shardOf(key).get(key);
  }

  has(key: string): boolean {
    return this.shardOf(key).has(key);
  }

  /** The key's value; a new key gets `value` (as the TC39 Map.prototype.getOrInsert). */
  getOrInsert(key: string, value: number): number {
    const shard = this.shardOf(key);
    const existing = shard.get(key);
    if (existing !== undefined) return existing;
    shard.set(key, value);
    if (++this.keys > this.shards.length * MAX_KEYS_PER_SHARD) this.split(this.keys * 2);
    return value;
  }

  private shardOf(key: string): Map<string, number> {
    if (this.mask === 0) return this.shards[0];
    let hash = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
    return this.shards[(hash ^ (hash >>> 15)) & this.mask];
  }

  /** Enough shards for `expectedKeys` at half a shard's capacity each, keys moved over. */
  private split(expectedKeys: number): void {
    let count = this.shards.length;
    while (count * (MAX_KEYS_PER_SHARD / 2) < expectedKeys) count *= 2;
    const old = this.shards;
    this.shards = Array.from({ length: count }, () => new Map<string, number>());
    this.mask = count - 1;
    for (const shard of old) for (const [key, value] of shard) this.shardOf(key).set(key, value);
  }
}
