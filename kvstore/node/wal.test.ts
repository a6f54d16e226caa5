import { open, readdir, readFile, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStorage, type ConfState, type Entry } from '../../raft/index.js';
import { StoreErrorCode } from './errors.js';
import { WalRaftStorage, type WalOptions } from './wal.js';
import { capturingLogger, entries, entry, recordsOf, tempDir, viewOf, WARN, type TempDir } from './wal_testing.js';

const CONF: ConfState = { voters: [1, 2, 3], learners: [] };
const silent = pino({ level: 'silent' });

let dirs: TempDir[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => d.remove()));
  dirs = [];
});

async function newDir(): Promise<string> {
  const d = await tempDir();
  dirs.push(d);
  return join(d.path, 'wal');
}

async function reopen(wal: WalRaftStorage, options?: WalOptions): Promise<WalRaftStorage> {
  await wal.close();
  return WalRaftStorage.open(wal.path, silent, CONF, options);
}

/** Reopens `wal` and checks that it shows exactly what it showed before. */
async function reopenUnchanged(wal: WalRaftStorage, options?: WalOptions): Promise<WalRaftStorage> {
  const before = viewOf(wal);
  const reopened = await reopen(wal, options);
  expect(viewOf(reopened)).toEqual(before);
  return reopened;
}

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.wal')).sort();
}

async function lastSegment(dir: string): Promise<string> {
  const files = await segmentFiles(dir);
  return join(dir, files[files.length - 1] as string);
}

