import { describe, expect, it } from 'vitest';
import { RaftLog } from './log.js';
import { MemoryStorage } from './storage.js';
import { entriesOfTerms, entry, newStorage, snapshotAt, thrownCode } from './testing/fixtures.js';
import type { Entry } from './types.js';

/** A log over empty storage with `ents` appended to its unstable tail. */
function unstableLog(ents: readonly Entry[]): RaftLog {
  const log = new RaftLog(new MemoryStorage());
  log.append(ents);
  return log;
}

function indexes(ents: readonly Entry[]): number[] {
  return ents.map((e) => e.index);
}

describe('RaftLog.findConflict', () => {
  // The log holds 1/1, 2/2, 3/3 (index/term).
  const cases: Array<{ name: string; ents: Entry[]; want: number }> = [
    { name: 'no entries', ents: [], want: 0 },
    { name: 'all match', ents: entriesOfTerms(1, [1, 2, 3]), want: 0 },
    { name: 'a matching suffix', ents: entriesOfTerms(2, [2, 3]), want: 0 },
    { name: 'the last entry only', ents: entriesOfTerms(3, [3]), want: 0 },
    { name: 'matching prefix, then new entries', ents: entriesOfTerms(1, [1, 2, 3, 4, 4]), want: 4 },
    { name: 'a matching suffix, then new entries', ents: entriesOfTerms(3, [3, 4, 4]), want: 4 },
    { name: 'only new entries', ents: entriesOfTerms(4, [4, 4]), want: 4 },
    { name: 'conflict at the first entry', ents: entriesOfTerms(1, [4, 4]), want: 1 },
    { name: 'conflict in the middle', ents: entriesOfTerms(2, [1, 4, 4]), want: 2 },
    { name: 'conflict at the last entry', ents: entriesOfTerms(3, [1, 2, 4, 4]), want: 3 },
  ];
  for (const { name, ents, want } of cases) {
    it(name, () => {
      expect(unstableLog(entriesOfTerms(1, [1, 2, 3])).findConflict(ents)).toBe(want);
    });
  }
});

