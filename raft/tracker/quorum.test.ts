import { describe, expect, it } from 'vitest';
import { committedIndex, quorumSize, voteResult, type VoteResult } from './quorum.js';

describe('quorumSize', () => {
  it('is a strict majority', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(quorumSize)).toEqual([1, 2, 2, 3, 3, 4, 4]);
  });
});

describe('committedIndex', () => {
  const cases: Array<[matches: number[], want: number]> = [
    [[5], 5],
    [[5, 3], 3],
    [[3, 5], 3],
    [[5, 3, 1], 3],
    [[1, 1, 5], 1],
    [[10, 8, 6, 4], 6],
    [[1, 9, 5, 3, 7], 5],
    [[0, 0, 0], 0],
  ];
  for (const [matches, want] of cases) {
    it(`matches ${matches.join(',')} commit ${want}`, () => {
      const voters = matches.map((_, i) => i + 1);
      expect(committedIndex(voters, (id) => matches[id - 1] ?? -1)).toBe(want);
    });
  }

  it('an empty voter set never constrains', () => {
    expect(committedIndex([], () => 0)).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('voteResult', () => {
  const cases: Array<[voters: number, votes: Record<number, boolean>, want: VoteResult]> = [
    [0, {}, 'won'],
    [1, {}, 'pending'],
    [1, { 1: true }, 'won'],
    [1, { 1: false }, 'lost'],
    [3, {}, 'pending'],
    [3, { 1: true }, 'pending'],
    [3, { 1: true, 2: true }, 'won'],
    [3, { 1: true, 2: false }, 'pending'],
    [3, { 1: false, 2: false }, 'lost'],
    [3, { 1: true, 2: false, 3: false }, 'lost'],
    [4, { 1: true, 2: true }, 'pending'],
    [4, { 1: true, 2: true, 3: true }, 'won'],
    [4, { 1: true, 2: false }, 'pending'],
    [4, { 1: false, 2: false }, 'lost'],
    [5, { 1: true, 2: false, 3: false }, 'pending'],
    [5, { 1: true, 2: false, 3: false, 4: false }, 'lost'],
  ];
  for (const [n, votes, want] of cases) {
    it(`${n} voters, votes ${JSON.stringify(votes)}: ${want}`, () => {
      const voters = Array.from({ length: n }, (_, i) => i + 1);
      const map = new Map(Object.entries(votes).map(([id, v]) => [Number(id), v] as const));
      expect(voteResult(voters, map)).toBe(want);
    });
  }

  it('ignores votes from non-voters', () => {
    expect(voteResult([1, 2, 3], new Map([[4, true], [5, true], [1, true]]))).toBe('pending');
  });
});
