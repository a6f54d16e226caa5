import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Entry } from '../../raft/index.js';
import { codec, keyU64, openDb, PREFIX, type Db } from './db.js';
import { StoreErrorCode } from './errors.js';
import { DiskRaftStorage } from './raft_storage.js';

const EMPTY_CONF = { voters: [1], learners: [] };
const entries = (from: number, to: number, term = 1): Entry[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ index: from + i, term, type: 'normal' as const, data: Buffer.from(`cmd-${from + i}`) }));

describe('DiskRaftStorage (the raft log in LevelDB)', () => {
  let dir: string;
  let db: Db;
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ketch-raftlog-'));
    db = await openDb(dir);
    warnings.length = 0;
  });
  afterEach(async () => {
    await db.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  async function reopen(): Promise<DiskRaftStorage> {
    await db.close();
    db = await openDb(dir);
    return DiskRaftStorage.open(db, dir, logger, EMPTY_CONF);
  }

  it('recovers entries, hard state and a replaced conflicting suffix after a restart', async () => {
    const s = await DiskRaftStorage.open(db, dir, logger, EMPTY_CONF);
    await s.persist({ entries: entries(1, 5), hardState: { term: 1, vote: 1, commit: 3 } }, true);
    await s.persist({ entries: entries(4, 6, 2) }, true); // a new leader replaced 4..5
    const r = await reopen();
    expect(r.lastIndex()).toBe(6);
    expect(r.term(3)).toBe(1);
    expect(r.term(4)).toBe(2);
    expect(r.initialState().hardState).toEqual({ term: 1, vote: 1, commit: 3 });
  });

  it('truncates a torn write at the tail, with a warning, and keeps everything before it', async () => {
    const s = await DiskRaftStorage.open(db, dir, logger, EMPTY_CONF);
    await s.persist({ entries: entries(1, 5), hardState: { term: 1, vote: 1, commit: 3 } }, true);
    // The last entry's record is cut short, as an interrupted write leaves it.
    const raw = await db.get(keyU64(PREFIX.entry, 5));
    await db.put(keyU64(PREFIX.entry, 5), raw!.subarray(0, raw!.length - 3));
    const r = await reopen();
    expect(r.lastIndex()).toBe(4);
    expect(r.entries(1, 5, Infinity).map((e) => Buffer.from(e.data).toString())).toEqual(['cmd-1', 'cmd-2', 'cmd-3', 'cmd-4']);
    expect(warnings.join('')).toContain('torn write');
    // And the log goes on from there.
    await r.persist({ entries: entries(5, 6, 2) }, true);
    expect((await reopen()).lastIndex()).toBe(6);
  });

  it('refuses to start on corruption before the tail, naming the database and the index', async () => {
    const s = await DiskRaftStorage.open(db, dir, logger, EMPTY_CONF);
    await s.persist({ entries: entries(1, 5) }, true);
    const [crc, term, type, data] = codec.unpack((await db.get(keyU64(PREFIX.entry, 3)))!) as [number, number, number, Buffer];
    await db.put(keyU64(PREFIX.entry, 3), codec.pack([crc, term, type, Buffer.from('tampered')]));
    await expect(reopen()).rejects.toMatchObject({ code: StoreErrorCode.CORRUPT, message: expect.stringMatching(new RegExp(`${dir}.*entry 3`)) });
  });

  it('refuses to start when an entry is missing from the middle of the log', async () => {
    const s = await DiskRaftStorage.open(db, dir, logger, EMPTY_CONF);
    await s.persist({ entries: entries(1, 5) }, true);
    await db.del(keyU64(PREFIX.entry, 2));
    await expect(reopen()).rejects.toMatchObject({ code: StoreErrorCode.CORRUPT, message: expect.stringContaining('gap') });
  });

  it('keeps an empty-data entry verifiable (its checksum must not depend on an empty buffer)', async () => {
    const s = await DiskRaftStorage.open(db, dir, logger, EMPTY_CONF);
    await s.persist({ entries: [{ index: 1, term: 2, type: 'normal', data: new Uint8Array(0) }, ...entries(2, 3, 2)] }, true);
    expect((await reopen()).lastIndex()).toBe(3);
  });
});