describe('RaftLog.findConflictByTerm', () => {
  /** Each case: (index, term) and the expected (index, term) answer, written as [i, t, wantI, wantT]. */
  function expectAnswers(log: RaftLog, cases: Array<[number, number, number, number]>): void {
    for (const [index, term, wantIndex, wantTerm] of cases) {
      expect(log.findConflictByTerm(index, term), `(${index}, ${term})`).toEqual({ index: wantIndex, term: wantTerm });
    }
  }

  it('walks back to the last index whose term is <= the given term', () => {
    expectAnswers(unstableLog(entriesOfTerms(1, [2, 2, 5, 5, 5])), [
      [100, 2, 100, 0], // beyond the log: unknown term
      [5, 6, 5, 5],
      [5, 5, 5, 5],
      [5, 4, 2, 2],
      [5, 2, 2, 2],
      [5, 1, 0, 0],
      [1, 2, 1, 2],
      [1, 1, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('stops at the compaction point with an unknown term', () => {
    // Snapshot at 10/3, then 11..15 with terms 3, 3, 4, 4, 4.
    const storage = newStorage({ voters: [1], snapshot: { index: 10, term: 3 }, entries: entriesOfTerms(11, [3, 3, 4, 4, 4]) });
    expectAnswers(new RaftLog(storage), [
      [30, 3, 30, 0],
      [14, 9, 14, 4],
      [14, 4, 14, 4],
      [14, 3, 12, 3],
      [14, 2, 9, 0],
      [11, 5, 11, 3],
      [10, 5, 10, 3],
      [10, 3, 10, 3],
      [10, 2, 9, 0],
      [9, 2, 9, 0], // compacted: unknown term
      [4, 2, 4, 0],
      [0, 0, 0, 0],
    ]);
  });
});

describe('RaftLog.maybeAppend', () => {
  // The log holds 1/1, 2/2, 3/3 with 1 committed.
  const lastIndex = 3;
  const lastTerm = 3;
  const cases: Array<{
    name: string;
    logTerm: number;
    index: number;
    commit: number;
    ents: Entry[];
    want: number | undefined;
    wantCommit: number;
    wantLog?: number[];
  }> = [
    { name: 'previous term mismatch', logTerm: lastTerm - 1, index: lastIndex, commit: lastIndex, ents: [entry(4, 4)], want: undefined, wantCommit: 1 },
    { name: 'previous index beyond the log', logTerm: lastTerm, index: lastIndex + 1, commit: lastIndex, ents: [entry(5, 4)], want: undefined, wantCommit: 1 },
    { name: 'heartbeat-like, commit to the leader commit', logTerm: lastTerm, index: lastIndex, commit: lastIndex, ents: [], want: 3, wantCommit: 3 },
    { name: 'commit is capped at the last new entry', logTerm: lastTerm, index: lastIndex, commit: lastIndex + 1, ents: [], want: 3, wantCommit: 3 },
    { name: 'commit below last', logTerm: lastTerm, index: lastIndex, commit: lastIndex - 1, ents: [], want: 3, wantCommit: 2 },
    { name: 'commit never decreases', logTerm: lastTerm, index: lastIndex, commit: 0, ents: [], want: 3, wantCommit: 1 },
    { name: 'empty probe at 0', logTerm: 0, index: 0, commit: lastIndex, ents: [], want: 0, wantCommit: 1 },
    { name: 'append one', logTerm: lastTerm, index: lastIndex, commit: lastIndex, ents: [entry(4, 4)], want: 4, wantCommit: 3, wantLog: [1, 2, 3, 4] },
    { name: 'append one and commit it', logTerm: lastTerm, index: lastIndex, commit: lastIndex + 1, ents: [entry(4, 4)], want: 4, wantCommit: 4 },
    { name: 'append one, commit capped', logTerm: lastTerm, index: lastIndex, commit: lastIndex + 2, ents: [entry(4, 4)], want: 4, wantCommit: 4 },
    { name: 'append two, commit both', logTerm: lastTerm, index: lastIndex, commit: lastIndex + 2, ents: entriesOfTerms(4, [4, 4]), want: 5, wantCommit: 5 },
    { name: 'conflict at the last entry', logTerm: lastTerm - 1, index: lastIndex - 1, commit: lastIndex, ents: [entry(3, 4)], want: 3, wantCommit: 3, wantLog: [1, 2, 4] },
    { name: 'conflict in the middle truncates the rest', logTerm: lastTerm - 2, index: lastIndex - 2, commit: lastIndex, ents: [entry(2, 4)], want: 2, wantCommit: 2, wantLog: [1, 4] },
    { name: 'conflict then extend', logTerm: lastTerm - 2, index: lastIndex - 2, commit: lastIndex, ents: entriesOfTerms(2, [4, 4]), want: 3, wantCommit: 3, wantLog: [1, 4, 4] },
    { name: 'already present entries are not rewritten', logTerm: 1, index: 1, commit: 2, ents: [entry(2, 2)], want: 2, wantCommit: 2, wantLog: [1, 2, 3] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const log = unstableLog(entriesOfTerms(1, [1, 2, 3]));
      log.committed = 1;
      expect(log.maybeAppend(c.index, c.logTerm, c.commit, c.ents)).toBe(c.want);
      expect(log.committed).toBe(c.wantCommit);
      if (c.wantLog !== undefined) expect(log.allEntries().map((e) => e.term)).toEqual(c.wantLog);
    });
  }

  it('throws rather than overwrite a committed entry', () => {
    const log = unstableLog(entriesOfTerms(1, [1, 2, 3]));
    log.committed = 1;
    // Matching prev (0/0), but entry 1 has term 4: it conflicts with the committed entry 1.
    expect(thrownCode(() => log.maybeAppend(0, 0, 3, [entry(1, 4)]))).toBe('RAFT_INVARIANT');
    expect(log.allEntries().map((e) => e.term)).toEqual([1, 2, 3]);
  });

  it('does not touch the stable log when the entries are already there', () => {
    const storage = newStorage({ voters: [1], entries: entriesOfTerms(1, [1, 1, 2]) });
    const log = new RaftLog(storage);
    expect(log.maybeAppend(0, 0, 0, entriesOfTerms(1, [1, 1]))).toBe(2);
    expect(log.unstableEntries()).toEqual([]);
    expect(log.lastIndex()).toBe(3);
  });
});

describe('RaftLog.isUpToDate', () => {
  // The log ends at 3/3: a candidate's log is at least as up to date if its last term is higher, or
  // equal with an index at least as high.
  const log = unstableLog(entriesOfTerms(1, [1, 2, 3]));
  const cases: Array<[lastIndex: number, lastTerm: number, want: boolean]> = [
    [2, 4, true],
    [3, 4, true],
    [4, 4, true],
    [2, 2, false],
    [3, 2, false],
    [4, 2, false],
    [2, 3, false],
    [3, 3, true],
    [4, 3, true],
  ];
  for (const [lastIndex, lastTerm, want] of cases) {
    it(`candidate at ${lastIndex}/${lastTerm} is ${want ? '' : 'not '}up to date`, () => {
      expect(log.isUpToDate(lastIndex, lastTerm)).toBe(want);
    });
  }
});

describe('RaftLog.term', () => {
  it('reads terms from the snapshot, stable storage and the unstable tail', () => {
    // Snapshot at 100/1, stable 101..150 (term = index - 100), unstable 151..199.
    const stable = Array.from({ length: 50 }, (_, i) => entry(101 + i, 1 + i));
    const storage = newStorage({ voters: [1], snapshot: { index: 100, term: 1 }, entries: stable });
    const log = new RaftLog(storage);
    log.append(Array.from({ length: 49 }, (_, i) => entry(151 + i, 51 + i)));
    expect(log.firstIndex()).toBe(101);
    expect(log.lastIndex()).toBe(199);
    expect(thrownCode(() => log.term(99))).toBe('RAFT_COMPACTED');
    expect(log.term(100)).toBe(1);
    expect(log.term(125)).toBe(25);
    expect(log.term(150)).toBe(50);
    expect(log.term(151)).toBe(51);
    expect(log.term(199)).toBe(99);
    expect(thrownCode(() => log.term(200))).toBe('RAFT_UNAVAILABLE');
    expect(log.termOrZero(99)).toBe(0);
    expect(log.termOrZero(200)).toBe(0);
    expect(log.lastTerm()).toBe(99);
  });

  it('reads the term of an unstable snapshot, and nothing below it', () => {
    const storage = newStorage({ voters: [1], snapshot: { index: 100, term: 1 }, entries: entriesOfTerms(101, [1, 1]) });
    const log = new RaftLog(storage);
    log.restore(snapshotAt(105, 2, [1]));
    expect(thrownCode(() => log.term(100))).toBe('RAFT_COMPACTED');
    expect(thrownCode(() => log.term(102))).toBe('RAFT_COMPACTED');
    expect(log.term(105)).toBe(2);
    expect(thrownCode(() => log.term(106))).toBe('RAFT_UNAVAILABLE');
  });

  it('prefers a truncating unstable tail over the stale stable suffix', () => {
    const storage = newStorage({ voters: [1], entries: entriesOfTerms(1, [1, 1, 1, 1]) });
    const log = new RaftLog(storage);
    log.append(entriesOfTerms(3, [2]));
    expect(log.lastIndex()).toBe(3);
    expect(log.term(2)).toBe(1);
    expect(log.term(3)).toBe(2);
    expect(thrownCode(() => log.term(4))).toBe('RAFT_UNAVAILABLE');
  });
});

describe('RaftLog.slice', () => {
  // Snapshot at 100, stable 101..149, unstable 150..199; every entry carries 10 payload bytes.
  const payload = '0123456789';
  function makeLog(): RaftLog {
    const stable = Array.from({ length: 49 }, (_, i) => entry(101 + i, 1, payload));
    const log = new RaftLog(newStorage({ voters: [1], snapshot: { index: 100, term: 1 }, entries: stable }));
    log.append(Array.from({ length: 50 }, (_, i) => entry(150 + i, 2, payload)));
    return log;
  }

  it('serves ranges on both sides of the stable/unstable boundary', () => {
    const log = makeLog();
    expect(indexes(log.slice(101, 101, Infinity))).toEqual([]);
    expect(indexes(log.slice(147, 150, Infinity))).toEqual([147, 148, 149]);
    expect(indexes(log.slice(149, 151, Infinity))).toEqual([149, 150]);
    expect(indexes(log.slice(150, 152, Infinity))).toEqual([150, 151]);
    expect(indexes(log.slice(199, 200, Infinity))).toEqual([199]);
  });

  it('throws COMPACTED below the first index and fails loudly beyond the last', () => {
    const log = makeLog();
    expect(thrownCode(() => log.slice(99, 101, Infinity))).toBe('RAFT_COMPACTED');
    expect(thrownCode(() => log.slice(100, 101, Infinity))).toBe('RAFT_COMPACTED');
    expect(thrownCode(() => log.slice(199, 201, Infinity))).toBe('RAFT_INVARIANT');
    expect(thrownCode(() => log.slice(120, 110, Infinity))).toBe('RAFT_INVARIANT');
  });

  it('limits the payload, returning at least one entry', () => {
    const log = makeLog();
    const cases: Array<[maxBytes: number, want: number[]]> = [
      [0, [148]],
      [10, [148]],
      [19, [148]],
      [20, [148, 149]],
      [29, [148, 149]],
      [30, [148, 149, 150]],
      [39, [148, 149, 150]],
      [40, [148, 149, 150, 151]],
      [1000, [148, 149, 150, 151]],
    ];
    for (const [maxBytes, want] of cases) expect(indexes(log.slice(148, 152, maxBytes)), `maxBytes ${maxBytes}`).toEqual(want);
  });

  it('stops in stable storage when the limit is reached there', () => {
    expect(indexes(makeLog().slice(140, 160, 30))).toEqual([140, 141, 142]);
  });
});

describe('RaftLog.nextCommittedEnts', () => {
  function makeLog(applied: number): RaftLog {
    const log = new RaftLog(newStorage({ voters: [1], snapshot: { index: 3, term: 1 }, entries: [entry(4, 1, 'a'), entry(5, 1, 'b')] }));
    log.append([entry(6, 1, 'c')]);
    log.commitTo(5);
    log.appliedTo(applied);
    return log;
  }

  it('hands out committed entries above applied', () => {
    expect(indexes(makeLog(3).nextCommittedEnts(Infinity))).toEqual([4, 5]);
    expect(indexes(makeLog(4).nextCommittedEnts(Infinity))).toEqual([5]);
    expect(indexes(makeLog(5).nextCommittedEnts(Infinity))).toEqual([]);
    expect(makeLog(3).hasNextCommittedEnts()).toBe(true);
    expect(makeLog(5).hasNextCommittedEnts()).toBe(false);
  });

  it('respects the size limit but hands out at least one entry', () => {
    expect(indexes(makeLog(3).nextCommittedEnts(0))).toEqual([4]);
    expect(indexes(makeLog(3).nextCommittedEnts(2))).toEqual([4, 5]);
  });

  it('hands out unstable committed entries too (the driver persists them first)', () => {
    const log = makeLog(5);
    log.commitTo(6);
    expect(indexes(log.nextCommittedEnts(Infinity))).toEqual([6]);
  });

  it('hands out nothing while a snapshot waits to be applied', () => {
    const log = makeLog(3);
    log.restore(snapshotAt(10, 2, [1]));
    expect(log.hasNextCommittedEnts()).toBe(false);
    expect(log.nextCommittedEnts(Infinity)).toEqual([]);
  });
});

describe('RaftLog.restore', () => {
  it('replaces the log with the snapshot', () => {
    const log = new RaftLog(new MemoryStorage());
    log.append(entriesOfTerms(1, [1, 1]));
    log.restore(snapshotAt(1000, 1000, [1]));
    expect(log.allEntries()).toEqual([]);
    expect(log.firstIndex()).toBe(1001);
    expect(log.lastIndex()).toBe(1000);
    expect(log.committed).toBe(1000);
    expect(log.unstable.offset).toBe(1001);
    expect(log.term(1000)).toBe(1000);
    expect(log.hasPendingSnapshot()).toBe(true);
    // Entries after the snapshot go to the unstable tail.
    log.append([entry(1001, 1000)]);
    expect(log.lastIndex()).toBe(1001);
  });
});

describe('RaftLog.stableTo', () => {
  it('moves the unstable offset past what was persisted', () => {
    const log = unstableLog(entriesOfTerms(1, [1, 2]));
    log.stableTo(1, 1);
    expect(indexes(log.unstableEntries())).toEqual([2]);
    expect(log.unstable.offset).toBe(2);
    log.stableTo(2, 2);
    expect(log.unstableEntries()).toEqual([]);
    expect(log.unstable.offset).toBe(3);
  });

  it('ignores a term mismatch and indexes outside the unstable tail', () => {
    const log = unstableLog(entriesOfTerms(1, [1, 2]));
    log.stableTo(2, 1);
    log.stableTo(3, 2);
    log.stableTo(0, 0);
    expect(indexes(log.unstableEntries())).toEqual([1, 2]);
  });

  it('leaves a replaced entry unstable: its replacement is still to be written', () => {
    const log = unstableLog(entriesOfTerms(1, [1, 1]));
    // The driver takes 1/1, 2/1 to persist; meanwhile a new leader replaces entry 2.
    const handedOut = log.unstableEntries().slice();
    log.append([entry(2, 2)]);
    const last = handedOut[handedOut.length - 1] as Entry;
    log.stableTo(last.index, last.term);
    expect(log.unstableEntries().map((e) => `${e.index}/${e.term}`)).toEqual(['1/1', '2/2']);
  });
});

describe('RaftLog commit and apply', () => {
  it('maybeCommit only commits an entry of the given term (figure 8)', () => {
    const log = unstableLog(entriesOfTerms(1, [1, 2]));
    expect(log.maybeCommit(2, 1)).toBe(false);
    expect(log.committed).toBe(0);
    expect(log.maybeCommit(2, 2)).toBe(true);
    expect(log.committed).toBe(2);
    expect(log.maybeCommit(1, 1)).toBe(false);
    expect(log.committed).toBe(2);
  });

  it('commitTo never decreases and fails loudly beyond the last index', () => {
    const log = unstableLog(entriesOfTerms(1, [1, 2, 3]));
    log.commitTo(3);
    log.commitTo(1);
    expect(log.committed).toBe(3);
    expect(thrownCode(() => log.commitTo(4))).toBe('RAFT_INVARIANT');
  });

  it('appliedTo must stay within [applied, committed]', () => {
    const log = unstableLog(entriesOfTerms(1, [1, 2, 3]));
    log.commitTo(2);
    log.appliedTo(1);
    expect(log.applied).toBe(1);
    expect(thrownCode(() => log.appliedTo(3))).toBe('RAFT_INVARIANT');
    log.appliedTo(2);
    expect(thrownCode(() => log.appliedTo(1))).toBe('RAFT_INVARIANT');
  });

  it('refuses to append over committed entries', () => {
    const log = unstableLog(entriesOfTerms(1, [1, 2, 3]));
    log.commitTo(2);
    expect(thrownCode(() => log.append([entry(2, 4)]))).toBe('RAFT_INVARIANT');
    expect(log.append([entry(3, 4)])).toBe(3);
    expect(log.term(3)).toBe(4);
  });

  it('starts with committed and applied at the snapshot index', () => {
    const log = new RaftLog(newStorage({ voters: [1], snapshot: { index: 7, term: 3 }, entries: entriesOfTerms(8, [3, 4]) }));
    expect(log.committed).toBe(7);
    expect(log.applied).toBe(7);
    expect(log.firstIndex()).toBe(8);
    expect(log.lastIndex()).toBe(9);
    expect(log.lastTerm()).toBe(4);
  });
});
