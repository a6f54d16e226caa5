import { describe, expect, it } from 'vitest';
import { MemoryStorage, limitSize } from './storage.js';
import { entriesOfTerms, entry, newStorage, snapshotAt, thrownCode } from './testing/fixtures.js';
import type { Entry } from './types.js';

/** Storage whose log holds 3/3, 4/4, 5/5 after a snapshot at 3/3 (etcd's storage tests). */
function storage345(): MemoryStorage {
  return newStorage({ voters: [1, 2, 3], snapshot: { index: 3, term: 3 }, entries: entriesOfTerms(4, [4, 5]) });
}

function ids(ents: readonly Entry[]): string[] {
  return ents.map((e) => `${e.index}/${e.term}`);
}

describe('MemoryStorage.term', () => {
  it('answers for the snapshot index and the entries after it', () => {
    const s = storage345();
    expect(thrownCode(() => s.term(2))).toBe('RAFT_COMPACTED');
    expect(s.term(3)).toBe(3);
    expect(s.term(4)).toBe(4);
    expect(s.term(5)).toBe(5);
    expect(thrownCode(() => s.term(6))).toBe('RAFT_UNAVAILABLE');
  });
});

describe('MemoryStorage.entries', () => {
  it('serves [lo, hi) after the snapshot', () => {
    const s = newStorage({ voters: [1], snapshot: { index: 3, term: 3 }, entries: [entry(4, 4, 'a'), entry(5, 5, 'bb'), entry(6, 6, 'ccc')] });
    expect(thrownCode(() => s.entries(2, 6, Infinity))).toBe('RAFT_COMPACTED');
    expect(thrownCode(() => s.entries(3, 4, Infinity))).toBe('RAFT_COMPACTED');
    expect(ids(s.entries(4, 5, Infinity))).toEqual(['4/4']);
    expect(ids(s.entries(4, 7, Infinity))).toEqual(['4/4', '5/5', '6/6']);
    expect(thrownCode(() => s.entries(4, 8, Infinity))).toBe('RAFT_UNAVAILABLE');
    // Size limits: at least one entry, then stop before the payload would exceed the limit.
    expect(ids(s.entries(4, 7, 0))).toEqual(['4/4']);
    expect(ids(s.entries(4, 7, 2))).toEqual(['4/4']);
    expect(ids(s.entries(4, 7, 3))).toEqual(['4/4', '5/5']);
    expect(ids(s.entries(4, 7, 5))).toEqual(['4/4', '5/5']);
    expect(ids(s.entries(4, 7, 6))).toEqual(['4/4', '5/5', '6/6']);
  });

  it('returns copies: callers cannot change what is stored', () => {
    const s = storage345();
    const got = s.entries(4, 6, Infinity);
    got.length = 0;
    expect(s.entries(4, 6, Infinity).length).toBe(2);
  });
});

describe('MemoryStorage first and last index', () => {
  it('follows appends and compaction', () => {
    const s = storage345();
    expect(s.firstIndex()).toBe(4);
    expect(s.lastIndex()).toBe(5);
    s.append([entry(6, 5)]);
    expect(s.lastIndex()).toBe(6);
    s.compact(4);
    expect(s.firstIndex()).toBe(5);
    expect(s.lastIndex()).toBe(6);
  });

  it('is (1, 0) for an empty storage', () => {
    const s = new MemoryStorage();
    expect(s.firstIndex()).toBe(1);
    expect(s.lastIndex()).toBe(0);
    expect(s.term(0)).toBe(0);
  });
});

describe('MemoryStorage.compact', () => {
  const cases: Array<{ index: number; code: string | undefined; first: number; term: number; len: number }> = [
    { index: 2, code: 'RAFT_COMPACTED', first: 4, term: 3, len: 2 },
    { index: 3, code: 'RAFT_COMPACTED', first: 4, term: 3, len: 2 },
    { index: 4, code: undefined, first: 5, term: 4, len: 1 },
    { index: 5, code: undefined, first: 6, term: 5, len: 0 },
    { index: 6, code: 'RAFT_UNAVAILABLE', first: 4, term: 3, len: 2 },
  ];
  for (const c of cases) {
    it(`compact(${c.index})`, () => {
      const s = storage345();
      expect(thrownCode(() => s.compact(c.index))).toBe(c.code);
      expect(s.firstIndex()).toBe(c.first);
      expect(s.term(c.first - 1)).toBe(c.term);
      expect(s.lastIndex() - s.firstIndex() + 1).toBe(c.len);
    });
  }
});

