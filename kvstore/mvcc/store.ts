import btreeModule from 'sorted-btree';
import { MvccError, MvccErrorCode } from './errors.js';
import { History } from './history.js';
import { KeyIndex } from './key_index.js';
import type { Revision } from './revision.js';
import type { Change, DeleteRangeResponse, KeyValue, PutResponse, RangeOptions, RangeResult } from './types.js';

// sorted-btree is CommonJS: from Node's ESM its class is the module's `default` property, while
// bundler-style interop (vitest) hands the class itself.
const BTree: typeof btreeModule.default =
  (btreeModule as unknown as { default?: typeof btreeModule.default }).default ?? (btreeModule as unknown as typeof btreeModule.default);
type BTreeOf<K, V> = import('sorted-btree').default<K, V>;

/** User keys are held as latin1 strings: one char per byte, so string order is byte order. */
export function keyString(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}

export function keyBytes(key: string): Uint8Array {
  return Buffer.from(key, 'latin1');
}

/** Receives every committed write transaction, in revision order (the watch hub, the backend). */
export type CommitObserver = (revision: number, changes: readonly Change[]) => void;

/**
 * The multi-version key-value store: every write transaction gets one store revision, and every
 * revision of every key is kept until compaction, so reads at past revisions and watch history
 * work. Deterministic and synchronous: it is driven by the apply loop, one committed entry at a
 * time, identically on every member.
 *
 * Two structures, as in etcd's mvcc: `index` maps each user key to its KeyIndex (its revisions);
 * `history` holds the changes made at each store revision (the backend's content, keyed by
 * revision), packed into byte chunks.
 */
export class MvccStore {
  private readonly index: BTreeOf<string, KeyIndex> = new BTree<string, KeyIndex>();
  /** Every change since compaction, by revision; compaction drops the ones no read can see. */
  private readonly history = new History();
  /**
   * As etcd's store: a new store is at revision 1, so the first write is revision 2.
   * Invariant: compactRevision <= currentRevision.
   */
  private currentRev = 1;
  private compactRev = 0;
  private readonly observers: CommitObserver[] = [];

  get currentRevision(): number {
    return this.currentRev;
  }

  get compactRevision(): number {
    return this.compactRev;
  }

  /** Number of keys that exist now. */
  keyCount(): number {
    let n = 0;
    this.index.forEachPair((_k, ki) => {
      if (ki.isLive()) n++;
    });
    return n;
  }

  /** Subscribes to commits; returns a function that unsubscribes. */
  onCommit(observer: CommitObserver): () => void {
    this.observers.push(observer);
    return () => {
      const i = this.observers.indexOf(observer);
      if (i >= 0) this.observers.splice(i, 1);
    };
  }

  /** Reads at `options.revision` (or the current revision). */
  range(key: Uint8Array, options: RangeOptions = {}): RangeResult {
    return this.rangeAt(key, options, this.currentRev);
  }

  /**
   * The changes committed at one revision by sub revision, with holes where compaction dropped one
   * (undefined if compacted away or not yet written).
   */
  changesAt(revision: number): ReadonlyArray<Change | undefined> | undefined {
    return this.history.changesAt(revision);
  }

  /** Whether the change at `rev` is still held (not compacted away). */
  hasChange(rev: Revision): boolean {
    return this.history.has(rev);
  }

  /** Number of changes held, and the bytes holding them (for diagnostics and tests). */
  historySize(): { changes: number; bytes: number } {
    return { changes: this.history.size, bytes: this.history.bytes };
  }

  /**
   * Every change to keys in [key, rangeEnd) with revision in [fromRev, toRev], in revision order,
   * for watch catch-up. Throws COMPACTED if fromRev is compacted.
   */
  changesBetween(fromRev: number, toRev: number, visit: (revision: number, change: Change) => boolean | void): void {
    if (fromRev <= this.compactRev) {
      throw new MvccError(MvccErrorCode.COMPACTED, 'mvcc: required revision has been compacted');
    }
    this.history.forEachBetween(fromRev, Math.min(toRev, this.currentRev), visit);
  }

