import { mkdir } from 'node:fs/promises';
import { Level } from 'level';
import { Packr } from 'msgpackr';

/**
 * A member's data directory holds one LevelDB database (`<data-dir>/member/db`). Its key space is
 * split by a one-byte prefix, so that the raft log and the MVCC backend can change in one atomic
 * batch when needed:
 *
 *   0x01 + index (8 bytes, big-endian)  raft log entry
 *   0x02                                raft hard state
 *   0x03                                raft snapshot (metadata)
 *   0x04                                member identity (cluster id, member id)
 *   0x10 + revision (16 bytes)          MVCC change (key bucket)
 *   0x11 + name                         MVCC and member metadata (consistent index, compact revision, members)
 *   0x12 + lease id (8 bytes)           lease
 */
export type Db = Level<Buffer, Buffer>;

export const PREFIX = {
  entry: 0x01,
  hardState: 0x02,
  snapshot: 0x03,
  identity: 0x04,
  kv: 0x10,
  meta: 0x11,
  lease: 0x12,
} as const;

export async function openDb(dir: string): Promise<Db> {
  await mkdir(dir, { recursive: true });
  const db = new Level<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  return db;
}

export function key1(prefix: number): Buffer {
  return Buffer.from([prefix]);
}

export function keyU64(prefix: number, n: number): Buffer {
  const b = Buffer.allocUnsafe(9);
  b[0] = prefix;
  b.writeBigUInt64BE(BigInt(n), 1);
  return b;
}

export function readU64(key: Buffer): number {
  return Number(key.readBigUInt64BE(1));
}

export function keyName(prefix: number, name: string): Buffer {
  return Buffer.concat([Buffer.from([prefix]), Buffer.from(name, 'utf8')]);
}

/** The exclusive upper bound of every key starting with `prefix`. */
export function prefixEnd(prefix: number): Buffer {
  return Buffer.from([prefix + 1]);
}

/** msgpack codec for everything ketch stores; binary fields stay binary. */
export const codec = new Packr({ useRecords: false, moreTypes: false, int64AsType: 'number' });
