import { describe, expect, it } from 'vitest';
import { ProgressTracker } from './tracker.js';

describe('ProgressTracker.setConfig', () => {
  it('keeps the progress of members that stay and starts new ones at nextIndex', () => {
    const trk = new ProgressTracker(8, 0);
    trk.setConfig({ voters: [3, 1, 2], learners: [] }, 5);
    expect(trk.voters()).toEqual([1, 2, 3]);
    const pr2 = trk.progress.get(2);
    if (pr2 === undefined) throw new Error('no progress for 2');
    pr2.match = 7;
    trk.setConfig({ voters: [1, 2], learners: [4] }, 9);
    expect(trk.progress.get(2)).toBe(pr2);
    expect(trk.progress.get(2)?.match).toBe(7);
    expect(trk.progress.has(3)).toBe(false);
    expect(trk.progress.get(4)).toMatchObject({ match: 0, next: 9, isLearner: true, recentActive: true });
    expect(trk.learners()).toEqual([4]);
    expect(trk.confState()).toEqual({ voters: [1, 2], learners: [4] });
  });

  it('keeps voters and learners disjoint, preferring voter', () => {
    const trk = new ProgressTracker(8, 0);
    trk.setConfig({ voters: [1, 2], learners: [2, 3] }, 1);
    expect(trk.voters()).toEqual([1, 2]);
    expect(trk.learners()).toEqual([3]);
    expect(trk.progress.get(2)?.isLearner).toBe(false);
  });
});

describe('ProgressTracker quorum decisions', () => {
  it('commits what a majority of voters has, ignoring learners', () => {
    const trk = new ProgressTracker(8, 0);
    trk.setConfig({ voters: [1, 2, 3], learners: [4, 5] }, 1);
    const set = (id: number, match: number): void => {
      const pr = trk.progress.get(id);
      if (pr !== undefined) pr.match = match;
    };
    set(1, 10);
    set(4, 10);
    set(5, 10);
    expect(trk.committed()).toBe(0);
    set(2, 6);
    expect(trk.committed()).toBe(6);
  });

  it('quorumActive counts self and recently active voters only', () => {
    const trk = new ProgressTracker(8, 0);
    trk.setConfig({ voters: [1, 2, 3], learners: [4] }, 1);
    for (const pr of trk.progress.values()) pr.recentActive = false;
    trk.progress.get(4)!.recentActive = true;
    expect(trk.quorumActive(1)).toBe(false);
    trk.progress.get(3)!.recentActive = true;
    expect(trk.quorumActive(1)).toBe(true);
  });

  it('tallies each voter once, first answer wins', () => {
    const trk = new ProgressTracker(8, 0);
    trk.setConfig({ voters: [1, 2, 3], learners: [4] }, 1);
    trk.recordVote(1, true);
    trk.recordVote(4, true);
    trk.recordVote(2, false);
    trk.recordVote(2, true);
    expect(trk.tallyVotes()).toEqual({ granted: 1, rejected: 1, result: 'pending' });
    trk.recordVote(3, true);
    expect(trk.tallyVotes()).toEqual({ granted: 2, rejected: 1, result: 'won' });
    trk.resetVotes();
    expect(trk.tallyVotes()).toEqual({ granted: 0, rejected: 0, result: 'pending' });
  });
});
