import { RaftError, RaftErrorCode, invariant } from './errors.js';
import { Unstable } from './log_unstable.js';
import { limitSize, type Storage } from './storage.js';
import { entryPayloadBytes, type Entry, type Snapshot } from './types.js';

/**
 * A member's log: the durable part in Storage followed by the unstable tail not yet persisted.
 *
 *     snapshot | firstIndex ... (stable, in Storage) ... | unstable.offset ... lastIndex
 *
 * Invariant: applied <= committed <= lastIndex (committed may run ahead of applied, never of the log).
 * Invariant: firstIndex - 1 <= applied (compacted entries have all been applied).
 */
export class RaftLog {
  readonly storage: Storage;
  readonly unstable: Unstable;
  /** The highest index known to be stored on a quorum. */
  committed: number;
  /** The highest index the application has applied. */
  applied: number;

  constructor(storage: Storage) {
    this.storage = storage;
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new Unstable(last + 1);
    this.committed = first - 1;
    this.applied = first - 1;
  }

  toString(): string {
    return `committed=${this.committed} applied=${this.applied} unstable.offset=${this.unstable.offset} unstable.len=${this.unstable.entries.length}`;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  lastTerm(): number {
    return this.term(this.lastIndex());
  }

  /**
   * The term of the entry at index i, for i in [firstIndex - 1, lastIndex].
   * Throws COMPACTED below that range and UNAVAILABLE above it.
   */
  term(i: number): number {
    const t = this.unstable.maybeTerm(i);
    if (t !== undefined) return t;
    const dummy = this.firstIndex() - 1;
    if (i < dummy) throw new RaftError(RaftErrorCode.COMPACTED, `term: index ${i} is compacted (first ${dummy + 1})`);
    if (i > this.lastIndex()) throw new RaftError(RaftErrorCode.UNAVAILABLE, `term: index ${i} > last ${this.lastIndex()}`);
    return this.storage.term(i);
  }

  /** term(i), or 0 when i is outside the log. */
  termOrZero(i: number): number {
    if (i < this.firstIndex() - 1 || i > this.lastIndex()) return 0;
    return this.term(i);
  }

  matchTerm(i: number, term: number): boolean {
    if (i < this.firstIndex() - 1 || i > this.lastIndex()) return false;
    return this.term(i) === term;
  }

  /** Whether a log ending at (lastIndex, lastTerm) is at least as up to date as this one (Raft §5.4.1). */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /**
   * Follower side of MsgApp: if our log has (index, logTerm), append `ents` after it (dropping any
   * conflicting suffix), advance commit, and return the index of the last new entry. Otherwise
   * return undefined (the leader must back up).
   */
  maybeAppend(index: number, logTerm: number, committed: number, ents: readonly Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNewIndex = index + ents.length;
    const conflict = this.findConflict(ents);
    if (conflict !== 0) {
      invariant(conflict > this.committed, () => `entry ${conflict} conflicts with committed entry (committed ${this.committed})`);
      this.append(ents.slice(conflict - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNewIndex));
    return lastNewIndex;
  }

  /** Appends entries to the unstable tail, truncating a conflicting suffix. Returns the new last index. */
  append(ents: readonly Entry[]): number {
    const first = ents[0];
    if (first === undefined) return this.lastIndex();
    invariant(first.index - 1 >= this.committed, () => `append at ${first.index} would overwrite committed ${this.committed}`);
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /**
   * The index of the first entry in ents that is not already in the log with the same term, or 0 if
   * all of them are (ents may extend the log or conflict with it).
   */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * For fast backtracking: the largest index <= index whose term is <= term, with that term. A
   * leader whose log has `term` at the returned index can resume there, skipping a whole term of
   * mismatching entries per round trip.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    const first = this.firstIndex() - 1;
    const last = this.lastIndex();
    for (let i = index; ; i--) {
      // Outside the log the term is unknown: stop there with term 0.
      if (i < first || i > last) return { index: i, term: 0 };
      const t = this.term(i);
      if (t <= term) return { index: i, term: t };
    }
  }

  /** Entries appended but not yet handed to the driver for persistence. */
  unstableEntries(): Entry[] {
    return this.unstable.entries;
  }

  /** Whether committed entries are waiting to be applied (and no snapshot must be applied first). */
  hasNextCommittedEnts(): boolean {
    if (this.unstable.snapshot !== undefined) return false;
    return this.committed > Math.max(this.applied, this.firstIndex() - 1);
  }

  /** Committed entries to apply next, at most maxBytes of payload (at least one entry). */
  nextCommittedEnts(maxBytes: number): Entry[] {
    if (!this.hasNextCommittedEnts()) return [];
    const lo = Math.max(this.applied + 1, this.firstIndex());
    return this.slice(lo, this.committed + 1, maxBytes);
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  hasPendingSnapshot(): boolean {
    return this.unstable.snapshot !== undefined;
  }

  commitTo(toCommit: number): void {
    if (toCommit <= this.committed) return;
    invariant(toCommit <= this.lastIndex(), () => `commit ${toCommit} is out of range [last ${this.lastIndex()}]; was the log corrupted, truncated or lost?`);
    this.committed = toCommit;
  }

  /** Leader: commit up to maxIndex if that entry is from the current term (Raft figure 8). */
  maybeCommit(maxIndex: number, term: number): boolean {
    if (maxIndex > this.committed && this.termOrZero(maxIndex) === term) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    invariant(i <= this.committed && i >= this.applied, () => `applied(${i}) out of range [prev applied ${this.applied}, committed ${this.committed}]`);
    this.applied = i;
  }

  stableTo(index: number, term: number): void {
    this.unstable.stableTo(index, term);
  }

  stableSnapTo(index: number): void {
    this.unstable.stableSnapTo(index);
  }

  /** Replaces the log with a snapshot (the entries it covers are gone; later ones are dropped). */
  restore(s: Snapshot): void {
    this.committed = s.metadata.index;
    this.unstable.restore(s);
  }

  /** Entries in [lo, hi) with at most maxBytes of payload (at least one). */
  slice(lo: number, hi: number, maxBytes: number): Entry[] {
    this.mustCheckOutOfBounds(lo, hi);
    if (lo === hi) return [];
    let ents: Entry[] = [];
    const offset = this.unstable.offset;
    if (lo < offset) {
      const stored = this.storage.entries(lo, Math.min(hi, offset), maxBytes);
      // Storage stopped early because of the size limit: return what we have.
      if (stored.length < Math.min(hi, offset) - lo) return stored;
      ents = stored;
    }
    if (hi > offset) {
      const fromUnstable = this.unstable.slice(Math.max(lo, offset), hi);
      ents = ents.length > 0 ? ents.concat(fromUnstable) : fromUnstable;
    }
    return maxBytes === Infinity ? ents : limitSize(ents, maxBytes);
  }

  /** Entries from index i to the end, at most maxBytes of payload. */
  entries(i: number, maxBytes: number): Entry[] {
    if (i > this.lastIndex()) return [];
    return this.slice(i, this.lastIndex() + 1, maxBytes);
  }

  /** Every entry still in the log, for tests and checkers. */
  allEntries(): Entry[] {
    return this.entries(this.firstIndex(), Infinity);
  }

  private mustCheckOutOfBounds(lo: number, hi: number): void {
    invariant(lo <= hi, () => `invalid slice ${lo} > ${hi}`);
    const first = this.firstIndex();
    if (lo < first) throw new RaftError(RaftErrorCode.COMPACTED, `slice: index ${lo} is compacted (first ${first})`);
    const length = this.lastIndex() + 1 - first;
    invariant(hi <= first + length, () => `slice[${lo},${hi}) out of bound [${first},${this.lastIndex()}]`);
  }
}

/** Total payload bytes of a batch of entries. */
export function payloadBytes(ents: readonly Entry[]): number {
  let n = 0;
  for (const e of ents) n += entryPayloadBytes(e);
  return n;
}
