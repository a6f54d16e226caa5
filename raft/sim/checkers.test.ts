import { describe, expect, it } from 'vitest';
import type { Entry } from '../types.js';
import { InvariantViolation, SafetyChecker, type InvariantName } from './checkers.js';
import { EventQueue } from './event-queue.js';
import { SimNetwork } from './network.js';
import { Prng } from '../rand.js';
import { HashStateMachine } from './state-machine.js';

// These tests feed the checkers fabricated histories: they use no part of the consensus core, so
// they prove the checkers can fail even while the core is correct (or absent).

const text = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const entry = (index: number, term: number, data = `cmd${index}`): Entry => ({ index, term, type: 'normal', data: text(data) });

function expectViolation(invariant: InvariantName, fn: () => void): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(InvariantViolation);
  expect((caught as InvariantViolation).invariant).toBe(invariant);
  expect((caught as InvariantViolation).code).toBe('SIM_INVARIANT_VIOLATED');
}

/** A log as a TermAt function over index → term. */
const termsOf = (terms: Record<number, number>) => (i: number) => terms[i];

describe('ElectionSafety', () => {
  it('fails on two leaders in one term', () => {
    const c = new SafetyChecker();
    c.observeRole(1, 3, 'leader');
    c.observeRole(2, 3, 'follower');
    expectViolation('ElectionSafety', () => c.observeRole(2, 3, 'leader'));
  });

  it('allows the same leader again and a new leader in a later term', () => {
    const c = new SafetyChecker();
    c.observeRole(1, 3, 'leader');
    c.observeRole(1, 3, 'leader');
    c.observeRole(2, 4, 'leader');
    c.observeRole(3, 2, 'candidate');
  });
});

describe('VoteDurability', () => {
  it('fails when a vote leaves before it is on disk', () => {
    const c = new SafetyChecker();
    expectViolation('VoteDurability', () => c.observeVoteSent(1, 5, 2, { term: 4, vote: 0 }));
    expectViolation('VoteDurability', () => c.observeVoteSent(1, 5, 2, { term: 5, vote: 3 }));
  });

  it('fails when a node votes for two candidates in one term, even across restarts', () => {
    const c = new SafetyChecker();
    c.observeVoteSent(1, 5, 2, { term: 5, vote: 2 });
    c.observeVoteSent(1, 5, 2, { term: 5, vote: 2 });
    expectViolation('VoteDurability', () => c.observeVoteSent(1, 5, 3, { term: 5, vote: 3 }));
  });

  it('accepts a vote whose term the disk has already moved past', () => {
    new SafetyChecker().observeVoteSent(1, 5, 2, { term: 6, vote: 0 });
  });
});

describe('AckDurability', () => {
  it('fails when an acknowledgement runs ahead of the disk in the same term', () => {
    const c = new SafetyChecker();
    c.observeAckSent(1, 2, 10, { term: 2, lastIndex: 10 });
    c.observeAckSent(1, 2, 10, { term: 3, lastIndex: 8 });
    expectViolation('AckDurability', () => c.observeAckSent(1, 2, 11, { term: 2, lastIndex: 10 }));
  });
});

describe('LogMatching', () => {
  it('fails when two logs hold different data at the same index and term', () => {
    const c = new SafetyChecker();
    c.observeAppend(1, 0, [entry(1, 1), entry(2, 1, 'a')]);
    expectViolation('LogMatching', () => c.observeAppend(2, 1, [entry(2, 1, 'b')]));
  });

  it('fails when the same (index, term) follows different terms', () => {
    const c = new SafetyChecker();
    c.observeAppend(1, 1, [entry(5, 3)]);
    expectViolation('LogMatching', () => c.observeAppend(2, 2, [entry(5, 3)]));
  });

  it('accepts the same entries written twice and different terms at one index', () => {
    const c = new SafetyChecker();
    c.observeAppend(1, 0, [entry(1, 1), entry(2, 1)]);
    c.observeAppend(2, 0, [entry(1, 1), entry(2, 1)]);
    c.observeAppend(3, 1, [entry(2, 2, 'other')]);
    c.observeAppend(3, undefined, [entry(2, 1)]);
  });

  it('compares whole logs pairwise', () => {
    const c = new SafetyChecker();
    const a = [entry(1, 1), entry(2, 1, 'x'), entry(3, 2)];
    c.checkLogsMatch([
      { node: 1, entries: a },
      { node: 2, entries: [entry(1, 1), entry(2, 1, 'x'), entry(3, 3)] },
      { node: 3, entries: [entry(2, 1, 'x')] },
    ]);
    expectViolation('LogMatching', () =>
      c.checkLogsMatch([
        { node: 1, entries: a },
        { node: 2, entries: [entry(1, 1), entry(2, 1, 'y'), entry(3, 2)] },
      ]),
    );
  });
});

describe('StateMachineSafety', () => {
  it('fails when two nodes apply different commands at the same index', () => {
    const c = new SafetyChecker();
    expect(c.observeApplied(1, entry(7, 2, 'set x=1'), 111)).toBe(true);
    expect(c.observeApplied(2, entry(7, 2, 'set x=1'), 111)).toBe(false);
    expectViolation('StateMachineSafety', () => c.observeApplied(3, entry(7, 2, 'set x=2'), 222));
  });

  it('fails when the same command is applied on a different state', () => {
    const c = new SafetyChecker();
    c.observeApplied(1, entry(7, 2, 'set x=1'), 111);
    expectViolation('StateMachineSafety', () => c.observeApplied(2, entry(7, 2, 'set x=1'), 999));
  });

  it('fails when two nodes commit different terms at the same index', () => {
    const c = new SafetyChecker();
    c.observeCommitted(1, 3, 4, 3);
    c.observeCommitted(2, 4, 4, undefined);
    expectViolation('StateMachineSafety', () => c.observeCommitted(2, 4, 4, 2));
  });

  it('fails when a restored snapshot disagrees with what was applied, or was never applied', () => {
    const c = new SafetyChecker();
    c.observeApplied(1, entry(9, 2, 'c'), 42);
    c.observeRestored(2, 9, 42);
    expectViolation('StateMachineSafety', () => c.observeRestored(3, 9, 43));
    expectViolation('StateMachineSafety', () => c.observeRestored(3, 10, 42));
  });

  it('fails on a snapshot whose term disagrees with the committed entry', () => {
    const c = new SafetyChecker();
    c.observeCommitted(1, 2, 5, 2);
    expectViolation('StateMachineSafety', () => c.observeSnapshot(2, 5, 1));
  });
});

