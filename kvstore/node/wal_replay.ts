import { EMPTY_HARD_STATE, MemoryStorage, type ConfState, type Entry, type HardState, type Snapshot } from '../../raft/index.js';
import { StoreError, StoreErrorCode } from './errors.js';
import { claimedEntryIndex, isValidRecordAt, isZero, readRecord, type WalRecord } from './wal_record.js';
import type { SegmentName } from './wal_segment.js';

/** What replaying one segment found. */
export interface SegmentScan {
  /** The log index before the segment's first entry, from its header. */
  readonly prevIndex: number;
  /** The lowest index of any entry record in the segment (Infinity when there is none). */
  readonly lowestEntryIndex: number;
  /** The offset just after the last valid record: where appending resumes. */
  readonly end: number;
  /** Set when the segment ends in a torn write, which the caller must erase. */
  readonly torn?: { readonly reason: string };
}

/**
 * Rebuilds the raft log from the WAL's records, segment by segment, in order, and verifies it.
 *
 * The log is `base` (the index and term of the entry just before the first one kept) followed by
 * contiguous `entries`. Later records win: an entry at an index the log already has replaces that
 * entry and everything after it (a new leader overwrote an uncommitted suffix), exactly as when it
 * was appended. Replay may start at any segment's header, which records the log's last index and
 * term when the segment was created; the WAL only deletes segments when that is exact (see
 * WalRaftStorage.removeSegmentsBefore).
 *
 * A record that fails its checksum or is cut short is a torn write if nothing valid follows it in
 * the last segment; anywhere else it is corruption, as is a broken rule of the log (a gap, a term
 * that does not match, a segment missing).
 */
export class WalReplay {
  private snap: Snapshot;
  private hardState: HardState = EMPTY_HARD_STATE;
  private baseIndex = 0;
  private baseTerm = 0;
  /** Invariant: entries[k].index === baseIndex + 1 + k. */
  private entries: Entry[] = [];
  private nextSeq: number | undefined;
  private isFirstSegment = true;

  constructor(initialConfState: ConfState) {
    this.snap = { data: new Uint8Array(0), metadata: { index: 0, term: 0, confState: initialConfState } };
  }

  private get lastIndex(): number {
    return this.baseIndex + this.entries.length;
  }

  private termAt(i: number): number | undefined {
    if (i === this.baseIndex) return this.baseTerm;
    return this.entries[i - this.baseIndex - 1]?.term;
  }

  /** Replays one segment's bytes; throws StoreError STORE_CORRUPT naming `path`, the offset and the index. */
  replaySegment(name: SegmentName, path: string, buf: Buffer, isLast: boolean): SegmentScan {
    if (this.nextSeq !== undefined && name.seq !== this.nextSeq) {
      throw corrupt(`${path}: WAL segment ${this.nextSeq} is missing (found ${name.seq} after raft index ${this.lastIndex})`);
    }
    this.nextSeq = name.seq + 1;
    let offset = 0;
    let prevIndex: number | undefined;
    let lowestEntryIndex = Infinity;
    for (;;) {
      const r = readRecord(buf, offset);
      if (r.kind === 'record') {
        const where = (): string => `${path}: WAL record at byte offset ${offset} (after raft index ${this.lastIndex})`;
        if ((prevIndex === undefined) !== (r.record.type === 'header')) {
          throw corrupt(`${where()}: ${prevIndex === undefined ? 'a segment must begin with a header' : 'a second header'}`);
        }
        if (r.record.type === 'header') {
          this.startSegment(r.record, name, where);
          prevIndex = r.record.prevIndex;
        } else {
          this.apply(r.record, where);
        }
        if (r.record.type === 'entry') lowestEntryIndex = Math.min(lowestEntryIndex, r.record.entry.index);
        offset = r.next;
        continue;
      }
      if (r.kind === 'end' && isZero(buf, offset, buf.length)) {
        if (prevIndex === undefined) throw corrupt(`${path}: WAL segment has no header`);
        return { prevIndex, lowestEntryIndex, end: offset };
      }
      const reason = r.kind === 'bad' ? r.reason : 'data after the end marker';
      const claimed = claimedEntryIndex(buf, offset);
      const what = `${path}: corrupt WAL record at byte offset ${offset} (${reason}) after raft index ${this.lastIndex}${claimed === undefined ? '' : `, claiming to be entry ${claimed}`}`;
      if (r.kind === 'bad' && r.reason === 'malformed') throw corrupt(`${what}: its checksum holds, so it is not a torn write`);
      if (prevIndex === undefined) throw corrupt(`${what}: the segment has no valid header`);
      if (!isLast) throw corrupt(`${what}: it is not in the last segment, so it is not a torn write`);
      const valid = findValidRecord(buf, offset + 1);
      if (valid !== undefined) throw corrupt(`${what}: a valid record follows it at byte offset ${valid}, so it is not a torn write`);
      return { prevIndex, lowestEntryIndex, end: offset, torn: { reason } };
    }
  }

