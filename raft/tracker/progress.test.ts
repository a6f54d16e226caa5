import { describe, expect, it } from 'vitest';
import { Progress, type ProgressState } from './progress.js';

function progress(state: ProgressState, match: number, next: number, maxInflight = 256): Progress {
  const pr = new Progress(match, next, maxInflight, 0, false);
  pr.state = state;
  return pr;
}

describe('Progress.maybeDecrTo', () => {
  const cases: Array<{ state: ProgressState; match: number; next: number; rejected: number; hint: number; want: boolean; wantNext: number }> = [
    // replicate: a rejection at or below match is stale; otherwise back off to match + 1.
    { state: 'replicate', match: 5, next: 10, rejected: 5, hint: 5, want: false, wantNext: 10 },
    { state: 'replicate', match: 5, next: 10, rejected: 4, hint: 4, want: false, wantNext: 10 },
    { state: 'replicate', match: 5, next: 10, rejected: 9, hint: 9, want: true, wantNext: 6 },
    // probe: only the rejection of the outstanding probe (next - 1) counts.
    { state: 'probe', match: 0, next: 0, rejected: 0, hint: 0, want: false, wantNext: 0 },
    { state: 'probe', match: 0, next: 10, rejected: 5, hint: 5, want: false, wantNext: 10 },
    { state: 'probe', match: 0, next: 10, rejected: 9, hint: 9, want: true, wantNext: 9 },
    { state: 'probe', match: 0, next: 2, rejected: 1, hint: 1, want: true, wantNext: 1 },
    { state: 'probe', match: 0, next: 1, rejected: 0, hint: 0, want: true, wantNext: 1 },
    // the hint lets the leader skip back further than one entry, never below match + 1
    { state: 'probe', match: 0, next: 10, rejected: 9, hint: 2, want: true, wantNext: 3 },
    { state: 'probe', match: 0, next: 10, rejected: 9, hint: 0, want: true, wantNext: 1 },
    { state: 'probe', match: 4, next: 10, rejected: 9, hint: 2, want: true, wantNext: 5 },
  ];
  for (const c of cases) {
    it(`${c.state} match=${c.match} next=${c.next} rejected=${c.rejected} hint=${c.hint}`, () => {
      const pr = progress(c.state, c.match, c.next);
      expect(pr.maybeDecrTo(c.rejected, c.hint)).toBe(c.want);
      expect(pr.match).toBe(c.match);
      expect(pr.next).toBe(c.wantNext);
    });
  }

  it('unpauses a probe that was answered', () => {
    const pr = progress('probe', 0, 2);
    pr.msgAppFlowPaused = true;
    expect(pr.maybeDecrTo(1, 1)).toBe(true);
    expect(pr.msgAppFlowPaused).toBe(false);
  });
});

describe('Progress.maybeUpdate', () => {
  const cases: Array<[n: number, want: boolean, match: number, next: number]> = [
    [2, false, 3, 5], // an old acknowledgement changes nothing
    [3, false, 3, 5],
    [4, true, 4, 5],
    [5, true, 5, 6],
    [6, true, 6, 7],
  ];
  for (const [n, want, match, next] of cases) {
    it(`acknowledging ${n} with match=3 next=5`, () => {
      const pr = progress('probe', 3, 5);
      pr.msgAppFlowPaused = true;
      expect(pr.maybeUpdate(n)).toBe(want);
      expect(pr.match).toBe(match);
      expect(pr.next).toBe(next);
      expect(pr.msgAppFlowPaused).toBe(!want);
    });
  }
});

describe('Progress.isPaused', () => {
  it('pauses a probe with a message outstanding, a full replicate window, and a snapshot', () => {
    const probe = progress('probe', 0, 1);
    expect(probe.isPaused()).toBe(false);
    probe.msgAppFlowPaused = true;
    expect(probe.isPaused()).toBe(true);

    const replicate = progress('replicate', 0, 1, 2);
    expect(replicate.isPaused()).toBe(false);
    replicate.sentEntries(1, 0);
    expect(replicate.isPaused()).toBe(false);
    replicate.sentEntries(1, 0);
    expect(replicate.inflights.full()).toBe(true);
    // A full window still allows the one empty probe of a heartbeat round; once it is taken, the
    // follower is paused until it answers.
    expect(replicate.isPaused()).toBe(false);
    expect(replicate.takeWindowProbe()).toBe(true);
    expect(replicate.isPaused()).toBe(true);
    expect(replicate.takeWindowProbe()).toBe(false);
    replicate.maybeUpdate(1);
    expect(replicate.msgAppFlowPaused).toBe(false);

    expect(progress('snapshot', 0, 1).isPaused()).toBe(true);
  });
});

describe('Progress state transitions', () => {
  it('becomeProbe from replicate restarts at match + 1', () => {
    const pr = progress('replicate', 1, 5);
    pr.sentEntries(3, 0);
    pr.becomeProbe();
    expect(pr.state).toBe('probe');
    expect(pr.next).toBe(2);
    expect(pr.inflights.countMsgs()).toBe(0);
  });

  it('becomeProbe after a delivered snapshot resumes after the snapshot', () => {
    const pr = progress('replicate', 1, 5);
    pr.becomeSnapshot(10);
    expect(pr.state).toBe('snapshot');
    expect(pr.pendingSnapshot).toBe(10);
    pr.becomeProbe();
    expect(pr.state).toBe('probe');
    expect(pr.next).toBe(11);
    expect(pr.pendingSnapshot).toBe(0);
  });

  it('becomeProbe after a failed snapshot (pendingSnapshot cleared) resumes at match + 1', () => {
    const pr = progress('replicate', 1, 5);
    pr.becomeSnapshot(10);
    pr.pendingSnapshot = 0;
    pr.becomeProbe();
    expect(pr.next).toBe(2);
  });

  it('becomeProbe after a snapshot the follower already passed resumes at match + 1', () => {
    const pr = progress('replicate', 12, 13);
    pr.becomeSnapshot(10);
    pr.becomeProbe();
    expect(pr.next).toBe(13);
  });

  it('becomeReplicate restarts at match + 1', () => {
    const pr = progress('probe', 1, 5);
    pr.msgAppFlowPaused = true;
    pr.becomeReplicate();
    expect(pr.state).toBe('replicate');
    expect(pr.next).toBe(2);
    expect(pr.msgAppFlowPaused).toBe(false);
  });
});

describe('Progress.sentEntries', () => {
  it('in replicate, advances next optimistically and records the message in flight', () => {
    const pr = progress('replicate', 4, 5);
    pr.sentEntries(3, 30);
    expect(pr.next).toBe(8);
    expect(pr.inflights.countMsgs()).toBe(1);
    expect(pr.inflights.countBytes()).toBe(30);
    // An empty append (commit only) is not flow-controlled.
    pr.sentEntries(0, 0);
    expect(pr.next).toBe(8);
    expect(pr.inflights.countMsgs()).toBe(1);
  });

  it('in probe, pauses until the probe is answered, without moving next', () => {
    const pr = progress('probe', 4, 5);
    pr.sentEntries(3, 30);
    expect(pr.next).toBe(5);
    expect(pr.msgAppFlowPaused).toBe(true);
    expect(pr.inflights.countMsgs()).toBe(0);
  });

  it('in snapshot, changes nothing', () => {
    const pr = progress('replicate', 4, 5);
    pr.becomeSnapshot(9);
    pr.sentEntries(3, 30);
    expect(pr.next).toBe(5);
    expect(pr.msgAppFlowPaused).toBe(false);
  });
});
