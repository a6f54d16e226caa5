/**
 * The memo of the linearizability search: the configurations (set of linearized operations, model
 * state) already explored. Reaching one again cannot succeed where the first visit failed, so the
 * search backs off (Lowe's improvement of Wing & Gong). An open-addressing hash table over typed
 * arrays: entry e keeps its hash, its state and a copy of its bitset at pool[e * words ...]; a slot
 * holds e + 1, 0 when empty. The caller passes the hash (incremental, see search.ts), so adding a
 * configuration costs one probe sequence and, on a hash match, one bitset comparison.
 */
export class ConfigurationCache {
  private readonly words: number;
  private slots: Int32Array;
  private mask: number;
  private hashes: Uint32Array;
  private states: Int32Array;
  private pool: Uint32Array;
  private count = 0;

  constructor(words: number, initialEntries = 1024) {
    this.words = words;
    let capacity = 16;
    while (capacity < initialEntries * 2) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.hashes = new Uint32Array(initialEntries);
    this.states = new Int32Array(initialEntries);
    this.pool = new Uint32Array(initialEntries * words);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.slots.byteLength + this.hashes.byteLength + this.states.byteLength + this.pool.byteLength;
  }

  /** Adds (bits, state) unless present; returns whether it was added. Throws RangeError when memory runs out. */
  add(hash: number, state: number, bits: Uint32Array): boolean {
    const words = this.words;
    const slots = this.slots;
    let i = hash & this.mask;
    for (let s = slots[i]!; s !== 0; s = slots[i]!) {
      const e = s - 1;
      if (this.hashes[e] === hash && this.states[e] === state && this.sameBits(e * words, bits)) return false;
      i = (i + 1) & this.mask;
    }
    const e = this.count;
    if (e === this.hashes.length) this.growEntries();
    this.hashes[e] = hash;
    this.states[e] = state;
    const base = e * words;
    const pool = this.pool;
    for (let w = 0; w < words; w++) pool[base + w] = bits[w]!;
    slots[i] = e + 1;
    this.count = e + 1;
    if (this.count * 2 > slots.length) this.growSlots();
    return true;
  }

  private sameBits(base: number, bits: Uint32Array): boolean {
    const pool = this.pool;
    for (let w = 0; w < this.words; w++) if (pool[base + w] !== bits[w]) return false;
    return true;
  }

  private growEntries(): void {
    const capacity = this.hashes.length * 2;
    const hashes = new Uint32Array(capacity);
    hashes.set(this.hashes);
    const states = new Int32Array(capacity);
    states.set(this.states);
    const pool = new Uint32Array(capacity * this.words);
    pool.set(this.pool);
    this.hashes = hashes;
    this.states = states;
    this.pool = pool;
  }

  private growSlots(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let e = 0; e < this.count; e++) {
      let i = this.hashes[e]! & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = e + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