describe('LeaderCompleteness', () => {
  it('fails when a leader of a later term lacks a committed entry', () => {
    const c = new SafetyChecker();
    c.observeCommitted(1, 2, 1, 1);
    c.observeCommitted(1, 2, 2, 2);
    // n3 leads term 3 with a log that ends before index 2.
    expectViolation('LeaderCompleteness', () => c.checkLeaderLog(3, 3, 0, 1, termsOf({ 1: 1 })));
    // ... or holds another entry there.
    expectViolation('LeaderCompleteness', () => c.checkLeaderLog(3, 3, 0, 2, termsOf({ 1: 1, 2: 3 })));
  });

  it('counts entries covered by the leader snapshot as held, and ignores commits of its own term', () => {
    const c = new SafetyChecker();
    c.observeCommitted(1, 2, 1, 1);
    c.observeCommitted(1, 2, 2, 2);
    c.checkLeaderLog(3, 3, 1, 2, termsOf({ 1: 1, 2: 2 }));
    c.checkLeaderLog(3, 3, 2, 2, termsOf({ 2: 2 }));
    // An entry first seen committed in term 4 binds leaders of term 5 on, not a stale leader of 3.
    c.observeCommitted(2, 4, 3, 4);
    c.checkLeaderLog(1, 3, 0, 2, termsOf({ 1: 1, 2: 2 }));
    expectViolation('LeaderCompleteness', () => c.checkLeaderLog(1, 5, 0, 2, termsOf({ 1: 1, 2: 2 })));
  });
});

describe('Durability', () => {
  it('fails when a restarted node lost entries up to its persisted commit', () => {
    const c = new SafetyChecker();
    c.observeCommitted(1, 1, 1, 1);
    c.observeCommitted(1, 1, 2, 1);
    c.checkRestart(2, 2, 0, 2, termsOf({ 1: 1, 2: 1 }));
    expectViolation('Durability', () => c.checkRestart(2, 2, 0, 1, termsOf({ 1: 1 })));
    expectViolation('Durability', () => c.checkRestart(2, 2, 0, 2, termsOf({ 1: 1, 2: 2 })));
  });
});

describe('ReadIndexSafety', () => {
  it('fails when a read is answered below the commit index seen when it was asked', () => {
    const c = new SafetyChecker();
    c.observeCommitted(1, 1, 1, 1);
    c.observeCommitted(1, 1, 2, 1);
    c.readRequested('r1');
    c.observeReadState(1, 'r1', 2);
    expectViolation('ReadIndexSafety', () => c.observeReadState(1, 'r1', 1));
  });
});

describe('HashStateMachine', () => {
  it('round-trips through snapshot data and refuses gaps', () => {
    const a = new HashStateMachine(1);
    a.apply(entry(1, 1));
    a.apply(entry(2, 1, ''));
    const b = new HashStateMachine(2);
    b.restore(2, a.snapshotData());
    expect([b.hash, b.commandCount]).toEqual([a.hash, 1]);
    const c = new HashStateMachine(3);
    c.apply(entry(1, 1));
    c.apply(entry(2, 2, ''));
    expect(c.hash).not.toBe(a.hash);
    expectViolation('ApplyOrder', () => c.apply(entry(4, 2)));
  });
});

describe('EventQueue', () => {
  it('pops by time, then in scheduling order', () => {
    const q = new EventQueue<string>();
    q.push(5, 'c');
    q.push(1, 'a');
    q.push(5, 'd');
    q.push(1, 'b');
    q.push(0.5, 'first');
    const out: string[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.event);
    expect(out).toEqual(['first', 'a', 'b', 'c', 'd']);
  });
});

describe('SimNetwork partitions', () => {
  it('blocks the links each kind of partition cuts', () => {
    const net = new SimNetwork(new Prng(1));
    net.addPartition({ kind: 'asymmetric', senders: [1], receivers: [2] });
    expect([net.canReach(1, 2), net.canReach(2, 1)]).toEqual([false, true]);
    net.heal();
    net.addPartition({ kind: 'bridge', bridge: 3, sides: [[1], [2]] });
    expect([net.canReach(1, 2), net.canReach(1, 3), net.canReach(3, 2), net.canReach(2, 1)]).toEqual([false, true, true, false]);
    net.heal();
    net.addPartition({ kind: 'isolated', node: 2 });
    expect([net.canReach(1, 2), net.canReach(2, 3), net.canReach(1, 3)]).toEqual([false, false, true]);
    net.heal();
    net.addPartition({ kind: 'symmetric', sides: [[1, 2], [3]] });
    expect([net.canReach(1, 2), net.canReach(3, 1), net.canReach(2, 3), net.canReach(4, 3)]).toEqual([true, false, false, true]);
    expect(net.route({ type: 'MsgTimeoutNow', from: 1, to: 3, term: 1 })).toEqual({ kind: 'dropped', reason: 'partition' });
  });
});
