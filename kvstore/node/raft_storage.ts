import { crc32 } from 'node:zlib';
import type { Logger } from 'pino';
import { MemoryStorage, type ConfState, type Entry, type HardState, type Snapshot, type Storage } from '../../raft/index.js';
import { codec, key1, keyU64, prefixEnd, PREFIX, readU64, type Db } from './db.js';
import { EntryArena } from './entry_arena.js';
import { StoreError, StoreErrorCode } from './errors.js';

/** What a Ready asks to be made durable. */
export interface PersistBatch {
  readonly hardState?: HardState | undefined;
  readonly entries: readonly Entry[];
  readonly snapshot?: Snapshot | undefined;
}

/**
 * The raft log, hard state and snapshot metadata, durable in LevelDB. The log since the last
 * snapshot is also kept in memory (a MemoryStorage), because the consensus core reads its log
 * synchronously; every write goes to LevelDB first, with fsync when the Ready demands it. The
 * in-memory entries hold compact copies of their data (an EntryArena), not views into the request
 * or frame buffers they were decoded from.
 *
 * Each entry is stored with a CRC-32 of its contents. At start-up the log is verified: a bad entry
 * at the very end is a torn write from a crash and is truncated; a bad entry anywhere else, or a
 * gap, stops start-up with an error naming the database and the index.
 */
export class DiskRaftStorage implements Storage {
  private readonly mem: MemoryStorage;
  private readonly arena = new EntryArena();

  private constructor(
    private readonly db: Db,
    private readonly dbPath: string,
    mem: MemoryStorage,
  ) {
    this.mem = mem;
  }

  /** Opens the raft state in `db`, verifying it. `initialConfState` is used for a brand-new log. */
  static async open(db: Db, dbPath: string, logger: Logger, initialConfState: ConfState): Promise<DiskRaftStorage> {
    const snapBytes = await getOrUndefined(db, key1(PREFIX.snapshot));
    let mem: MemoryStorage;
    let snapIndex = 0;
    if (snapBytes === undefined) {
      mem = MemoryStorage.withConfState(initialConfState);
    } else {
      const snap = decodeSnapshot(snapBytes, dbPath);
      mem = MemoryStorage.withConfState(snap.metadata.confState);
      if (snap.metadata.index > 0) mem.applySnapshot(snap);
      snapIndex = snap.metadata.index;
    }
    const hsBytes = await getOrUndefined(db, key1(PREFIX.hardState));
    if (hsBytes !== undefined) mem.setHardState(codec.unpack(hsBytes) as HardState);

    const entries: Entry[] = [];
    let torn: number | undefined;
    for await (const [k, v] of db.iterator({ gt: keyU64(PREFIX.entry, snapIndex), lt: prefixEnd(PREFIX.entry) })) {
      const index = readU64(k);
      if (torn !== undefined) {
        throw new StoreError(StoreErrorCode.CORRUPT, `${dbPath}: raft log entry ${torn} is corrupt (checksum mismatch) and is not the last entry`);
      }
      const e = decodeEntry(v, index);
      if (e === undefined) {
        torn = index;
        continue;
      }
      const expected = (entries[entries.length - 1]?.index ?? snapIndex) + 1;
      if (index !== expected) {
        throw new StoreError(StoreErrorCode.CORRUPT, `${dbPath}: raft log has a gap: expected entry ${expected}, found ${index}`);
      }
      entries.push(e);
    }
    if (torn !== undefined) {
      logger.warn({ db: dbPath, index: torn }, 'raft log: truncated a torn write at the tail (an unfinished write before a crash)');
      await db.del(keyU64(PREFIX.entry, torn), { sync: true } as never);
    }
    mem.append(entries);
    const hs = mem.getHardState();
    if (hs.commit > mem.lastIndex()) {
      throw new StoreError(StoreErrorCode.CORRUPT, `${dbPath}: hard state commit ${hs.commit} is beyond the last log entry ${mem.lastIndex()}`);
    }
    logger.info({ db: dbPath, firstIndex: mem.firstIndex(), lastIndex: mem.lastIndex(), snapshotIndex: snapIndex, term: hs.term, commit: hs.commit }, 'raft log: opened');
    return new DiskRaftStorage(db, dbPath, mem);
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

  /**
   * Makes a Ready's snapshot, entries and hard state durable (fsync when `sync`), in one LevelDB
   * batch, then updates the in-memory view. Entries after the new last index that a conflicting
   * append replaced are deleted in the same batch.
   */
  async persist(batch: PersistBatch, sync: boolean): Promise<void> {
    const ops: Array<{ type: 'put' | 'del'; key: Buffer; value?: Buffer }> = [];
    if (batch.snapshot !== undefined) {
      ops.push({ type: 'put', key: key1(PREFIX.snapshot), value: encodeSnapshot(batch.snapshot) });
      // Everything up to the snapshot is covered by it.
      for (let i = this.mem.firstIndex(); i <= Math.min(this.mem.lastIndex(), batch.snapshot.metadata.index); i++) {
        ops.push({ type: 'del', key: keyU64(PREFIX.entry, i) });
      }
    }
    const first = batch.entries[0];
    const last = batch.entries[batch.entries.length - 1];
    if (first !== undefined && last !== undefined) {
      for (const e of batch.entries) ops.push({ type: 'put', key: keyU64(PREFIX.entry, e.index), value: encodeEntry(e) });
      const oldLast = batch.snapshot !== undefined ? batch.snapshot.metadata.index : this.mem.lastIndex();
      for (let i = last.index + 1; i <= oldLast; i++) ops.push({ type: 'del', key: keyU64(PREFIX.entry, i) });
    }
    if (batch.hardState !== undefined) ops.push({ type: 'put', key: key1(PREFIX.hardState), value: codec.pack(batch.hardState) });
    if (ops.length > 0) await this.db.batch(ops as never, { sync } as never);
    if (batch.snapshot !== undefined) this.mem.applySnapshot(batch.snapshot);
    this.mem.append(this.arena.ownAll(batch.entries));
    if (batch.hardState !== undefined) this.mem.setHardState(batch.hardState);
  }

  /**
   * Records a snapshot at `index` (already applied and durable in the backend) and drops log entries
   * before `compactTo`, keeping a tail so that slow followers can catch up from the log.
   */
  async snapshotAndCompact(index: number, confState: ConfState, data: Uint8Array, compactTo: number): Promise<void> {
    const snap = this.mem.createSnapshot(index, confState, data);
    const ops: Array<{ type: 'put' | 'del'; key: Buffer; value?: Buffer }> = [{ type: 'put', key: key1(PREFIX.snapshot), value: encodeSnapshot(snap) }];
    const from = this.mem.firstIndex();
    const to = Math.min(compactTo, index);
    for (let i = from; i <= to; i++) ops.push({ type: 'del', key: keyU64(PREFIX.entry, i) });
    await this.db.batch(ops as never, { sync: true } as never);
    if (to >= from) this.mem.compact(to);
  }

  get path(): string {
    return this.dbPath;
  }
}

async function getOrUndefined(db: Db, key: Buffer): Promise<Buffer | undefined> {
  const v = await db.get(key);
  return v ?? undefined;
}

/** [crc32, term, type, data] where crc covers index, term, type and data. */
function encodeEntry(e: Entry): Buffer {
  const data = Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength);
  return codec.pack([entryCrc(e.index, e.term, e.type, data), e.term, e.type === 'confChange' ? 1 : 0, data]);
}

