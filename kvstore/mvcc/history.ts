import { MvccError, MvccErrorCode } from './errors.js';
import type { Revision } from './revision.js';
import type { Change, KeyValue } from './types.js';

/**
 * Every change the store keeps (each revision's puts and tombstones, until compaction), packed:
 * the records' bytes live in a few large chunks, and a row per record in typed arrays says where,
 * so that a stored version costs its own bytes plus 53 (a 33-byte header, a 20-byte row), and no
 * JavaScript object at all until it is read. The backend's key bucket, in memory (etcd keeps it in
 * bbolt).
 *
 * Record layout in a chunk (little-endian):
 *
 *     0  u8   type (0 put, 1 delete)      9  f64  create revision
 *     1  u32  key length                 17  f64  version
 *     5  u32  value length               25  f64  lease
 *    33  key bytes, then value bytes
 *
 * The mod revision is the row's main revision. Rows are appended in revision order, (main, sub)
 * strictly increasing, so a revision is found by binary search; their records are in the same
 * order in the chunks. A chunk is only ever appended to, never written where a record already is,
 * so a KeyValue read out is a view into its chunk that stays valid (it keeps the chunk alive until
 * it is dropped). Compaction keeps a chunk whose records all stay as it is, and
 * copies the records still needed out of the others into fresh chunks, which gives the space of
 * the dropped ones back.
 */
export class History {
  private chunks: Buffer[] = [];
  /** Bytes used in the last chunk. */
  private used = 0;
  private rows = 0;
  private rowMain: Float64Array = new Float64Array(INITIAL_ROWS);
  /** Sub revisions fit 32 bits: a transaction's changes are counted in keys, never in billions. */
  private rowSub: Uint32Array = new Uint32Array(INITIAL_ROWS);
  /** chunk index * CHUNK_SPAN + offset of the row's record. */
  private rowAddr: Float64Array = new Float64Array(INITIAL_ROWS);

  /** Number of records kept. */
  get size(): number {
    return this.rows;
  }

  /** Bytes held: chunks plus row arrays (for tests and diagnostics). */
  get bytes(): number {
    let n = this.rowMain.byteLength + this.rowSub.byteLength + this.rowAddr.byteLength;
    for (const c of this.chunks) n += c.length;
    return n;
  }

  /**
   * Appends the change at revision (main, sub), copying its bytes, and returns it as stored.
   * Invariant: (main, sub) is greater than every revision already held.
   */
  append(main: number, sub: number, change: Change): KeyValue {
    const last = this.rows - 1;
    if (last >= 0 && !(main > (this.rowMain[last] as number) || (main === this.rowMain[last] && sub > (this.rowSub[last] as number)))) {
      throw new MvccError(MvccErrorCode.INTERNAL, `history: revision ${main}.${sub} is not after ${this.rowMain[last]}.${this.rowSub[last]}`);
    }
    const { kv } = change;
    const length = HEADER_BYTES + kv.key.length + kv.value.length;
    const addr = this.reserve(length);
    const chunk = this.chunks[Math.floor(addr / CHUNK_SPAN)] as Buffer;
    const off = addr % CHUNK_SPAN;
    chunk[off] = change.type === 'put' ? 0 : 1;
    chunk.writeUInt32LE(kv.key.length, off + 1);
    chunk.writeUInt32LE(kv.value.length, off + 5);
    chunk.writeDoubleLE(kv.createRevision, off + 9);
    chunk.writeDoubleLE(kv.version, off + 17);
    chunk.writeDoubleLE(kv.lease, off + 25);
    chunk.set(kv.key, off + HEADER_BYTES);
    chunk.set(kv.value, off + HEADER_BYTES + kv.key.length);
    this.pushRow(main, sub, addr);
    return decode(chunk, off, main);
  }

  /** The KeyValue of the change at (main, sub), or undefined if there is none (or it was compacted). */
  kv(rev: Revision): KeyValue | undefined {
    const row = this.find(rev.main, rev.sub);
    return row < 0 ? undefined : this.changeAt(row).kv;
  }

