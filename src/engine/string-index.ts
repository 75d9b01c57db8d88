/** Most keys held in one V8 Map before the index moves to its own hash table. */
const MAX_MAP_KEYS = 2_048;
/** The table's arrays while the index is still a Map (never written: allocate() replaces them). */
const NO_INTS = new Int32Array(0);
const NO_KEYS: readonly string[] = [];

/**
 * A string → int32 map for one request's symbols or labels.
 *
 * Small indexes are one V8 Map: it reuses the hash V8 caches in each string, and costs the least
 * to make (a request builds several, one per grouped attribute). A big Map is slow here: past ~4,000
 * entries it is a large old-space object and each insert of a freshly parsed string pays the
 * generational write barrier (~300 ns at 10,000); split into Maps of 2,048 the inserts were cheap,
 * but at 100,000 keys their ~3 MB of tables were young objects, live through the whole
 * evaluation, and every scavenge copied them. So past MAX_MAP_KEYS the index is an open-addressing
 * table (linear probing, FNV-1a) in typed arrays, off the JS heap, with the keys in one array.
 */
export class StringIndex {
  private map: Map<string, number> | undefined;
  /** Per bucket, 1 + the entry stored there; 0 = empty. */
  private table = NO_INTS;
  private mask = 0;
  /** Per entry, in insertion order: its hash at 2·entry, its value at 2·entry + 1. */
  private entries = NO_INTS;
  private keys = NO_KEYS as string[];
  private count = 0;

  /** `expectedKeys` sizes the index up front when a size is known (no growing on the way). */
  constructor(expectedKeys = 0) {
    if (expectedKeys > MAX_MAP_KEYS) this.allocate(expectedKeys);
    else this.map = new Map();
  }

  get size(): number {
    return this.map ? this.map.size : this.count;
  }

  get(key: string): number | undefined {
    if (this.map) return this.map.get(key);
    const entry = this.probe(key, hashOf(key));
    return entry < 0 ? undefined : this.entries[2 * entry + 1];
  }

  has(key: string): boolean {
    return this.map ? this.map.has(key) : this.probe(key, hashOf(key)) >= 0;
  }

  /** The key's value; a new key gets `value` (an int32), as the TC39 Map.prototype.getOrInsert. */
  getOrInsert(key: string, value: number): number {
    const map = this.map;
    if (map) {
      const existing = map.get(key);
      if (existing !== undefined) return existing;
      map.set(key, value);
      if (map.size > MAX_MAP_KEYS) this.leaveMap(map);
      return value;
    }
    const hash = hashOf(key);
    let found = this.probe(key, hash);
    if (found >= 0) return this.entries[2 * found + 1];
    if (2 * this.count === this.entries.length) {
      this.grow();
      found = this.probe(key, hash);
    }
    const entry = this.count++;
    this.entries[2 * entry] = hash;
    this.entries[2 * entry + 1] = value;
    this.keys[entry] = key;
    this.table[-1 - found] = entry + 1;
    return value;
  }

  /** The key's entry (≥ 0) or, when it is absent, −1 − the empty bucket it would go in. */
  private probe(key: string, hash: number): number {
    let bucket = hash & this.mask;
    for (let slot = this.table[bucket]; slot !== 0; slot = this.table[bucket]) {
      if (this.entries[2 * slot - 2] === hash && this.keys[slot - 1] === key) return slot - 1;
      bucket = (bucket + 1) & this.mask;
    }
    return -1 - bucket;
  }

  /** Room for `capacity` entries, with at most half the buckets full (short probes). */
  private allocate(capacity: number): void {
    this.entries = new Int32Array(2 * capacity);
    this.keys = new Array(capacity);
    let buckets = 64;
    while (buckets < capacity * 2) buckets *= 2;
    this.table = new Int32Array(buckets);
    this.mask = buckets - 1;
  }

  /** The Map outgrew MAX_MAP_KEYS: its keys move to the table, in their order. */
  private leaveMap(map: Map<string, number>): void {
    this.map = undefined;
    this.allocate(4 * MAX_MAP_KEYS);
    for (const [key, value] of map) this.getOrInsert(key, value);
  }

  /** Twice the entries and buckets; entries keep their order, buckets are refilled from the hashes. */
  private grow(): void {
    const entries = new Int32Array(this.entries.length * 2);
    entries.set(this.entries);
    this.entries = entries;
    this.keys.length = entries.length / 2;
    this.table = new Int32Array(this.table.length * 2);
    this.mask = this.table.length - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let bucket = this.entries[2 * entry] & this.mask;
      while (this.table[bucket] !== 0) bucket = (bucket + 1) & this.mask;
      this.table[bucket] = entry + 1;
    }
  }
}

/** FNV-1a over the UTF-16 code units, its high bits folded into the low ones that pick a bucket. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash ^ (hash >>> 15);
}