  /** A segment's header: the start of the log when it is the first segment, else a continuity check. */
  private startSegment(header: Extract<WalRecord, { type: 'header' }>, name: SegmentName, where: () => string): void {
    if (header.seq !== name.seq || header.prevIndex + 1 !== name.firstIndex) {
      throw corrupt(`${where()}: header (segment ${header.seq}, first index ${header.prevIndex + 1}) does not match the file name`);
    }
    if (this.isFirstSegment) {
      this.isFirstSegment = false;
      this.baseIndex = header.prevIndex;
      this.baseTerm = header.prevTerm;
      this.entries = [];
      return;
    }
    if (header.prevIndex !== this.lastIndex || header.prevTerm !== this.termAt(header.prevIndex)) {
      throw corrupt(`${where()}: segment starts after index ${header.prevIndex} (term ${header.prevTerm}), but the log before it ends at ${this.lastIndex} (term ${this.termAt(this.lastIndex)})`);
    }
  }

  private apply(record: Exclude<WalRecord, { type: 'header' }>, where: () => string): void {
    switch (record.type) {
      case 'entry': {
        const i = record.entry.index;
        if (i <= this.baseIndex) throw corrupt(`${where()}: entry ${i} is at or below the start of the log (${this.baseIndex})`);
        if (i > this.lastIndex + 1) throw corrupt(`${where()}: entry ${i} leaves a gap after ${this.lastIndex}`);
        this.entries.length = i - this.baseIndex - 1;
        this.entries.push(record.entry);
        return;
      }
      case 'hardState':
        this.hardState = record.hardState;
        return;
      case 'snapshot':
        this.snap = record.snapshot;
        return;
      case 'compact': {
        // Only below a segment that replay started from (a compaction older than its header).
        if (record.index < this.baseIndex) return;
        if (record.index > this.lastIndex || this.termAt(record.index) !== record.term) {
          throw corrupt(`${where()}: compaction to ${record.index} (term ${record.term}) does not match the log (${this.baseIndex}, ${this.lastIndex}]`);
        }
        this.entries = this.entries.slice(record.index - this.baseIndex);
        this.baseIndex = record.index;
        this.baseTerm = record.term;
        return;
      }
      case 'logReset':
        this.baseIndex = record.index;
        this.baseTerm = record.term;
        this.entries = [];
        return;
    }
  }

  /** The replayed state as the in-memory view, after checking that it holds together. */
  finish(dir: string): MemoryStorage {
    const { index, term, confState } = this.snap.metadata;
    if (index < this.baseIndex || index > this.lastIndex || this.termAt(index) !== term) {
      throw corrupt(`${dir}: raft snapshot ${index} (term ${term}) does not match the log (${this.baseIndex}, ${this.lastIndex}]`);
    }
    if (this.hardState.commit > this.lastIndex) {
      throw corrupt(`${dir}: hard state commit ${this.hardState.commit} is beyond the last log entry ${this.lastIndex}`);
    }
    const mem = MemoryStorage.withConfState(confState);
    if (this.baseIndex > 0) {
      const data = index === this.baseIndex ? this.snap.data : new Uint8Array(0);
      mem.applySnapshot({ data, metadata: { index: this.baseIndex, term: this.baseTerm, confState } });
    }
    mem.append(this.entries);
    if (index > this.baseIndex) mem.createSnapshot(index, confState, this.snap.data);
    mem.setHardState(this.hardState);
    return mem;
  }
}

function corrupt(message: string): StoreError {
  return new StoreError(StoreErrorCode.CORRUPT, message);
}

/** The offset of the first valid record at or after `from`, if any. */
function findValidRecord(buf: Buffer, from: number): number | undefined {
  // A record's length field is not zero, so no record starts after the last non-zero byte.
  let end = buf.length;
  const step = 64 * 1024;
  while (end > from && isZero(buf, Math.max(from, end - step), end)) end = Math.max(from, end - step);
  for (let o = from; o < end; o++) if (isValidRecordAt(buf, o)) return o;
  return undefined;
}