/** The first error `fn` rejects with. */
async function rejection(fn: () => Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

async function writeAt(file: string, offset: number, bytes: Buffer): Promise<void> {
  const fd = await open(file, 'r+');
  try {
    await fd.write(bytes, 0, bytes.length, offset);
  } finally {
    await fd.close();
  }
}

/** Flips one byte of `file` at `offset`. */
async function flipByte(file: string, offset: number): Promise<void> {
  const b = Buffer.alloc(1);
  const fd = await open(file, 'r');
  await fd.read(b, 0, 1, offset).finally(() => fd.close());
  b[0] = (b[0] ?? 0) ^ 0xff;
  await writeAt(file, offset, b);
}

/** The entry records of a segment file, with their byte ranges. */
async function entryRecords(file: string): Promise<Array<{ offset: number; end: number; index: number }>> {
  return recordsOf(await readFile(file)).flatMap((r) => (r.record.type === 'entry' ? [{ offset: r.offset, end: r.end, index: r.record.entry.index }] : []));
}

describe('WalRaftStorage: round trip', () => {
  it('starts empty with the initial membership and keeps entries and hard state across reopen', async () => {
    let wal = await WalRaftStorage.open(await newDir(), silent, CONF);
    expect(wal.firstIndex()).toBe(1);
    expect(wal.lastIndex()).toBe(0);
    expect(wal.initialState().confState).toEqual(CONF);
    await wal.persist({ entries: entries(1, 5, 1), hardState: { term: 1, vote: 2, commit: 3 } }, true);
    await wal.persist({ entries: [], hardState: { term: 1, vote: 2, commit: 5 } }, false);
    wal = await reopenUnchanged(wal);
    expect(wal.initialState().hardState).toEqual({ term: 1, vote: 2, commit: 5 });
    expect(wal.entries(2, 4, Infinity).map((e) => Buffer.from(e.data).toString())).toEqual(['e2', 'e3']);
    await wal.close();
  });

  it('replaces a conflicting suffix, longer or shorter, and replays it the same way', async () => {
    let wal = await WalRaftStorage.open(await newDir(), silent, CONF);
    await wal.persist({ entries: entries(1, 6, 1) }, true);
    await wal.persist({ entries: [entry(4, 2, 'x4'), entry(5, 2, 'x5')] }, true); // 6 is gone
    await wal.persist({ entries: [entry(5, 3, 'y5')] }, true);
    expect(wal.lastIndex()).toBe(5);
    wal = await reopenUnchanged(wal);
    expect(wal.entries(1, 6, Infinity).map((e) => `${e.index}/${e.term}`)).toEqual(['1/1', '2/1', '3/1', '4/2', '5/3']);
    await wal.close();
  });

  it('installs a snapshot from a leader: the old log is gone, entries after it are kept', async () => {
    let wal = await WalRaftStorage.open(await newDir(), silent, CONF);
    await wal.persist({ entries: entries(1, 8, 1) }, true);
    const snapshot = { data: Buffer.from('image'), metadata: { index: 6, term: 2, confState: { voters: [1, 2], learners: [3] } } };
    await wal.persist({ snapshot, entries: [entry(5, 2), entry(6, 2), entry(7, 2)], hardState: { term: 2, vote: 0, commit: 6 } }, true);
    expect(wal.firstIndex()).toBe(7);
    expect(wal.lastIndex()).toBe(7);
    wal = await reopenUnchanged(wal);
    expect(wal.snapshot().metadata).toEqual(snapshot.metadata);
    expect(Buffer.from(wal.snapshot().data).toString()).toBe('image');
    await wal.close();
  });

  it('keeps a snapshot and the catch-up tail behind it across reopen', async () => {
    let wal = await WalRaftStorage.open(await newDir(), silent, CONF);
    await wal.persist({ entries: entries(1, 10, 1), hardState: { term: 1, vote: 1, commit: 10 } }, true);
    await wal.snapshotAndCompact(8, CONF, new Uint8Array(0), 5);
    expect(wal.firstIndex()).toBe(6);
    expect(wal.snapshot().metadata.index).toBe(8);
    wal = await reopenUnchanged(wal);
    // A compaction point below the first index compacts nothing, but still records the snapshot.
    await wal.snapshotAndCompact(9, CONF, Buffer.from('s9'), -100);
    expect(wal.firstIndex()).toBe(6);
    wal = await reopenUnchanged(wal);
    await wal.close();
  });

  it('stores zero-length entries and entries larger than 1 MiB, even larger than a segment', async () => {
    let wal = await WalRaftStorage.open(await newDir(), silent, CONF, { segmentBytes: 1024 * 1024 });
    const big = Buffer.alloc(3 * 1024 * 1024 + 7);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const empty: Entry = { index: 1, term: 1, type: 'confChange', data: new Uint8Array(0) };
    await wal.persist({ entries: [empty, entry(2, 1, big), entry(3, 1, new Uint8Array(0))] }, true);
    await wal.persist({ entries: [entry(4, 1, big.subarray(0, 1024 * 1024 + 1))] }, true);
    wal = await reopenUnchanged(wal, { segmentBytes: 1024 * 1024 });
    expect(wal.entries(1, 2, Infinity)).toEqual([{ index: 1, term: 1, type: 'confChange', data: new Uint8Array(0) }]);
    expect(Buffer.from((wal.entries(2, 3, Infinity)[0] as Entry).data).equals(big)).toBe(true);
    await wal.close();
  });

  it('writes concurrent calls in call order', async () => {
    let wal = await WalRaftStorage.open(await newDir(), silent, CONF);
    const writes: Promise<void>[] = [];
    for (let i = 1; i <= 50; i++) writes.push(wal.persist({ entries: [entry(i, 1)], hardState: { term: 1, vote: 0, commit: i - 1 } }, i % 2 === 0));
    writes.push(wal.snapshotAndCompact(20, CONF, new Uint8Array(0), 10));
    await Promise.all(writes);
    expect(wal.firstIndex()).toBe(11);
    expect(wal.lastIndex()).toBe(50);
    wal = await reopenUnchanged(wal);
    await wal.close();
  });

  it('refuses writes after close with STORE_STOPPED, and an out-of-order append without writing it', async () => {
    const wal = await WalRaftStorage.open(await newDir(), silent, CONF);
    await wal.persist({ entries: entries(1, 2, 1) }, true);
    expect((await rejection(() => wal.persist({ entries: [entry(5, 1)] }, true))).code).toBe('RAFT_UNAVAILABLE');
    await wal.persist({ entries: [entry(3, 1)] }, true); // the refused write left nothing behind
    await wal.close();
    expect((await rejection(() => wal.persist({ entries: [entry(4, 1)] }, true))).code).toBe(StoreErrorCode.STOPPED);
    const again = await WalRaftStorage.open(wal.path, silent, CONF);
    expect(again.lastIndex()).toBe(3);
    await again.close();
  });
});

describe('WalRaftStorage: segments', () => {
  const small = { segmentBytes: 4096 };

  it('rotates to a new segment when one is full, and replays across them', async () => {
    const dir = await newDir();
    let wal = await WalRaftStorage.open(dir, silent, CONF, small);
    for (let i = 1; i <= 100; i++) await wal.persist({ entries: [entry(i, 1, 'x'.repeat(100))], hardState: { term: 1, vote: 1, commit: i } }, true);
    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThan(3);
    expect(files[0]).toBe('0000000000000000-0000000000000001.wal');
    // Each name carries the segment's sequence number and the index of its first entry.
    const firstIndexes = files.map((f) => parseInt(f.slice(17, 33), 16));
    for (const [k, f] of files.entries()) {
      expect(parseInt(f.slice(0, 16), 16)).toBe(k);
      const first = (await entryRecords(join(dir, f)))[0];
      expect(first?.index).toBe(firstIndexes[k]);
    }
    wal = await reopenUnchanged(wal, small);
    await wal.persist({ entries: [entry(101, 2)] }, true);
    wal = await reopen(wal, small);
    expect(wal.lastIndex()).toBe(101);
    await wal.close();
  });

  it('compaction deletes the segments before the one holding compactTo + 1, and reopen still works', async () => {
    const dir = await newDir();
    const { logger, lines } = capturingLogger();
    let wal = await WalRaftStorage.open(dir, logger, CONF, small);
    for (let i = 1; i <= 100; i++) await wal.persist({ entries: [entry(i, 1, 'x'.repeat(100))], hardState: { term: 1, vote: 1, commit: i } }, true);
    const filesBefore = await segmentFiles(dir);
    await wal.snapshotAndCompact(90, CONF, new Uint8Array(0), 60);
    const filesAfter = await segmentFiles(dir);
    expect(filesAfter.length).toBeLessThan(filesBefore.length);
    expect(lines.some((l) => l.msg.includes('removed compacted segments'))).toBe(true);
    // The first kept segment starts at or before 61; the next one starts after it.
    const starts = filesAfter.map((f) => parseInt(f.slice(17, 33), 16));
    expect(starts[0]).toBeLessThanOrEqual(61);
    expect(starts[1]).toBeGreaterThan(61);
    wal = await reopenUnchanged(wal, small);
    expect(wal.firstIndex()).toBe(61);
    await wal.persist({ entries: [entry(101, 1)] }, true);
    await wal.snapshotAndCompact(101, CONF, new Uint8Array(0), 101);
    expect(await segmentFiles(dir)).toHaveLength(1);
    wal = await reopenUnchanged(wal, small);
    await wal.close();
  });

  it('keeps a segment whose start a later conflicting write went below (replay from it would not be exact)', async () => {
    const dir = await newDir();
    let wal = await WalRaftStorage.open(dir, silent, CONF, small);
    // About 24 entries fit in a segment: 1..60 fill segments 0 to 2, segment 2 starting after 48.
    // A new leader then rewrites 45.. into segment 2 and later ones. Replay cannot start at segment
    // 2 (its header says the log ends at 48, but 45 is rewritten after it), so segment 1 must stay.
    for (let i = 1; i <= 60; i++) await wal.persist({ entries: [entry(i, 1, 'x'.repeat(100))], hardState: { term: 1, vote: 1, commit: Math.min(i, 44) } }, true);
    const segment2 = (await segmentFiles(dir))[2];
    expect(segment2).toBe('0000000000000002-0000000000000031.wal');
    for (let i = 45; i <= 80; i++) await wal.persist({ entries: [entry(i, 2, 'y'.repeat(100))], hardState: { term: 2, vote: 1, commit: i } }, true);
    await wal.snapshotAndCompact(70, CONF, new Uint8Array(0), 50);
    expect((await segmentFiles(dir))[0]).toBe('0000000000000001-0000000000000019.wal');
    wal = await reopenUnchanged(wal, small);
    expect(wal.term(50)).toBe(2);
    await wal.close();
  });

  it('a missing segment in the middle is STORE_CORRUPT', async () => {
    const dir = await newDir();
    const wal = await WalRaftStorage.open(dir, silent, CONF, small);
    for (let i = 1; i <= 100; i++) await wal.persist({ entries: [entry(i, 1, 'x'.repeat(100))] }, true);
    await wal.close();
    const files = await segmentFiles(dir);
    await unlink(join(dir, files[2] as string));
    const err = await rejection(() => WalRaftStorage.open(dir, silent, CONF, small));
    expect(err.code).toBe(StoreErrorCode.CORRUPT);
    expect(err.message).toContain('segment 2 is missing');
  });
});

describe('WalRaftStorage: torn writes and corruption', () => {
  async function walWith10(dir: string): Promise<void> {
    const wal = await WalRaftStorage.open(dir, silent, CONF);
    for (let i = 1; i <= 10; i++) await wal.persist({ entries: [entry(i, 1, `payload of entry ${i}`)] }, true);
    await wal.close();
  }

  async function expectTornAndRecovered(dir: string): Promise<void> {
    const { logger, lines } = capturingLogger();
    let wal = await WalRaftStorage.open(dir, logger, CONF);
    expect(wal.lastIndex()).toBe(9);
    const warning = lines.find((l) => l.level === WARN);
    expect(warning?.msg).toContain('torn write');
    expect(warning?.['afterIndex']).toBe(9);
    // Appends continue where the valid records end, and survive another reopen.
    await wal.persist({ entries: [entry(10, 2, 'rewritten'), entry(11, 2)] }, true);
    wal = await reopen(wal);
    expect(wal.lastIndex()).toBe(11);
    expect(Buffer.from((wal.entries(10, 11, Infinity)[0] as Entry).data).toString()).toBe('rewritten');
    await wal.close();
  }

  const tornTails: Array<[string, (file: string, last: { offset: number; end: number }) => Promise<void>]> = [
    ['a file cut in the middle of its last record', (file, last) => truncate(file, last.offset + 11)],
    ['a last record with corrupted bytes', (file, last) => flipByte(file, last.end - 3)],
    ['a last record whose length was never written (but its payload was)', (file, last) => writeAt(file, last.offset, Buffer.alloc(4))],
  ];
  for (const [what, damage] of tornTails) {
    it(`${what}: erased with a warning, and appends continue`, async () => {
      const dir = await newDir();
      await walWith10(dir);
      const file = await lastSegment(dir);
      const last = (await entryRecords(file)).at(-1);
      expect(last?.index).toBe(10);
      await damage(file, last as { offset: number; end: number });
      await expectTornAndRecovered(dir);
    });
  }

  it('a corrupt record followed by valid ones is STORE_CORRUPT naming the file, offset and index', async () => {
    const dir = await newDir();
    await walWith10(dir);
    const file = await lastSegment(dir);
    const fifth = (await entryRecords(file)).find((r) => r.index === 5);
    await flipByte(file, (fifth?.end ?? 0) - 2);
    const err = await rejection(() => WalRaftStorage.open(dir, silent, CONF));
    expect(err.code).toBe(StoreErrorCode.CORRUPT);
    expect(err.message).toContain(file);
    expect(err.message).toContain(`byte offset ${fifth?.offset}`);
    expect(err.message).toContain('after raft index 4, claiming to be entry 5');
    // Nothing was repaired: the file still fails the same way.
    expect((await rejection(() => WalRaftStorage.open(dir, silent, CONF))).code).toBe(StoreErrorCode.CORRUPT);
  });

  it('a bad record at the end of a segment that is not the last is STORE_CORRUPT', async () => {
    const dir = await newDir();
    const small = { segmentBytes: 4096 };
    const wal = await WalRaftStorage.open(dir, silent, CONF, small);
    for (let i = 1; i <= 60; i++) await wal.persist({ entries: [entry(i, 1, 'x'.repeat(100))] }, true);
    await wal.close();
    const first = join(dir, (await segmentFiles(dir))[0] as string);
    const last = (await entryRecords(first)).at(-1);
    await flipByte(first, (last?.end ?? 0) - 1);
    const err = await rejection(() => WalRaftStorage.open(dir, silent, CONF, small));
    expect(err.code).toBe(StoreErrorCode.CORRUPT);
    expect(err.message).toContain(first);
    expect(err.message).toContain(`claiming to be entry ${last?.index}`);
    expect(err.message).toContain('not in the last segment');
  });

  it('a record with a valid checksum but an impossible index (a gap) is STORE_CORRUPT', async () => {
    const dir = await newDir();
    const wal = await WalRaftStorage.open(dir, silent, CONF);
    await wal.persist({ entries: entries(1, 3, 1) }, true);
    await wal.close();
    // Splice in a well-formed record for entry 7 taken from another WAL.
    const other = await newDir();
    const donor = await WalRaftStorage.open(other, silent, CONF);
    await donor.persist({ entries: entries(1, 7, 1) }, true);
    await donor.close();
    const donorFile = await lastSegment(other);
    const seventh = (await entryRecords(donorFile)).find((r) => r.index === 7);
    const bytes = (await readFile(donorFile)).subarray(seventh?.offset, seventh?.end);
    const file = await lastSegment(dir);
    await writeAt(file, (await entryRecords(file)).at(-1)?.end ?? 0, bytes);
    const err = await rejection(() => WalRaftStorage.open(dir, silent, CONF));
    expect(err.code).toBe(StoreErrorCode.CORRUPT);
    expect(err.message).toContain('entry 7 leaves a gap after 3');
  });

  it('leftover temporary files are ignored and removed', async () => {
    const dir = await newDir();
    await walWith10(dir);
    await writeFile(join(dir, 'spare.wal.tmp'), 'junk');
    const wal = await WalRaftStorage.open(dir, silent, CONF);
    expect(wal.lastIndex()).toBe(10);
    expect((await readdir(dir)).some((f) => f.endsWith('.tmp'))).toBe(false);
    await wal.close();
  });

  it('matches a MemoryStorage fed the same writes (the view member.ts relies on)', async () => {
    const model = MemoryStorage.withConfState(CONF);
    const wal = await WalRaftStorage.open(await newDir(), silent, CONF);
    const batches = [entries(1, 4, 1), [entry(3, 2), entry(4, 2), entry(5, 2)], [entry(6, 2)]];
    for (const b of batches) {
      await wal.persist({ entries: b }, true);
      model.append(b);
    }
    expect(viewOf(wal)).toEqual(viewOf(model));
    await wal.close();
  });
});
