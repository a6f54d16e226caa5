import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { applyDeleteRange, applyPut, MvccStore, NO_LEASES, type KeyValue } from '../mvcc/index.js';
import { Backend, type AppliedMeta } from './backend.js';
import { openDb, PREFIX, prefixEnd, type Db } from './db.js';
import { tempDir, type TempDir } from './wal_testing.js';

const silent = pino({ level: 'silent' });
const ALL = new Uint8Array([0]);
const dirs: TempDir[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => d.remove()));
});

/** A member's store and backend on a LevelDB in a temp dir, wired as Member wires them. */
async function open(path: string): Promise<{ db: Db; backend: Backend; store: MvccStore; meta: AppliedMeta | undefined }> {
  const db = await openDb(path);
  const backend = new Backend(db, silent);
  const store = new MvccStore();
  const meta = await backend.load(store);
  store.onCommit((rev, changes) => backend.stageChanges(rev, changes));
  return { db, backend, store, meta };
}

async function freshDbPath(): Promise<string> {
  const d = await tempDir('ketch-backend-');
  dirs.push(d);
  return `${d.path}/db`;
}

function meta(store: MvccStore): AppliedMeta {
  return { consistentIndex: store.currentRevision, consistentTerm: 1, compactRevision: store.compactRevision, members: [], leases: [] };
}

async function compact(store: MvccStore, backend: Backend, rev: number): Promise<void> {
  store.compact(rev);
  await backend.stageCompaction(store, rev);
  await backend.flush(meta(store), true);
}

async function recordCount(db: Db): Promise<number> {
  let n = 0;
  for await (const _ of db.keys({ gte: Buffer.from([PREFIX.kv]), lt: prefixEnd(PREFIX.kv) })) n++;
  return n;
}

const view = (kvs: KeyValue[]): string[] =>
  kvs.map((kv) => `${Buffer.from(kv.key).toString()}=${Buffer.from(kv.value).toString()}@${kv.modRevision}/${kv.createRevision}/v${kv.version}`);

describe('Backend', () => {
  it('restores after a restart what the store held: reads at every revision since compaction, and no compacted record', async () => {
    const path = await freshDbPath();
    const first = await open(path);
    const big = 'x'.repeat(2 * 1024 * 1024);
    for (let i = 0; i < 30; i++) applyPut(first.store, { key: Buffer.from(`k${i % 5}`), value: Buffer.from(i === 7 ? big : i % 3 === 0 ? '' : `v${i}`), lease: 0 }, NO_LEASES);
    applyDeleteRange(first.store, { key: Buffer.from('k1') }, NO_LEASES);
    await first.backend.flush(meta(first.store), true);
    await compact(first.store, first.backend, 20);
    for (let i = 0; i < 5; i++) applyPut(first.store, { key: Buffer.from(`k${i}`), value: Buffer.from(`after${i}`), lease: 0 }, NO_LEASES);
    await first.backend.flush(meta(first.store), true);
    const before = new Map<number, string[]>();
    for (let rev = 20; rev <= first.store.currentRevision; rev++) before.set(rev, view(first.store.range(ALL, { rangeEnd: ALL, revision: rev }).kvs));
    const held = first.store.historySize().changes;
    expect(await recordCount(first.db)).toBe(held);
    await first.db.close();

    const second = await open(path);
    expect(second.meta?.compactRevision).toBe(20);
    expect(second.store.currentRevision).toBe(first.store.currentRevision);
    expect(second.store.compactRevision).toBe(20);
    expect(second.store.historySize().changes).toBe(held);
    for (const [rev, kvs] of before) expect(view(second.store.range(ALL, { rangeEnd: ALL, revision: rev }).kvs), `at ${rev}`).toEqual(kvs);
    await second.db.close();
  });

  it('restarts at the compaction revision when every change up to it was compacted away', async () => {
    const path = await freshDbPath();
    const first = await open(path);
    for (let i = 0; i < 4; i++) applyPut(first.store, { key: Buffer.from(`k${i}`), value: Buffer.from('v'), lease: 0 }, NO_LEASES);
    applyDeleteRange(first.store, { key: Buffer.from('k'), rangeEnd: Buffer.from('l') }, NO_LEASES);
    const rev = first.store.currentRevision;
    await first.backend.flush(meta(first.store), true);
    await compact(first.store, first.backend, rev);
    expect(await recordCount(first.db)).toBe(0);
    await first.db.close();

    const second = await open(path);
    expect([second.store.currentRevision, second.store.compactRevision]).toEqual([rev, rev]);
    // The next write gets the next revision, as on the members that did not restart.
    expect(applyPut(second.store, { key: Buffer.from('n'), value: Buffer.from('1'), lease: 0 }, NO_LEASES).revision).toBe(rev + 1);
    await second.db.close();
  });
});
