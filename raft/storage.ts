import { RaftError, RaftErrorCode } from './errors.js';
import {
  EMPTY_HARD_STATE,
  EMPTY_SNAPSHOT,
  entryPayloadBytes,
  type ConfState,
  type Entry,
  type HardState,
  type Snapshot,
} from './types.js';

/**
 * The consensus core's read-only view of stable storage. The application writes to storage itself
 * when it handles a Ready (entries, hard state, snapshot), then calls advance(); the core only reads.
 *
 * Contract:
 * - Indexes in (snapshot.index, lastIndex] are readable with entries()/term().
 * - term(firstIndex() - 1) returns the term of the last compacted entry (the snapshot's term).
 * - An index below firstIndex() - 1 throws RaftError COMPACTED; above lastIndex() throws UNAVAILABLE.
 */
export interface Storage {
  /** The persisted hard state and membership, read once at start-up. */
  initialState(): { hardState: HardState; confState: ConfState };
  /**
   * Entries in [lo, hi). Returns at least one entry when lo < hi, and then stops before the total
   * payload would exceed maxBytes.
   */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
  /** The term of the entry at index i, for i in [firstIndex() - 1, lastIndex()]. */
  term(i: number): number;
  /** The index of the first entry still in the log (the snapshot index + 1). */
  firstIndex(): number;
  /** The index of the last entry in the log (the snapshot index when the log is empty). */
  lastIndex(): number;
  /** The most recent snapshot. May throw SNAPSHOT_TEMPORARILY_UNAVAILABLE while one is being made. */
  snapshot(): Snapshot;
}

/**
 * Storage in memory, for tests and the simulator. It keeps a dummy entry at position 0 holding the
 * index and term of the last compacted entry, as etcd-io/raft's MemoryStorage does.
 */
export class MemoryStorage implements Storage {
  private hardState: HardState = EMPTY_HARD_STATE;
  private snap: Snapshot = EMPTY_SNAPSHOT;
  /** ents[0] is a dummy: its index and term are those of the snapshot. */
  private ents: Entry[] = [{ index: 0, term: 0, type: 'normal', data: new Uint8Array(0) }];

  /** A new, empty storage whose initial membership is `confState` (how a new cluster is bootstrapped). */
  static withConfState(confState: ConfState): MemoryStorage {
    const s = new MemoryStorage();
    s.snap = { data: new Uint8Array(0), metadata: { index: 0, term: 0, confState } };
    return s;
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.snap.metadata.confState };
  }

  setHardState(hs: HardState): void {
    this.hardState = hs;
  }

  getHardState(): HardState {
    return this.hardState;
  }

  private offset(): number {
    return (this.ents[0] as Entry).index;
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    const offset = this.offset();
    if (lo <= offset) throw new RaftError(RaftErrorCode.COMPACTED, `entries: index ${lo} is compacted (first ${offset + 1})`);
    if (hi > this.lastIndex() + 1) {
      throw new RaftError(RaftErrorCode.UNAVAILABLE, `entries: hi ${hi} out of bound (last ${this.lastIndex()})`);
    }
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxBytes);
  }

  term(i: number): number {
    const offset = this.offset();
    if (i < offset) throw new RaftError(RaftErrorCode.COMPACTED, `term: index ${i} is compacted (offset ${offset})`);
    const e = this.ents[i - offset];
    if (e === undefined) throw new RaftError(RaftErrorCode.UNAVAILABLE, `term: index ${i} unavailable (last ${this.lastIndex()})`);
    return e.term;
  }

  firstIndex(): number {
    return this.offset() + 1;
  }

  lastIndex(): number {
    return this.offset() + this.ents.length - 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the contents of storage with a snapshot (a follower installing one from its leader). */
  applySnapshot(snap: Snapshot): void {
    if (snap.metadata.index <= this.snap.metadata.index) {
      throw new RaftError(RaftErrorCode.SNAPSHOT_OUT_OF_DATE, `snapshot ${snap.metadata.index} is not newer than ${this.snap.metadata.index}`);
    }
    this.snap = snap;
    this.ents = [{ index: snap.metadata.index, term: snap.metadata.term, type: 'normal', data: new Uint8Array(0) }];
  }

  /**
   * Records a snapshot of the application state at index i (which must be applied), so that the
   * log before it can be compacted and lagging followers can be sent it.
   */
  createSnapshot(i: number, confState: ConfState, data: Uint8Array): Snapshot {
    if (i <= this.snap.metadata.index) {
      throw new RaftError(RaftErrorCode.SNAPSHOT_OUT_OF_DATE, `snapshot ${i} is not newer than ${this.snap.metadata.index}`);
    }
    if (i > this.lastIndex()) {
      throw new RaftError(RaftErrorCode.UNAVAILABLE, `createSnapshot: index ${i} beyond last ${this.lastIndex()}`);
    }
    this.snap = { data, metadata: { index: i, term: this.term(i), confState } };
    return this.snap;
  }

  /** Discards entries up to and including compactIndex. */
  compact(compactIndex: number): void {
    const offset = this.offset();
    if (compactIndex <= offset) throw new RaftError(RaftErrorCode.COMPACTED, `compact: ${compactIndex} already compacted`);
    if (compactIndex > this.lastIndex()) {
      throw new RaftError(RaftErrorCode.UNAVAILABLE, `compact: ${compactIndex} beyond last ${this.lastIndex()}`);
    }
    const i = compactIndex - offset;
    const dummy = this.ents[i] as Entry;
    this.ents = [{ index: dummy.index, term: dummy.term, type: 'normal', data: new Uint8Array(0) }, ...this.ents.slice(i + 1)];
  }

  /**
   * Appends entries, replacing any conflicting suffix. Entries already compacted are skipped.
   * Invariant: entries are contiguous and start at most one past lastIndex().
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = (entries[entries.length - 1] as Entry).index;
    if (last < first) return;
    let ents = entries;
    if (first > (ents[0] as Entry).index) ents = ents.slice(first - (ents[0] as Entry).index);
    const offset = (ents[0] as Entry).index - this.offset();
    if (offset > this.ents.length) {
      throw new RaftError(RaftErrorCode.UNAVAILABLE, `append: missing log entry [last: ${this.lastIndex()}, append at: ${(ents[0] as Entry).index}]`);
    }
    this.ents.length = offset;
    for (const e of ents) this.ents.push(e);
  }
}

/** The longest prefix of ents whose payload fits in maxBytes, but always at least one entry. */
export function limitSize(ents: Entry[], maxBytes: number): Entry[] {
  if (ents.length === 0) return ents;
  let size = entryPayloadBytes(ents[0] as Entry);
  let n = 1;
  for (; n < ents.length; n++) {
    size += entryPayloadBytes(ents[n] as Entry);
    if (size > maxBytes) break;
  }
  return n === ents.length ? ents : ents.slice(0, n);
}
