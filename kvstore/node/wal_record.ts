import type { Entry, HardState, Snapshot } from '../../raft/index.js';
import { crc32 } from './transport_frame.js';

/**
 * A WAL record, the unit of the write-ahead log's file format. On disk (little-endian):
 *
 *   [u32 length][u32 crc][u8 type][payload]
 *
 * `length` counts the type byte and the payload; `crc` is the CRC-32 (IEEE) of those same bytes.
 * A length of 0 is not a record: it marks the end of the data in a segment, whose remainder is
 * zero-filled preallocation.
 *
 * Payloads (u64 = two u32, low word first; every number is a safe integer):
 *
 *   header    magic u32 'KWAL', version u32, seq u64, prevIndex u64, prevTerm u64
 *   entry     index u64, term u64, entryType u8 (0 normal, 1 confChange), data (the rest)
 *   hardState term u64, vote u64, commit u64
 *   snapshot  index u64, term u64, voters u32 + u64 each, learners u32 + u64 each, data (the rest)
 *   compact   index u64, term u64    entries up to index are dropped; index has this term
 *   logReset  index u64, term u64    the log is empty after index (a snapshot was installed)
 */
export type WalRecord =
  | { readonly type: 'header'; readonly seq: number; readonly prevIndex: number; readonly prevTerm: number }
  | { readonly type: 'entry'; readonly entry: Entry }
  | { readonly type: 'hardState'; readonly hardState: HardState }
  | { readonly type: 'snapshot'; readonly snapshot: Snapshot }
  | { readonly type: 'compact'; readonly index: number; readonly term: number }
  | { readonly type: 'logReset'; readonly index: number; readonly term: number };

export type WalRecordType = WalRecord['type'];

/** Record type codes; never reuse one. */
const TYPE_CODE: Readonly<Record<WalRecordType, number>> = { header: 1, entry: 2, hardState: 3, snapshot: 4, compact: 5, logReset: 6 };
const TYPE_BY_CODE: ReadonlyMap<number, WalRecordType> = new Map(Object.entries(TYPE_CODE).map(([t, c]) => [c, t as WalRecordType]));

export const RECORD_HEADER_BYTES = 8;
export const WAL_MAGIC = 0x4c41574b; // 'KWAL' read as a little-endian u32
export const WAL_VERSION = 1;

/** What is at an offset of a segment. */
export type ReadResult =
  | { readonly kind: 'record'; readonly record: WalRecord; readonly next: number }
  /** A zero length: the end of the data (the caller checks that only zeros follow). */
  | { readonly kind: 'end' }
  /**
   * Not a valid record. `truncated` and `checksum` are what a torn write leaves; `malformed` (the
   * checksum holds but the payload makes no sense) never is.
   */
  | { readonly kind: 'bad'; readonly reason: 'truncated' | 'checksum' | 'malformed' };

export function encodeRecords(records: readonly WalRecord[]): Buffer {
  return Buffer.concat(records.map(encodeRecord));
}

export function encodeRecord(record: WalRecord): Buffer {
  const tail = variableTail(record);
  const length = 1 + fixedPayloadBytes(record) + tail.length;
  const buf = Buffer.allocUnsafe(RECORD_HEADER_BYTES + length);
  buf.writeUInt32LE(length, 0);
  buf[RECORD_HEADER_BYTES] = TYPE_CODE[record.type];
  let o = RECORD_HEADER_BYTES + 1;
  switch (record.type) {
    case 'header':
      buf.writeUInt32LE(WAL_MAGIC, o);
      buf.writeUInt32LE(WAL_VERSION, o + 4);
      o = putU64(buf, o + 8, record.seq);
      o = putU64(buf, o, record.prevIndex);
      o = putU64(buf, o, record.prevTerm);
      break;
    case 'entry':
      o = putU64(buf, o, record.entry.index);
      o = putU64(buf, o, record.entry.term);
      buf[o++] = record.entry.type === 'confChange' ? 1 : 0;
      break;
    case 'hardState':
      o = putU64(buf, o, record.hardState.term);
      o = putU64(buf, o, record.hardState.vote);
      o = putU64(buf, o, record.hardState.commit);
      break;
    case 'snapshot': {
      const { index, term, confState } = record.snapshot.metadata;
      o = putU64(buf, o, index);
      o = putU64(buf, o, term);
      o = putIds(buf, o, confState.voters);
      o = putIds(buf, o, confState.learners);
      break;
    }
    case 'compact':
    case 'logReset':
      o = putU64(buf, o, record.index);
      o = putU64(buf, o, record.term);
      break;
  }
  buf.set(tail, o);
  // The checksummed bytes always include the type byte, so they are never empty (zlib.crc32
  // ignores its seed for an empty buffer; no seed is used here anyway).
  buf.writeUInt32LE(crc32(buf.subarray(RECORD_HEADER_BYTES)), 4);
  return buf;
}

/** Reads the record at `offset` of a segment's bytes. */
export function readRecord(buf: Buffer, offset: number): ReadResult {
  if (offset + RECORD_HEADER_BYTES > buf.length) return isZero(buf, offset, buf.length) ? { kind: 'end' } : { kind: 'bad', reason: 'truncated' };
  const length = buf.readUInt32LE(offset);
  if (length === 0) return { kind: 'end' };
  const start = offset + RECORD_HEADER_BYTES;
  if (length > buf.length - start) return { kind: 'bad', reason: 'truncated' };
  const body = buf.subarray(start, start + length);
  if (crc32(body) !== buf.readUInt32LE(offset + 4)) return { kind: 'bad', reason: 'checksum' };
  const record = decodeBody(body);
  return record === undefined ? { kind: 'bad', reason: 'malformed' } : { kind: 'record', record, next: start + length };
}