  has(rev: Revision): boolean {
    return this.find(rev.main, rev.sub) >= 0;
  }

  /** The changes at one revision by sub revision, holes where compaction dropped one; undefined if none. */
  changesAt(main: number): Array<Change | undefined> | undefined {
    let row = this.lowerBound(main, 0);
    if (row >= this.rows || this.rowMain[row] !== main) return undefined;
    const out: Array<Change | undefined> = [];
    for (; row < this.rows && this.rowMain[row] === main; row++) out[this.rowSub[row] as number] = this.changeAt(row);
    return out;
  }

  /** Visits the changes with main revision in [fromMain, toMain], in order, until visit returns false. */
  forEachBetween(fromMain: number, toMain: number, visit: (main: number, change: Change) => boolean | void): void {
    for (let row = this.lowerBound(fromMain, 0); row < this.rows; row++) {
      const main = this.rowMain[row] as number;
      if (main > toMain) return;
      if (visit(main, this.changeAt(row)) === false) return;
    }
  }

  /**
   * Drops every change with main revision <= atRev except the `kept` ones (flat [main, sub, …]
   * pairs). A chunk whose records all stay is kept as it is; the records left in the others are
   * copied into new chunks, and those chunks are dropped. Returns how many main revisions lost all
   * their changes.
   */
  compact(atRev: number, kept: readonly number[]): number {
    const keep = new Uint8Array(this.rows);
    for (let i = 0; i + 1 < kept.length; i += 2) {
      const row = this.find(kept[i] as number, kept[i + 1] as number);
      if (row >= 0) keep[row] = 1;
    }
    let removed = 0;
    for (let row = 0; row < this.rows; row++) {
      const main = this.rowMain[row] as number;
      if (main > atRev) keep[row] = 1;
      // The last row of its main revision: count the revision if none of its rows stays.
      if (row + 1 === this.rows || this.rowMain[row + 1] !== main) {
        let first = row;
        while (first > 0 && this.rowMain[first - 1] === main) first--;
        if (keep.subarray(first, row + 1).every((k) => k === 0)) removed++;
      }
    }
    const old = { chunks: this.chunks, rows: this.rows, rowMain: this.rowMain, rowSub: this.rowSub, rowAddr: this.rowAddr };
    this.clear();
    // Rows are in address order, so each chunk's records are one run of rows.
    for (let row = 0; row < old.rows; ) {
      const chunkIndex = Math.floor((old.rowAddr[row] as number) / CHUNK_SPAN);
      const src = old.chunks[chunkIndex] as Buffer;
      let end = row;
      let whole = true;
      for (; end < old.rows && Math.floor((old.rowAddr[end] as number) / CHUNK_SPAN) === chunkIndex; end++) whole &&= keep[end] === 1;
      if (whole) {
        // Nothing to drop here: the chunk moves over as it is, and views into it stay as they are.
        this.chunks.push(src);
        const lastOff = (old.rowAddr[end - 1] as number) % CHUNK_SPAN;
        this.used = lastOff + recordBytes(src, lastOff);
      }
      for (; row < end; row++) {
        if (keep[row] === 0) continue;
        const off = (old.rowAddr[row] as number) % CHUNK_SPAN;
        let to: number;
        if (whole) {
          to = (this.chunks.length - 1) * CHUNK_SPAN + off;
        } else {
          const length = recordBytes(src, off);
          to = this.reserve(length);
          src.copy(this.chunks[Math.floor(to / CHUNK_SPAN)] as Buffer, to % CHUNK_SPAN, off, off + length);
        }
        this.pushRow(old.rowMain[row] as number, old.rowSub[row] as number, to);
      }
    }
    return removed;
  }

  clear(): void {
    this.chunks = [];
    this.used = 0;
    this.rows = 0;
    this.rowMain = new Float64Array(INITIAL_ROWS);
    this.rowSub = new Uint32Array(INITIAL_ROWS);
    this.rowAddr = new Float64Array(INITIAL_ROWS);
  }

