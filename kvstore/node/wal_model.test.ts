import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStorage, Prng, type ConfState, type Entry, type HardState, type Snapshot } from '../../raft/index.js';
import { WalRaftStorage } from './wal.js';
import { tempDir, viewOf, type TempDir } from './wal_testing.js';

/**
 * Random sequences of appends (with conflicting suffixes), hard states, installed snapshots,
 * snapshot + compaction and reopens, checked after every step against a MemoryStorage fed the same
 * writes. Writes follow raft's rules, which the WAL relies on: nothing at or below the commit index
 * is ever rewritten, and snapshots are taken at committed indexes. A failure prints its seed.
 */

const SEEDS = 40;
const STEPS = 150;
const silent = pino({ level: 'silent' });
const options = { segmentBytes: 2048 };

const dirs: TempDir[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => d.remove()));
});

interface Stats {
  reopens: number;
  compactions: number;
  segmentsDeleted: number;
  maxSegments: number;
}

async function runSeed(seed: number, stats: Stats): Promise<void> {
  const rng = new Prng(seed);
  const d = await tempDir();
  dirs.push(d);
  const dir = join(d.path, 'wal');
  const conf: ConfState = { voters: [1, 2, 3], learners: [] };
  const model = MemoryStorage.withConfState(conf);
  let wal = await WalRaftStorage.open(dir, silent, conf, options);
  let hs: HardState = { term: 1, vote: 1, commit: 0 };
  let term = 1;

  const data = (): Uint8Array => {
    const n = rng.int(4) === 0 ? 0 : rng.int(rng.int(10) === 0 ? 3000 : 120);
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = rng.int(256);
    return b;
  };

  for (let step = 0; step < STEPS; step++) {
    const what = rng.int(100);
    const ctx = `seed ${seed} step ${step}`;
    if (what < 55) {
      // Append, possibly replacing an uncommitted suffix under a new term.
      const conflict = rng.int(4) === 0 && model.lastIndex() > hs.commit;
      const from = conflict ? hs.commit + 1 + rng.int(model.lastIndex() - hs.commit) : model.lastIndex() + 1;
      if (conflict) term++;
      const ents: Entry[] = [];
      for (let i = 0, n = rng.int(6); i < n; i++) ents.push({ index: from + i, term, type: rng.int(10) === 0 ? 'confChange' : 'normal', data: data() });
      const last = ents.length > 0 ? from + ents.length - 1 : model.lastIndex();
      const commit = Math.min(last, hs.commit + rng.int(4));
      const hardState = commit !== hs.commit || conflict ? { term, vote: 1, commit } : undefined;
      if (hardState !== undefined) hs = hardState;
      await wal.persist({ entries: ents, hardState }, ents.length > 0 || rng.int(2) === 0);
      model.append(ents);
      if (hardState !== undefined) model.setHardState(hardState);
    } else if (what < 65) {
      // A snapshot from the leader: the log restarts after it.
      term += rng.int(2);
      const index = Math.max(model.lastIndex(), model.snapshot().metadata.index) + 1 + rng.int(20);
      const snapshot: Snapshot = { data: data(), metadata: { index, term, confState: { voters: [1, 2, 3, 4].slice(0, 1 + rng.int(4)), learners: [9] } } };
      const ents: Entry[] = [];
      for (let i = 0, n = rng.int(3); i < n; i++) ents.push({ index: index + 1 + i, term, type: 'normal', data: data() });
      hs = { term, vote: 0, commit: index };
      await wal.persist({ snapshot, entries: ents, hardState: hs }, true);
      model.applySnapshot(snapshot);
      model.append(ents);
      model.setHardState(hs);
    } else if (what < 85) {
      // Snapshot at a committed index and compact behind it, keeping a random tail.
      const snapIndex = model.snapshot().metadata.index;
      if (hs.commit > snapIndex) {
        const index = snapIndex + 1 + rng.int(hs.commit - snapIndex);
        const compactTo = index - rng.int(15);
        const confState: ConfState = { voters: [1, 2, 3], learners: rng.int(2) === 0 ? [] : [4] };
        const snapData = data();
        await wal.snapshotAndCompact(index, confState, snapData, compactTo);
        model.createSnapshot(index, confState, snapData);
        const to = Math.min(compactTo, index);
        if (to >= model.firstIndex()) model.compact(to);
        stats.compactions++;
      }
    } else {
      const before = (await readdir(dir)).length;
      await wal.close();
      wal = await WalRaftStorage.open(dir, silent, conf, options);
      stats.reopens++;
      stats.maxSegments = Math.max(stats.maxSegments, before);
    }
    expect(viewOf(wal), ctx).toEqual(viewOf(model));
  }
  const segments = (await readdir(dir)).filter((f) => f.endsWith('.wal'));
  if (!segments.includes('0000000000000000-0000000000000001.wal')) stats.segmentsDeleted++;
  await wal.close();
  wal = await WalRaftStorage.open(dir, silent, conf, options);
  expect(viewOf(wal), `seed ${seed} final reopen`).toEqual(viewOf(model));
  await wal.close();
}

describe('WalRaftStorage against a MemoryStorage model', () => {
  it(`agrees after every step of ${SEEDS} random runs`, async () => {
    const stats: Stats = { reopens: 0, compactions: 0, segmentsDeleted: 0, maxSegments: 0 };
    for (let seed = 1; seed <= SEEDS; seed++) await runSeed(seed, stats);
    // The runs exercised what they are meant to.
    expect(stats.reopens).toBeGreaterThan(SEEDS * 5);
    expect(stats.compactions).toBeGreaterThan(SEEDS * 5);
    expect(stats.segmentsDeleted).toBeGreaterThan(SEEDS / 2);
    expect(stats.maxSegments).toBeGreaterThan(5);
  });
});