  /** The version of `key` just before revision `rev` (for prev_kv in watch events). */
  kvBefore(key: Uint8Array, rev: number): KeyValue | undefined {
    const ki = this.index.get(keyString(key));
    if (ki === undefined) return undefined;
    const at = ki.get(rev - 1);
    return at === undefined ? undefined : this.kvAt(at.modified);
  }

  private kvAt(rev: Revision): KeyValue | undefined {
    return this.history.kv(rev);
  }

  /** @internal Range at a given "current" revision (a write txn reads at its own, pending revision). */
  rangeAt(key: Uint8Array, o: RangeOptions, current: number): RangeResult {
    const rev = o.revision !== undefined && o.revision > 0 ? o.revision : current;
    if (rev > current) throw new MvccError(MvccErrorCode.FUTURE_REVISION, 'mvcc: required revision is a future revision');
    if (rev < this.compactRev) throw new MvccError(MvccErrorCode.COMPACTED, 'mvcc: required revision has been compacted');

    const filtered = (o.minModRevision ?? 0) !== 0 || (o.maxModRevision ?? 0) !== 0 || (o.minCreateRevision ?? 0) !== 0 || (o.maxCreateRevision ?? 0) !== 0;
    const sorted = (o.sortOrder ?? 'none') !== 'none' || ((o.sortTarget ?? 'key') !== 'key');
    const limit = o.limit ?? 0;
    // Like etcd: fetch limit + 1 (to set `more`) unless sorting or filtering needs everything.
    const fetchLimit = limit > 0 && !sorted && !filtered ? limit + 1 : 0;

    let kvs: KeyValue[] = [];
    let count = 0;
    this.visitRange(key, o.rangeEnd, (ki) => {
      const at = ki.get(rev);
      if (at === undefined) return true;
      count++;
      if (o.countOnly) return true;
      if (fetchLimit === 0 || kvs.length < fetchLimit) {
        const kv = this.kvAt(at.modified);
        if (kv !== undefined) kvs.push(kv);
      }
      return true;
    });
    if (o.countOnly) return { kvs: [], more: false, count, revision: rev };

    if (filtered) {
      const { minModRevision: minMod = 0, maxModRevision: maxMod = 0, minCreateRevision: minCreate = 0, maxCreateRevision: maxCreate = 0 } = o;
      kvs = kvs.filter(
        (kv) =>
          !(maxMod !== 0 && kv.modRevision > maxMod) &&
          !(minMod !== 0 && kv.modRevision < minMod) &&
          !(maxCreate !== 0 && kv.createRevision > maxCreate) &&
          !(minCreate !== 0 && kv.createRevision < minCreate),
      );
    }
    kvs = sortKvs(kvs, o.sortOrder ?? 'none', o.sortTarget ?? 'key');
    let more = false;
    if (limit > 0 && kvs.length > limit) {
      kvs = kvs.slice(0, limit);
      more = true;
    }
    if (o.keysOnly) kvs = kvs.map((kv) => ({ ...kv, value: EMPTY }));
    return { kvs, more, count, revision: rev };
  }

  /** Visits the KeyIndex of every key in [key, rangeEnd) in key order until visit returns false. */
  private visitRange(key: Uint8Array, rangeEnd: Uint8Array | undefined, visit: (ki: KeyIndex) => boolean): void {
    const lo = keyString(key);
    if (rangeEnd === undefined || rangeEnd.length === 0) {
      const ki = this.index.get(lo);
      if (ki !== undefined) visit(ki);
      return;
    }
    const unbounded = rangeEnd.length === 1 && rangeEnd[0] === 0;
    const hi = unbounded ? undefined : keyString(rangeEnd);
    if (hi !== undefined && hi <= lo) return;
    for (const [k, ki] of this.index.entries(lo)) {
      if (hi !== undefined && k >= hi) break;
      if (!visit(ki)) break;
    }
  }