/** The entry, or undefined when its checksum does not match (a torn or corrupted write). */
function decodeEntry(v: Buffer, index: number): Entry | undefined {
  let decoded: unknown;
  try {
    decoded = codec.unpack(v);
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 4) return undefined;
  const [crc, term, typeCode, data] = decoded as [number, number, number, Buffer];
  const type = typeCode === 1 ? 'confChange' : 'normal';
  if (!(data instanceof Uint8Array) || entryCrc(index, term, type, data) !== crc) return undefined;
  return { index, term, type, data };
}

function entryCrc(index: number, term: number, type: string, data: Uint8Array): number {
  const head = Buffer.allocUnsafe(17);
  head.writeBigUInt64BE(BigInt(index), 0);
  head.writeBigUInt64BE(BigInt(term), 8);
  head[16] = type === 'confChange' ? 1 : 0;
  const seed = crc32(head);
  // Node's crc32 returns 0, ignoring the seed, for a zero-length view over an empty ArrayBuffer.
  return data.length === 0 ? seed : crc32(data, seed);
}

function encodeSnapshot(s: Snapshot): Buffer {
  return codec.pack({ index: s.metadata.index, term: s.metadata.term, voters: s.metadata.confState.voters, learners: s.metadata.confState.learners, data: Buffer.from(s.data) });
}

function decodeSnapshot(v: Buffer, dbPath: string): Snapshot {
  try {
    const s = codec.unpack(v) as { index: number; term: number; voters: number[]; learners: number[]; data: Buffer };
    return { data: new Uint8Array(s.data), metadata: { index: s.index, term: s.term, confState: { voters: s.voters, learners: s.learners } } };
  } catch (err) {
    throw new StoreError(StoreErrorCode.CORRUPT, `${dbPath}: raft snapshot record is corrupt`, { cause: err });
  }
}
