/**
 * wal-bench: synced raft log writes through the WAL (WalRaftStorage) against the LevelDB-backed
 * DiskRaftStorage, on this machine's disk. Each persist is what a Ready asks for on the commit
 * path: a batch of entries plus a hard state, made durable before it returns.
 *
 *   node dist/bench/wal-bench.js [--persists 2000] [--warmup 200] [--batches 1,10] [--entry-bytes 300] [--dir DIR]
 *
 * Two modes. `log`: the persists alone. `log+backend`: as in a member, each persist is followed by
 * an unsynced, unawaited LevelDB batch applying the same entries to the MVCC backend (key prefix
 * 0x10), chained like Member.flushBackend. DiskRaftStorage shares that LevelDB database with the
 * backend, as member.ts does today; the WAL leaves it to the backend alone.
 *
 * Prints markdown tables: milliseconds per persist (p50, p99, mean) for each mode, store and batch
 * size, and the LevelDB/WAL ratios. Temporary directories are created under --dir (default the
 * system temp directory, which should be on the disk being measured) and removed afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { ConfState, Entry } from '../raft/index.js';
import { keyU64, openDb, PREFIX, type Db } from '../kvstore/node/db.js';
import { DiskRaftStorage, type PersistBatch } from '../kvstore/node/raft_storage.js';
import { WalRaftStorage } from '../kvstore/node/wal.js';

const { values } = parseArgs({
  options: {
    persists: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '200' },
    batches: { type: 'string', default: '1,10' },
    'entry-bytes': { type: 'string', default: '300' },
    dir: { type: 'string', default: os.tmpdir() },
    modes: { type: 'string', default: 'log,log+backend' },
  },
});
const persists = Number(values.persists);
const warmup = Number(values.warmup);
const batchSizes = values.batches.split(',').map(Number);
const entryBytes = Number(values['entry-bytes']);
const modes = values.modes.split(',') as Mode[];

type Mode = 'log' | 'log+backend';

interface RaftLog {
  persist(batch: PersistBatch, sync: boolean): Promise<void>;
}

interface OpenStore {
  readonly log: RaftLog;
  /** The LevelDB database the backend writes to. */
  readonly backend: Db;
  close(): Promise<void>;
}

interface Store {
  readonly name: string;
  open(dir: string): Promise<OpenStore>;
}

const logger = pino({ level: 'silent' });
const conf: ConfState = { voters: [1], learners: [] };

const stores: Store[] = [
  {
    name: 'WAL',
    async open(dir) {
      const wal = await WalRaftStorage.open(path.join(dir, 'wal'), logger, conf);
      const backend = await openDb(path.join(dir, 'db'));
      return {
        log: wal,
        backend,
        async close() {
          await wal.close();
          await backend.close();
        },
      };
    },
  },
  {
    name: 'LevelDB',
    async open(dir) {
      const db = await openDb(path.join(dir, 'db'));
      const log = await DiskRaftStorage.open(db, dir, logger, conf);
      return { log, backend: db, close: () => db.close() };
    },
  },
];

interface Result {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
}

/** Times `persists` synced persists of `batchSize` entries (after `warmup` untimed ones) on a fresh store. */
async function measure(store: Store, batchSize: number, mode: Mode): Promise<Result> {
  const dir = await mkdtemp(path.join(values.dir, 'ketch-wal-bench-'));
  try {
    const { log, backend, close } = await store.open(dir);
    let backendChain: Promise<void> = Promise.resolve();
    const payload = Buffer.alloc(entryBytes, 0x61);
    let index = 0;
    const times: number[] = [];
    for (let i = 0; i < warmup + persists; i++) {
      const entries: Entry[] = [];
      for (let k = 0; k < batchSize; k++) entries.push({ index: ++index, term: 1, type: 'normal', data: payload });
      const started = performance.now();
      await log.persist({ entries, hardState: { term: 1, vote: 1, commit: index - batchSize } }, true);
      if (i >= warmup) times.push(performance.now() - started);
      if (mode === 'log+backend') {
        const puts = entries.map((e) => ({ type: 'put' as const, key: keyU64(PREFIX.kv, e.index), value: payload }));
        backendChain = backendChain.then(() => backend.batch(puts, { sync: false }));
      }
    }
    await backendChain;
    await close();
    times.sort((a, b) => a - b);
    const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;
    return { p50Ms: at(0.5), p99Ms: at(0.99), meanMs: times.reduce((a, b) => a + b, 0) / times.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const fmt = (ms: number): string => ms.toFixed(3);
const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}×`;

console.log(`wal-bench: ${persists} synced persists (after ${warmup} warm-up) of ${entryBytes}-byte entries + hard state, in ${values.dir}`);
console.log('');
console.log('| mode | entries/persist | store | p50 ms | p99 ms | mean ms |');
console.log('|---|---:|---|---:|---:|---:|');
const summary: string[] = [];
for (const mode of modes) {
  for (const batchSize of batchSizes) {
    const results = new Map<string, Result>();
    for (const store of stores) {
      process.stderr.write(`measuring ${store.name}, ${mode}, ${batchSize} entries/persist...\n`);
      const r = await measure(store, batchSize, mode);
      results.set(store.name, r);
      console.log(`| ${mode} | ${batchSize} | ${store.name} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ${fmt(r.meanMs)} |`);
    }
    const wal = results.get('WAL') as Result;
    const level = results.get('LevelDB') as Result;
    summary.push(`| ${mode} | ${batchSize} | ${ratio(level.p50Ms, wal.p50Ms)} | ${ratio(level.p99Ms, wal.p99Ms)} | ${ratio(level.meanMs, wal.meanMs)} |`);
  }
}
console.log('');
console.log('| mode | entries/persist | LevelDB/WAL p50 | p99 | mean |');
console.log('|---|---:|---:|---:|---:|');
for (const row of summary) console.log(row);