  /** Starts a write transaction. Its changes are visible to its own reads, and to others on end(). */
  write(): WriteTxn {
    return new WriteTxn(this);
  }

  /** @internal */
  keyIndexFor(key: string, create: boolean): KeyIndex | undefined {
    let ki = this.index.get(key);
    if (ki === undefined && create) {
      ki = new KeyIndex(key);
      this.index.set(key, ki);
    }
    return ki;
  }

  /** @internal */
  liveKeysInRange(key: Uint8Array, rangeEnd: Uint8Array | undefined, atRev: number): KeyIndex[] {
    const out: KeyIndex[] = [];
    this.visitRange(key, rangeEnd, (ki) => {
      if (ki.get(atRev) !== undefined) out.push(ki);
      return true;
    });
    return out;
  }

  /** @internal Records a write transaction's changes (called by WriteTxn.end). */
  commit(revision: number, changes: Change[]): void {
    this.currentRev = revision;
    for (const o of this.observers) o(revision, changes);
  }

  /** @internal Records one change of a pending write transaction; returns it as stored. */
  record(revision: number, sub: number, change: Change): Change {
    return { type: change.type, kv: this.history.append(revision, sub, change) };
  }

  /** @internal Puts the key's KV at rev (used by WriteTxn and by restore). */
  getKv(rev: Revision): KeyValue | undefined {
    return this.kvAt(rev);
  }

  /**
   * Discards history before `revision`: reads and watches below it fail with COMPACTED afterwards.
   * Returns the revisions removed from history (the backend deletes them).
   */
  compact(revision: number): number {
    if (revision <= this.compactRev) {
      throw new MvccError(MvccErrorCode.COMPACTED, 'mvcc: required revision has been compacted');
    }
    if (revision > this.currentRev) {
      throw new MvccError(MvccErrorCode.FUTURE_REVISION, 'mvcc: required revision is a future revision');
    }
    const kept: number[] = [];
    const drop: string[] = [];
    this.index.forEachPair((k, ki) => {
      if (ki.compact(revision, (r) => void kept.push(r.main, r.sub))) drop.push(k);
    });
    for (const k of drop) this.index.delete(k);
    const removed = this.history.compact(revision, kept);
    this.compactRev = revision;
    return removed;
  }

  /** Empties the store (before installing a snapshot image), keeping its observers. */
  reset(): void {
    this.index.clear();
    this.history.clear();
    this.currentRev = 1;
    this.compactRev = 0;
  }

