import { mkdir, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import {
  EMPTY_HARD_STATE,
  RaftError,
  RaftErrorCode,
  type ConfState,
  type Entry,
  type HardState,
  type MemoryStorage,
  type Snapshot,
  type Storage,
} from '../../raft/index.js';
import { EntryArena } from './entry_arena.js';
import { StoreError, StoreErrorCode } from './errors.js';
import type { PersistBatch } from './raft_storage.js';
import { encodeRecords, type WalRecord } from './wal_record.js';
import { WalReplay } from './wal_replay.js';
import { listSegments, preallocate, SegmentFile, segmentFileName, syncDir } from './wal_segment.js';

export interface WalOptions {
  /** Bytes preallocated per segment; a write that does not fit starts a new segment. */
  readonly segmentBytes?: number;
}

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

/** A segment as the WAL tracks it, for deciding which segments compaction may delete. */
interface Segment {
  readonly seq: number;
  readonly path: string;
  /** The log's last index when the segment was created (from its header). */
  readonly prevIndex: number;
  /** The lowest index of any entry written to the segment; Infinity when there is none. */
  lowestEntryIndex: number;
}

/** The next segment, preallocated in the background while the current one fills up. */
const SPARE_FILE = 'spare.wal.tmp';

/**
 * The raft log, hard state and snapshot metadata in a write-ahead log: a directory of
 * preallocated segment files that are only ever appended to (wal_segment.ts), holding checksummed
 * records (wal_record.ts). A drop-in replacement for DiskRaftStorage with the same public surface:
 * the log since the last compaction is kept in memory (a MemoryStorage), because the consensus
 * core reads its log synchronously; every change is appended to the WAL first, then applied there.
 *
 * A Ready's records go out in one write, followed by one fdatasync when it must be durable. A
 * conflicting suffix is not deleted: the new entries are appended and, on replay, an entry at an
 * index the log already has replaces that entry and all after it (wal_replay.ts).
 *
 * Each segment begins with a header (its sequence number and the log's last index and term), the
 * snapshot metadata and the hard state, so that replay can start at any segment and compaction
 * only needs to delete whole old segments.
 *
 * Writes are queued, so they reach the disk in the order of the calls. After a failed write the
 * WAL refuses all further writes: what is on disk is unknown until it is opened again.
 */
export class WalRaftStorage implements Storage {
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown;
  private closed = false;
  /** Whether records were written since the last fdatasync. */
  private unsynced = false;
  private spare: Promise<void> | undefined;
  /** The in-memory entries' data, copied out of the buffers it arrived in (as DiskRaftStorage does). */
  private readonly arena = new EntryArena();

  private constructor(
    private readonly dir: string,
    private readonly logger: Logger,
    private readonly segmentBytes: number,
    private readonly mem: MemoryStorage,
    /** Invariant: ordered by seq without gaps; the last one is `tail`'s. */
    private segments: Segment[],
    private tail: SegmentFile,
  ) {}

  /**
   * Opens the WAL in `dir` (created if missing), replaying and verifying it. A torn write at the
   * end of the last segment is erased with a warning; any other damage throws STORE_CORRUPT.
   * `initialConfState` is the membership of a brand-new log.
   */
  static async open(dir: string, logger: Logger, initialConfState: ConfState, options: WalOptions = {}): Promise<WalRaftStorage> {
    const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    await mkdir(dir, { recursive: true });
    for (const file of await readdir(dir)) if (file.endsWith('.tmp')) await rm(join(dir, file), { force: true });
    if ((await listSegments(dir)).length === 0) {
      const initial: Snapshot = { data: new Uint8Array(0), metadata: { index: 0, term: 0, confState: initialConfState } };
      const sparePath = join(dir, SPARE_FILE);
      await preallocate(sparePath, segmentBytes);
      const first = await SegmentFile.install(sparePath, join(dir, segmentFileName(0, 1)), encodeRecords(segmentStart(0, 0, 0, initial, EMPTY_HARD_STATE)));
      await first.close();
      await syncDir(dirname(dir));
    }

    const names = await listSegments(dir);
    const replay = new WalReplay(initialConfState);
    const segments: Segment[] = [];
    let end = 0;
    let fileBytes = 0;
    let torn: { readonly reason: string } | undefined;
    for (const [i, name] of names.entries()) {
      const path = join(dir, name.file);
      const buf = await readFile(path);
      const scan = replay.replaySegment(name, path, buf, i === names.length - 1);
      segments.push({ seq: name.seq, path, prevIndex: scan.prevIndex, lowestEntryIndex: scan.lowestEntryIndex });
      ({ end, torn } = scan);
      fileBytes = buf.length;
    }
    const mem = replay.finish(dir);

    const last = segments[segments.length - 1] as Segment;
    const tail = await SegmentFile.openAt(last.path, end);
    if (torn !== undefined || fileBytes < segmentBytes) {
      if (torn !== undefined) {
        logger.warn({ file: last.path, offset: end, afterIndex: mem.lastIndex(), reason: torn.reason }, 'raft WAL: erased a torn write at the tail (an unfinished write before a crash)');
      }
      await tail.eraseFrom(Math.max(fileBytes, segmentBytes));
      await tail.sync();
    }
    const hs = mem.getHardState();
    logger.info(
      { dir, segments: segments.length, firstIndex: mem.firstIndex(), lastIndex: mem.lastIndex(), snapshotIndex: mem.snapshot().metadata.index, term: hs.term, commit: hs.commit },
      'raft WAL: opened',
    );
    return new WalRaftStorage(dir, logger, segmentBytes, mem, segments, tail);
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return this.mem.initialState();
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    return this.mem.entries(lo, hi, maxBytes);
  }

  term(i: number): number {
    return this.mem.term(i);
  }

  firstIndex(): number {
    return this.mem.firstIndex();
  }

  lastIndex(): number {
    return this.mem.lastIndex();
  }

  snapshot(): Snapshot {
    return this.mem.snapshot();
  }

  get path(): string {
    return this.dir;
  }

  /**
   * Makes a Ready's snapshot, entries and hard state durable (fdatasync when `sync`) in one write,
   * then updates the in-memory view. Entries already compacted are skipped, as MemoryStorage does.
   */
  persist(batch: PersistBatch, sync: boolean): Promise<void> {
    return this.enqueue(async () => {
      const records: WalRecord[] = [];
      let compacted = this.mem.firstIndex() - 1;
      let last = this.mem.lastIndex();
      const snap = batch.snapshot;
      if (snap !== undefined) {
        const { index, term } = snap.metadata;
        const current = this.mem.snapshot().metadata.index;
        if (index <= current) throw new RaftError(RaftErrorCode.SNAPSHOT_OUT_OF_DATE, `snapshot ${index} is not newer than ${current}`);
        records.push({ type: 'snapshot', snapshot: snap }, { type: 'logReset', index, term });
        compacted = last = index;
      }
      const entries = uncompacted(batch.entries, compacted);
      const first = entries[0];
      if (first !== undefined && first.index > last + 1) {
        throw new RaftError(RaftErrorCode.UNAVAILABLE, `append: missing log entry [last: ${last}, append at: ${first.index}]`);
      }
      for (const [k, entry] of entries.entries()) {
        if (entry.index !== (first as Entry).index + k) throw new RaftError(RaftErrorCode.INVARIANT, `persist: entries are not contiguous at ${entry.index}`);
        records.push({ type: 'entry', entry });
      }
      if (batch.hardState !== undefined) records.push({ type: 'hardState', hardState: batch.hardState });

      if (records.length > 0) await this.append(records, sync);
      else if (sync && this.unsynced) await this.guard(() => this.sync());

      if (snap !== undefined) this.mem.applySnapshot(snap);
      this.mem.append(this.arena.ownAll(entries));
      if (batch.hardState !== undefined) this.mem.setHardState(batch.hardState);
    });
  }

  /**
   * Records a snapshot at `index` (already applied and durable in the backend) and drops log entries
   * up to `compactTo` (at most `index`), keeping a tail so that slow followers can catch up from the
   * log. Segments holding only dropped entries are deleted.
   */
  snapshotAndCompact(index: number, confState: ConfState, data: Uint8Array, compactTo: number): Promise<void> {
    return this.enqueue(async () => {
      const current = this.mem.snapshot().metadata.index;
      if (index <= current) throw new RaftError(RaftErrorCode.SNAPSHOT_OUT_OF_DATE, `snapshot ${index} is not newer than ${current}`);
      if (index > this.mem.lastIndex()) throw new RaftError(RaftErrorCode.UNAVAILABLE, `createSnapshot: index ${index} beyond last ${this.mem.lastIndex()}`);
      const snapshot: Snapshot = { data, metadata: { index, term: this.mem.term(index), confState } };
      const to = Math.min(compactTo, index);
      const compacts = to >= this.mem.firstIndex();
      const records: WalRecord[] = [{ type: 'snapshot', snapshot }];
      if (compacts) records.push({ type: 'compact', index: to, term: this.mem.term(to) });
      await this.append(records, true);
      this.mem.createSnapshot(index, confState, data);
      if (compacts) {
        this.mem.compact(to);
        await this.removeSegmentsBefore(to);
      }
    });
  }

  /** Waits for queued writes, then closes the files. Later calls fail with STORE_STOPPED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    if (this.spare !== undefined) {
      await this.spare.catch(() => undefined);
      await rm(join(this.dir, SPARE_FILE), { force: true });
    }
    await this.tail.close();
  }

  /** Runs `op` after every write queued before it; a failed write stops all later ones. */
  private enqueue(op: () => Promise<void>): Promise<void> {
    if (this.closed) return Promise.reject(new StoreError(StoreErrorCode.STOPPED, `raft WAL ${this.dir} is closed`));
    const run = this.queue.then(() => {
      if (this.failure !== undefined) throw this.failure;
      return op();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs a disk write; if it fails, the WAL is failed for good. */
  private async guard(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      this.failure = err;
      throw err;
    }
  }

  /** Appends the records in one write (starting a new segment when they do not fit), then syncs. */
  private async append(records: readonly WalRecord[], sync: boolean): Promise<void> {
    const buf = encodeRecords(records);
    await this.guard(async () => {
      if (this.tail.offset + buf.length > this.segmentBytes) await this.rotate();
      await this.tail.append(buf);
      this.unsynced = true;
      if (sync) await this.sync();
    });
    const current = this.segments[this.segments.length - 1] as Segment;
    for (const r of records) if (r.type === 'entry') current.lowestEntryIndex = Math.min(current.lowestEntryIndex, r.entry.index);
    if (this.spare === undefined && this.tail.offset >= this.segmentBytes / 2) this.prepareSpare();
  }

  private async sync(): Promise<void> {
    await this.tail.sync();
    this.unsynced = false;
  }

  /**
   * Starts the next segment. The current one is synced first, so that nothing in a segment is
   * ever newer than the start of the next.
   */
  private async rotate(): Promise<void> {
    if (this.unsynced) await this.sync();
    const seq = (this.segments[this.segments.length - 1] as Segment).seq + 1;
    const prevIndex = this.mem.lastIndex();
    const header = encodeRecords(segmentStart(seq, prevIndex, this.mem.term(prevIndex), this.mem.snapshot(), this.mem.getHardState()));
    const sparePath = join(this.dir, SPARE_FILE);
    const ready = this.spare ?? preallocate(sparePath, this.segmentBytes);
    this.spare = undefined;
    await ready;
    const next = await SegmentFile.install(sparePath, join(this.dir, segmentFileName(seq, prevIndex + 1)), header);
    await this.tail.close();
    this.tail = next;
    this.segments.push({ seq, path: next.path, prevIndex, lowestEntryIndex: Infinity });
    this.logger.debug({ file: next.path, prevIndex }, 'raft WAL: started a new segment');
  }

  /** Preallocates the next segment in the background; rotate() waits for it (and sees its error). */
  private prepareSpare(): void {
    this.spare = preallocate(join(this.dir, SPARE_FILE), this.segmentBytes);
    this.spare.catch(() => undefined);
  }

  /**
   * Deletes the oldest segments once the log is compacted to `compactedTo`, oldest first, while
   * replay can start exactly at the next one: its header must precede no kept entry (its prevIndex
   * is compacted) and no later segment may rewrite an entry at or below its prevIndex (a conflict
   * written after it was created). Every prefix deleted on the way leaves a valid WAL, so a crash
   * in the middle is harmless.
   */
  private async removeSegmentsBefore(compactedTo: number): Promise<void> {
    const lowestFrom: number[] = [];
    let lowest = Infinity;
    for (let k = this.segments.length - 1; k >= 0; k--) {
      lowest = Math.min(lowest, (this.segments[k] as Segment).lowestEntryIndex);
      lowestFrom[k] = lowest;
    }
    let removed = 0;
    for (;;) {
      const next = this.segments[removed + 1];
      if (next === undefined || next.prevIndex > compactedTo || (lowestFrom[removed + 1] as number) <= next.prevIndex) break;
      await unlink((this.segments[removed] as Segment).path);
      removed++;
    }
    if (removed === 0) return;
    this.segments = this.segments.slice(removed);
    await syncDir(this.dir);
    this.logger.info({ removed, compactedTo, firstSegment: (this.segments[0] as Segment).path }, 'raft WAL: removed compacted segments');
  }
}

/** The records every segment begins with: enough to replay the log from this segment on. */
function segmentStart(seq: number, prevIndex: number, prevTerm: number, snapshot: Snapshot, hardState: HardState): WalRecord[] {
  return [
    { type: 'header', seq, prevIndex, prevTerm },
    { type: 'snapshot', snapshot },
    { type: 'hardState', hardState },
  ];
}

/** The entries after index `compacted` (the ones MemoryStorage.append would keep). */
function uncompacted(entries: readonly Entry[], compacted: number): readonly Entry[] {
  const first = entries[0];
  if (first === undefined || first.index > compacted) return entries;
  return entries.slice(compacted + 1 - first.index);
}