describe('MemoryStorage.append', () => {
  const cases: Array<{ name: string; append: Entry[]; want?: string[]; code?: string }> = [
    { name: 'the same entries', append: entriesOfTerms(4, [4, 5]), want: ['4/4', '5/5'] },
    { name: 'overwrite the last entry', append: entriesOfTerms(4, [4, 6]), want: ['4/4', '5/6'] },
    { name: 'overwrite and extend', append: entriesOfTerms(4, [4, 5, 5]), want: ['4/4', '5/5', '6/5'] },
    { name: 'entries partly compacted are trimmed', append: entriesOfTerms(2, [3, 3, 5]), want: ['4/5'] },
    { name: 'entries all compacted are ignored', append: entriesOfTerms(1, [1, 2]), want: ['4/4', '5/5'] },
    { name: 'truncate the tail', append: entriesOfTerms(4, [5]), want: ['4/5'] },
    { name: 'extend at lastIndex + 1', append: entriesOfTerms(6, [5]), want: ['4/4', '5/5', '6/5'] },
    { name: 'a gap is refused', append: entriesOfTerms(7, [5]), code: 'RAFT_UNAVAILABLE' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = storage345();
      expect(thrownCode(() => s.append(c.append))).toBe(c.code);
      if (c.want !== undefined) expect(ids(s.entries(s.firstIndex(), s.lastIndex() + 1, Infinity))).toEqual(c.want);
    });
  }
});

describe('MemoryStorage snapshots', () => {
  const cs = { voters: [1, 2, 3], learners: [] };

  it('createSnapshot records the term of the index and refuses stale or future indexes', () => {
    const s = storage345();
    expect(thrownCode(() => s.createSnapshot(3, cs, new Uint8Array([1])))).toBe('RAFT_SNAPSHOT_OUT_OF_DATE');
    expect(thrownCode(() => s.createSnapshot(6, cs, new Uint8Array([1])))).toBe('RAFT_UNAVAILABLE');
    const snap = s.createSnapshot(4, cs, new Uint8Array([7]));
    expect(snap.metadata).toEqual({ index: 4, term: 4, confState: cs });
    expect(s.snapshot()).toBe(snap);
    expect(thrownCode(() => s.createSnapshot(4, cs, new Uint8Array([1])))).toBe('RAFT_SNAPSHOT_OUT_OF_DATE');
    // Creating a snapshot does not compact by itself.
    expect(s.firstIndex()).toBe(4);
  });

  it('applySnapshot replaces the log, and refuses an older snapshot', () => {
    const s = new MemoryStorage();
    s.append(entriesOfTerms(1, [1, 1, 2]));
    s.applySnapshot(snapshotAt(4, 4, [1, 2, 3]));
    expect(s.firstIndex()).toBe(5);
    expect(s.lastIndex()).toBe(4);
    expect(s.term(4)).toBe(4);
    expect(s.initialState().confState).toEqual({ voters: [1, 2, 3], learners: [] });
    expect(thrownCode(() => s.applySnapshot(snapshotAt(3, 3, [1])))).toBe('RAFT_SNAPSHOT_OUT_OF_DATE');
    expect(thrownCode(() => s.applySnapshot(snapshotAt(4, 4, [1])))).toBe('RAFT_SNAPSHOT_OUT_OF_DATE');
    s.append(entriesOfTerms(5, [4]));
    expect(s.lastIndex()).toBe(5);
  });

  it('initialState returns the persisted hard state and the bootstrap membership', () => {
    const s = MemoryStorage.withConfState({ voters: [1, 2], learners: [3] });
    expect(s.initialState()).toEqual({ hardState: { term: 0, vote: 0, commit: 0 }, confState: { voters: [1, 2], learners: [3] } });
    s.setHardState({ term: 2, vote: 1, commit: 0 });
    expect(s.initialState().hardState).toEqual({ term: 2, vote: 1, commit: 0 });
    expect(s.getHardState()).toEqual({ term: 2, vote: 1, commit: 0 });
  });
});

describe('limitSize', () => {
  it('keeps the longest prefix within the limit, and at least one entry', () => {
    const ents = [entry(1, 1, 'aa'), entry(2, 1, 'bb'), entry(3, 1, 'cc')];
    expect(limitSize([], 0)).toEqual([]);
    expect(ids(limitSize(ents, 0))).toEqual(['1/1']);
    expect(ids(limitSize(ents, 3))).toEqual(['1/1']);
    expect(ids(limitSize(ents, 4))).toEqual(['1/1', '2/1']);
    expect(ids(limitSize(ents, 6))).toEqual(['1/1', '2/1', '3/1']);
    expect(limitSize(ents, Infinity)).toBe(ents);
  });
});