  /**
   * Rebuilds state from persisted history (the backend at start-up), in revision order. As etcd's
   * restore, the store is at least at the compaction revision, whose own changes (deletions, say)
   * may all have been compacted away; `restore(compactRevision, [], compactRevision)` records just that.
   */
  restore(revision: number, changes: ReadonlyArray<Change | undefined>, compactRevision: number): void {
    changes.forEach((c, sub) => {
      if (c === undefined) return;
      this.history.append(revision, sub, c);
      const k = keyString(c.kv.key);
      const ki = this.keyIndexFor(k, true) as KeyIndex;
      if (c.type === 'put') ki.put({ main: revision, sub });
      else if (ki.isLive()) ki.tombstone({ main: revision, sub });
    });
    this.currentRev = Math.max(this.currentRev, revision, compactRevision);
    this.compactRev = compactRevision;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * A write transaction: every change gets the same main revision (current + 1) and increasing sub
 * revisions. It reads its own writes. If it changes nothing, the store revision does not move.
 */
export class WriteTxn {
  readonly revision: number;
  private readonly changes: Change[] = [];
  private ended = false;

  constructor(private readonly store: MvccStore) {
    this.revision = store.currentRevision + 1;
  }

  /** The revision reads see: the pending one once this txn has written something. */
  private readRevision(): number {
    return this.changes.length > 0 ? this.revision : this.store.currentRevision;
  }

  range(key: Uint8Array, options: RangeOptions = {}): RangeResult {
    return this.store.rangeAt(key, options, this.readRevision());
  }

  /** The live KeyValue of key as this transaction sees it. */
  get(key: Uint8Array): KeyValue | undefined {
    const ki = this.store.keyIndexFor(keyString(key), false);
    const at = ki?.get(this.readRevision());
    return at === undefined ? undefined : this.store.getKv(at.modified);
  }

  put(key: Uint8Array, value: Uint8Array, lease: number): PutResponse & { kv: KeyValue } {
    this.assertOpen();
    const prev = this.get(key);
    const rev = { main: this.revision, sub: this.changes.length };
    // The history copies key and value: the store never holds views into request buffers.
    const { kv } = this.record({
      type: 'put',
      kv: {
        key,
        value,
        lease,
        createRevision: prev === undefined ? rev.main : prev.createRevision,
        modRevision: rev.main,
        version: prev === undefined ? 1 : prev.version + 1,
      },
    });
    (this.store.keyIndexFor(keyString(key), true) as KeyIndex).put(rev);
    return prev === undefined ? { kv } : { kv, prevKv: prev };
  }

  deleteRange(key: Uint8Array, rangeEnd: Uint8Array | undefined): DeleteRangeResponse {
    this.assertOpen();
    const keys = this.store.liveKeysInRange(key, rangeEnd, this.readRevision());
    const prevKvs: KeyValue[] = [];
    for (const ki of keys) {
      const prev = this.get(keyBytes(ki.key));
      if (prev === undefined) continue;
      prevKvs.push(prev);
      const rev = { main: this.revision, sub: this.changes.length };
      this.record({ type: 'delete', kv: { key: prev.key, value: EMPTY, lease: 0, createRevision: 0, modRevision: rev.main, version: 0 } });
      ki.tombstone(rev);
    }
    return { deleted: prevKvs.length, prevKvs };
  }

  /** Adds a change at the next sub revision; reads of this transaction see it at once. */
  private record(change: Change): Change {
    const stored = this.store.record(this.revision, this.changes.length, change);
    this.changes.push(stored);
    return stored;
  }

  /** Commits: the store revision becomes this.revision if anything changed. Returns the changes. */
  end(): readonly Change[] {
    this.assertOpen();
    this.ended = true;
    if (this.changes.length > 0) this.store.commit(this.revision, this.changes);
    return this.changes;
  }

  private assertOpen(): void {
    if (this.ended) throw new MvccError(MvccErrorCode.INTERNAL, 'write transaction already ended');
  }
}

function sortKvs(kvs: KeyValue[], order: 'none' | 'ascend' | 'descend', target: 'key' | 'version' | 'create' | 'mod' | 'value'): KeyValue[] {
  // As etcd: a non-key target with no order sorts ascending; key/ascend is already the index order.
  let effective = order;
  if (target !== 'key' && order === 'none') effective = 'ascend';
  else if (target === 'key' && order === 'ascend') effective = 'none';
  if (effective === 'none') return kvs;
  const cmp = comparator(target);
  const sign = effective === 'ascend' ? 1 : -1;
  // Array.prototype.sort is stable, as Go's insertion sort is for the small ranges etcdctl shows.
  return kvs.slice().sort((a, b) => sign * cmp(a, b));
}

function comparator(target: 'key' | 'version' | 'create' | 'mod' | 'value'): (a: KeyValue, b: KeyValue) => number {
  switch (target) {
    case 'key':
      return (a, b) => Buffer.compare(a.key, b.key);
    case 'version':
      return (a, b) => a.version - b.version;
    case 'create':
      return (a, b) => a.createRevision - b.createRevision;
    case 'mod':
      return (a, b) => a.modRevision - b.modRevision;
    case 'value':
      return (a, b) => Buffer.compare(a.value, b.value);
  }
}
