import { describe, expect, it } from 'vitest';
import { Unstable } from './log_unstable.js';
import { entriesOfTerms, snapshotAt, thrownCode } from './testing/fixtures.js';
import type { Entry } from './types.js';

/** An unstable tail at `offset` holding entries of `terms`, and optionally a snapshot at offset - 1. */
function unstable(offset: number, terms: readonly number[], snapTerm?: number): Unstable {
  const u = new Unstable(offset);
  if (snapTerm !== undefined) u.restore(snapshotAt(offset - 1, snapTerm, [1]));
  u.entries = entriesOfTerms(offset, terms);
  return u;
}

function ids(ents: readonly Entry[]): string[] {
  return ents.map((e) => `${e.index}/${e.term}`);
}

describe('Unstable indexes', () => {
  it('knows the first index only through a snapshot', () => {
    expect(unstable(5, [1]).maybeFirstIndex()).toBeUndefined();
    expect(unstable(5, [1], 1).maybeFirstIndex()).toBe(5);
    expect(unstable(5, [], 1).maybeFirstIndex()).toBe(5);
  });

  it('knows the last index through entries or a snapshot', () => {
    expect(unstable(5, [1]).maybeLastIndex()).toBe(5);
    expect(unstable(5, [1, 1]).maybeLastIndex()).toBe(6);
    expect(unstable(5, [1], 1).maybeLastIndex()).toBe(5);
    expect(unstable(5, [], 1).maybeLastIndex()).toBe(4);
    expect(unstable(5, []).maybeLastIndex()).toBeUndefined();
  });

  it('knows the terms of its entries and of its snapshot index', () => {
    const cases: Array<[u: Unstable, index: number, want: number | undefined]> = [
      [unstable(5, [1]), 5, 1],
      [unstable(5, [1]), 6, undefined],
      [unstable(5, [1]), 4, undefined],
      [unstable(5, [1], 1), 5, 1],
      [unstable(5, [1], 1), 6, undefined],
      [unstable(5, [1], 1), 4, 1],
      [unstable(5, [1], 1), 3, undefined],
      [unstable(5, [], 1), 5, undefined],
      [unstable(5, [], 1), 4, 1],
      [unstable(5, []), 5, undefined],
    ];
    for (const [u, index, want] of cases) expect(u.maybeTerm(index), `term(${index})`).toBe(want);
  });
});

describe('Unstable.restore', () => {
  it('drops the entries and waits to persist the snapshot', () => {
    const u = unstable(5, [1, 1], 1);
    u.restore(snapshotAt(6, 2, [1]));
    expect(u.offset).toBe(7);
    expect(u.entries).toEqual([]);
    expect(u.snapshot?.metadata.index).toBe(6);
    u.stableSnapTo(5);
    expect(u.snapshot).toBeDefined();
    u.stableSnapTo(6);
    expect(u.snapshot).toBeUndefined();
  });
});

describe('Unstable.stableTo', () => {
  const cases: Array<{ name: string; u: () => Unstable; index: number; term: number; offset: number; len: number }> = [
    { name: 'nothing unstable', u: () => unstable(0, []), index: 5, term: 1, offset: 0, len: 0 },
    { name: 'the only entry', u: () => unstable(5, [1]), index: 5, term: 1, offset: 6, len: 0 },
    { name: 'a prefix', u: () => unstable(5, [1, 1]), index: 5, term: 1, offset: 6, len: 1 },
    { name: 'term mismatch', u: () => unstable(6, [2]), index: 6, term: 1, offset: 6, len: 1 },
    { name: 'index below the tail', u: () => unstable(5, [1]), index: 4, term: 1, offset: 5, len: 1 },
    { name: 'index below the tail, other term', u: () => unstable(5, [1]), index: 4, term: 2, offset: 5, len: 1 },
    { name: 'with a snapshot', u: () => unstable(5, [1], 1), index: 5, term: 1, offset: 6, len: 0 },
    { name: 'with a snapshot, a prefix', u: () => unstable(5, [1, 1], 1), index: 5, term: 1, offset: 6, len: 1 },
    { name: 'the snapshot index is not an entry', u: () => unstable(5, [1], 1), index: 4, term: 1, offset: 5, len: 1 },
    { name: 'with a snapshot, term mismatch', u: () => unstable(6, [2], 1), index: 6, term: 1, offset: 6, len: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const u = c.u();
      u.stableTo(c.index, c.term);
      expect(u.offset).toBe(c.offset);
      expect(u.entries.length).toBe(c.len);
    });
  }
});

describe('Unstable.truncateAndAppend', () => {
  const cases: Array<{ name: string; offset: number; terms: number[]; append: Entry[]; wantOffset: number; want: string[] }> = [
    { name: 'append after the tail', offset: 5, terms: [1], append: entriesOfTerms(6, [1, 1]), wantOffset: 5, want: ['5/1', '6/1', '7/1'] },
    { name: 'replace the whole tail', offset: 5, terms: [1], append: entriesOfTerms(5, [2, 2]), wantOffset: 5, want: ['5/2', '6/2'] },
    { name: 'replace from before the tail', offset: 5, terms: [1], append: entriesOfTerms(4, [2, 2, 2]), wantOffset: 4, want: ['4/2', '5/2', '6/2'] },
    { name: 'truncate in the middle', offset: 5, terms: [1, 1, 1], append: entriesOfTerms(6, [2]), wantOffset: 5, want: ['5/1', '6/2'] },
    { name: 'truncate the last and extend', offset: 5, terms: [1, 1, 1], append: entriesOfTerms(7, [2, 2]), wantOffset: 5, want: ['5/1', '6/1', '7/2', '8/2'] },
    { name: 'nothing to append', offset: 5, terms: [1], append: [], wantOffset: 5, want: ['5/1'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const u = unstable(c.offset, c.terms);
      u.truncateAndAppend(c.append);
      expect(u.offset).toBe(c.wantOffset);
      expect(ids(u.entries)).toEqual(c.want);
    });
  }
});

describe('Unstable.slice', () => {
  it('serves ranges inside the tail and fails loudly outside it', () => {
    const u = unstable(5, [1, 2, 3]);
    expect(ids(u.slice(5, 8))).toEqual(['5/1', '6/2', '7/3']);
    expect(ids(u.slice(6, 7))).toEqual(['6/2']);
    expect(u.slice(6, 6)).toEqual([]);
    expect(thrownCode(() => u.slice(4, 6))).toBe('RAFT_INVARIANT');
    expect(thrownCode(() => u.slice(6, 9))).toBe('RAFT_INVARIANT');
    expect(thrownCode(() => u.slice(7, 6))).toBe('RAFT_INVARIANT');
  });
});
