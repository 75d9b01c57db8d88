/** Most keys held in one V8 Map before the index moves to its own hash table. */
const MAX_MAP_KEYS = 2_048;
/** The table's arrays while the index is still a Map (never written: allocate() replaces them). */
const NO_INTS = new Int32Array(0);

/**
 * Strings numbered in the order they are first added (a request's symbols, a column's labels):
 * `keys[code]` is the string with that code, and the index finds a string's code.
 *
 * The index keeps no other copy of its strings: `keys` is the list callers read. At 100,000
 * symbols a JS array is a large object on pages new to the process (page faults), so the
 * portfolio's symbols and its index share one.
 *
 * Small indexes are one V8 Map: it reuses the hash V8 caches in each string, and costs the least
 * to make (a request builds several, one per grouped attribute). A big Map is slow here: past ~4,000
 * entries it is a large old-space object and each insert of a freshly parsed string pays the
 * generational write barrier (~300 ns at 10,000); split into Maps of 2,048 the inserts were cheap,
 * but at 100,000 keys their ~3 MB of tables were young objects, live through the whole
 * evaluation, and every scavenge copied them. So past MAX_MAP_KEYS the index is an open-addressing
 * table (linear probing, FNV-1a) in typed arrays, off the JS heap.
 */
export class StringIndex {
  /** The strings by code, with room for the expected keys past `count` (holes, trimmed by `keys`). */
  private readonly list: string[];
  private count = 0;
  private map: Map<string, number> | undefined;
  /** Per bucket, 1 + the code stored there; 0 = empty. */
  private table = NO_INTS;
  private mask = 0;
  /** Per code, its key's hash (a mismatch skips the string comparison). */
  private hashes = NO_INTS;

  /**
   * `expectedKeys` sizes the index up front when a size is known (no growing on the way); `keys`
   * starts it with strings that take codes 0, 1, … in their order (they must be distinct).
   */
  constructor(expectedKeys = 0, keys: readonly string[] = []) {
    const capacity = Math.max(expectedKeys, keys.length);
    // Sized once: growing by push would make a new large array at each step.
    this.list = capacity > 0 ? new Array<string>(capacity) : [];
    if (capacity > MAX_MAP_KEYS) this.allocate(capacity);
    else this.map = new Map();
    for (const key of keys) this.add(key);
  }

  get size(): number {
    return this.count;
  }

  /** The strings by code (`keys[code]`), the index's own array: read it, never write it. */
  get keys(): readonly string[] {
    // Shortening a fast array never copies it; a later add lengthens it again.
    if (this.list.length !== this.count) this.list.length = this.count;
    return this.list;
  }

  /** The key's code, or undefined when it was never added. */
  get(key: string): number | undefined {
    if (this.map) return this.map.get(key);
    const code = this.probe(key, hashOf(key));
    return code < 0 ? undefined : code;
  }

  has(key: string): boolean {
    return this.map ? this.map.has(key) : this.probe(key, hashOf(key)) >= 0;
  }

  /** The key's code; a new key gets the next one (the size before it was added). */
  add(key: string): number {
    const code = this.count;
    const map = this.map;
    if (map) {
      const existing = map.get(key);
      if (existing !== undefined) return existing;
      map.set(key, code);
      this.list[code] = key;
      this.count++;
      if (this.count > MAX_MAP_KEYS) this.leaveMap();
      return code;
    }
    const hash = hashOf(key);
    let found = this.probe(key, hash);
    if (found >= 0) return found;
    if (code === this.hashes.length) {
      this.grow();
      found = this.probe(key, hash);
    }
    this.hashes[code] = hash;
    this.list[code] = key;
    this.count++;
    this.table[-1 - found] = code + 1;
    return code;
  }

  /** The key's code (≥ 0) or, when it is absent, −1 − the empty bucket it would go in. */
  private probe(key: string, hash: number): number {
    let bucket = hash & this.mask;
    for (let slot = this.table[bucket]; slot !== 0; slot = this.table[bucket]) {
      if (this.hashes[slot - 1] === hash && this.list[slot - 1] === key) return slot - 1;
      bucket = (bucket + 1) & this.mask;
    }
    return -1 - bucket;
  }

  /** Room for `capacity` codes, with at most half the buckets full (short probes). */
  private allocate(capacity: number): void {
    this.hashes = new Int32Array(capacity);
    let buckets = 64;
    while (buckets < capacity * 2) buckets *= 2;
    this.table = new Int32Array(buckets);
    this.mask = buckets - 1;
  }

  /** The Map outgrew MAX_MAP_KEYS: its keys go into a table, with the codes they have. */
  private leaveMap(): void {
    this.map = undefined;
    this.allocate(4 * MAX_MAP_KEYS);
    for (let code = 0; code < this.count; code++) this.hashes[code] = hashOf(this.list[code]);
    this.refill();
  }

  /** Twice the codes and buckets, refilled from the hashes kept. */
  private grow(): void {
    const hashes = this.hashes;
    this.allocate(hashes.length * 2);
    this.hashes.set(hashes);
    this.refill();
  }

  private refill(): void {
    for (let code = 0; code < this.count; code++) {
      let bucket = this.hashes[code] & this.mask;
      while (this.table[bucket] !== 0) bucket = (bucket + 1) & this.mask;
      this.table[bucket] = code + 1;
    }
  }
}

/** FNV-1a over the UTF-16 code units, its high bits folded into the low ones that pick a bucket. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash ^ (hash >>> 15);
}