  private changeAt(row: number): Change {
    const addr = this.rowAddr[row] as number;
    const chunk = this.chunks[Math.floor(addr / CHUNK_SPAN)] as Buffer;
    const off = addr % CHUNK_SPAN;
    return { type: chunk[off] === 0 ? 'put' : 'delete', kv: decode(chunk, off, this.rowMain[row] as number) };
  }

  /** The row of (main, sub), or -1. */
  private find(main: number, sub: number): number {
    const row = this.lowerBound(main, sub);
    return row < this.rows && this.rowMain[row] === main && this.rowSub[row] === sub ? row : -1;
  }

  /** The first row whose revision is >= (main, sub). */
  private lowerBound(main: number, sub: number): number {
    let lo = 0;
    let hi = this.rows;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.rowMain[mid] as number;
      if (m < main || (m === main && (this.rowSub[mid] as number) < sub)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Room for `length` bytes; returns its address. */
  private reserve(length: number): number {
    let chunk = this.chunks[this.chunks.length - 1];
    if (chunk === undefined || this.used + length > chunk.length) {
      // Chunks start small (a store in a test holds a few bytes) and double up to MAX_CHUNK_BYTES;
      // a record larger than that gets a chunk of its own size.
      const size = Math.max(length, Math.min(MAX_CHUNK_BYTES, chunk === undefined ? MIN_CHUNK_BYTES : chunk.length * 2));
      // allocUnsafeSlow: never a slice of Node's shared 8 KiB pool, which other buffers would pin.
      chunk = Buffer.allocUnsafeSlow(size);
      this.chunks.push(chunk);
      this.used = 0;
    }
    const addr = (this.chunks.length - 1) * CHUNK_SPAN + this.used;
    this.used += length;
    return addr;
  }

  private pushRow(main: number, sub: number, addr: number): void {
    if (this.rows === this.rowMain.length) {
      const rows = this.rows * 2;
      this.rowMain = grown(this.rowMain, new Float64Array(rows));
      this.rowSub = grown(this.rowSub, new Uint32Array(rows));
      this.rowAddr = grown(this.rowAddr, new Float64Array(rows));
    }
    this.rowMain[this.rows] = main;
    this.rowSub[this.rows] = sub;
    this.rowAddr[this.rows] = addr;
    this.rows++;
  }
}

const HEADER_BYTES = 33;
/** Addresses are chunk index * CHUNK_SPAN + offset; a chunk is never larger than the span. */
const CHUNK_SPAN = 2 ** 32;
const MIN_CHUNK_BYTES = 16 * 1024;
const MAX_CHUNK_BYTES = 1024 * 1024;
const INITIAL_ROWS = 64;
/** @internal The record layout's sizes, for tests that place records at chunk boundaries. */
export const HISTORY_LAYOUT = { headerBytes: HEADER_BYTES, minChunkBytes: MIN_CHUNK_BYTES, maxChunkBytes: MAX_CHUNK_BYTES, initialRows: INITIAL_ROWS } as const;

function grown<T extends Float64Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function recordBytes(chunk: Buffer, off: number): number {
  return HEADER_BYTES + chunk.readUInt32LE(off + 1) + chunk.readUInt32LE(off + 5);
}

function decode(chunk: Buffer, off: number, main: number): KeyValue {
  const keyLength = chunk.readUInt32LE(off + 1);
  const valueLength = chunk.readUInt32LE(off + 5);
  const keyAt = off + HEADER_BYTES;
  return {
    key: chunk.subarray(keyAt, keyAt + keyLength),
    value: chunk.subarray(keyAt + keyLength, keyAt + keyLength + valueLength),
    createRevision: chunk.readDoubleLE(off + 9),
    modRevision: main,
    version: chunk.readDoubleLE(off + 17),
    lease: chunk.readDoubleLE(off + 25),
  };
}