/**
 * Whether a record with a valid checksum starts at `offset`: the cheap test used to tell a torn
 * tail (nothing valid after it) from corruption in the middle of the log.
 */
export function isValidRecordAt(buf: Buffer, offset: number): boolean {
  if (offset + RECORD_HEADER_BYTES + 1 > buf.length) return false;
  const length = buf.readUInt32LE(offset);
  const start = offset + RECORD_HEADER_BYTES;
  if (length === 0 || length > buf.length - start) return false;
  if (!TYPE_BY_CODE.has(buf[start] ?? 0)) return false;
  return crc32(buf.subarray(start, start + length)) === buf.readUInt32LE(offset + 4);
}

/** The index an entry record at `offset` claims, without trusting its checksum (for error messages). */
export function claimedEntryIndex(buf: Buffer, offset: number): number | undefined {
  const start = offset + RECORD_HEADER_BYTES;
  if (start + 1 + 8 > buf.length || buf[start] !== TYPE_CODE.entry) return undefined;
  return getU64(buf, start + 1);
}

/** Whether buf[from, to) is all zero bytes. */
export function isZero(buf: Buffer, from: number, to: number): boolean {
  for (let o = from; o < to; o += ZEROS.length) {
    const n = Math.min(ZEROS.length, to - o);
    if (!buf.subarray(o, o + n).equals(ZEROS.subarray(0, n))) return false;
  }
  return true;
}

const ZEROS = Buffer.alloc(64 * 1024);

function fixedPayloadBytes(record: WalRecord): number {
  switch (record.type) {
    case 'header':
      return 32;
    case 'entry':
      return 17;
    case 'hardState':
      return 24;
    case 'snapshot': {
      const { voters, learners } = record.snapshot.metadata.confState;
      return 16 + 4 + 8 * voters.length + 4 + 8 * learners.length;
    }
    case 'compact':
    case 'logReset':
      return 16;
  }
}

function variableTail(record: WalRecord): Uint8Array {
  if (record.type === 'entry') return record.entry.data;
  if (record.type === 'snapshot') return record.snapshot.data;
  return EMPTY;
}

const EMPTY = new Uint8Array(0);

/** The record in `body` (type byte + payload, checksum verified), or undefined when it makes no sense. */
function decodeBody(body: Buffer): WalRecord | undefined {
  const type = TYPE_BY_CODE.get(body[0] ?? 0);
  const r = new PayloadReader(body, 1);
  switch (type) {
    case 'header': {
      if (r.u32() !== WAL_MAGIC || r.u32() !== WAL_VERSION) return undefined;
      return r.complete({ type, seq: r.u64(), prevIndex: r.u64(), prevTerm: r.u64() });
    }
    case 'entry': {
      const index = r.u64();
      const term = r.u64();
      const code = r.u8();
      if (code !== 0 && code !== 1) return undefined;
      return r.complete({ type, entry: { index, term, type: code === 1 ? 'confChange' : 'normal', data: r.rest() } });
    }
    case 'hardState':
      return r.complete({ type, hardState: { term: r.u64(), vote: r.u64(), commit: r.u64() } });
    case 'snapshot': {
      const index = r.u64();
      const term = r.u64();
      const confState = { voters: r.ids(), learners: r.ids() };
      return r.complete({ type, snapshot: { data: r.rest(), metadata: { index, term, confState } } });
    }
    case 'compact':
    case 'logReset':
      return r.complete({ type, index: r.u64(), term: r.u64() });
    case undefined:
      return undefined;
  }
}

/** Reads a payload front to back; any read past the end clears `ok` instead of throwing. */
class PayloadReader {
  ok = true;
  constructor(
    private readonly buf: Buffer,
    private offset: number,
  ) {}

  private take(n: number): number {
    const at = this.offset;
    if (at + n > this.buf.length) {
      this.ok = false;
      return -1;
    }
    this.offset += n;
    return at;
  }

  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : (this.buf[at] ?? 0);
  }

  u32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.buf.readUInt32LE(at);
  }

  u64(): number {
    const at = this.take(8);
    if (at < 0) return 0;
    const n = getU64(this.buf, at);
    if (n === undefined) this.ok = false;
    return n ?? 0;
  }

  ids(): number[] {
    const n = this.u32();
    if (!this.ok || n > (this.buf.length - this.offset) / 8) {
      this.ok = false;
      return [];
    }
    return Array.from({ length: n }, () => this.u64());
  }

  /** The remaining bytes, copied (so that a segment's buffer is not kept alive by an entry). */
  rest(): Uint8Array {
    const out = new Uint8Array(this.buf.length - this.offset);
    out.set(this.buf.subarray(this.offset));
    this.offset = this.buf.length;
    return out;
  }

  /** `record` when every read succeeded and consumed the payload exactly, else undefined. */
  complete(record: WalRecord): WalRecord | undefined {
    return this.ok && this.offset === this.buf.length ? record : undefined;
  }
}

const TWO_32 = 0x1_0000_0000;

function putU64(buf: Buffer, offset: number, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`WAL: ${n} is not a non-negative safe integer`);
  buf.writeUInt32LE(n % TWO_32, offset);
  buf.writeUInt32LE(Math.floor(n / TWO_32), offset + 4);
  return offset + 8;
}

/** The u64 at offset, or undefined when it is not a safe integer. */
function getU64(buf: Buffer, offset: number): number | undefined {
  const high = buf.readUInt32LE(offset + 4);
  if (high > 0x1f_ffff) return undefined;
  return high * TWO_32 + buf.readUInt32LE(offset);
}

function putIds(buf: Buffer, offset: number, ids: readonly number[]): number {
  buf.writeUInt32LE(ids.length, offset);
  let o = offset + 4;
  for (const id of ids) o = putU64(buf, o, id);
  return o;
}
