/**
 * The features of the consensus core beyond §5 of the Raft paper, one describe block each. The
 * paper's own rules are in raft_paper.test.ts; scripted whole-cluster traces are in testdata/.
 */
import { describe, expect, it } from 'vitest';
import type { RaftConfig } from './config.js';
import { encodeConfChange } from './confchange.js';
import type { Raft } from './raft.js';
import { Prng } from './rand.js';
import { RawNode } from './raw_node.js';
import type { Ready } from './ready.js';
import { MemoryStorage } from './storage.js';
import {
  acceptAndReply,
  app,
  appResp,
  bytes,
  byRecipient,
  commitNoopEntry,
  electLeader,
  entriesOfTerms,
  entry,
  exchange,
  heartbeat,
  heartbeatResp,
  newReplicatingLeader,
  newStorage,
  newTestRaft,
  ofType,
  persistAndApply,
  readMessages,
  snapshotAt,
  texts,
  thrownCode,
  vote,
  voteResp,
} from './testing/fixtures.js';
import { TestNetwork, type TestNetworkOptions } from './testing/network.js';
import type { ConfChange, Entry, Message, MsgApp, NodeId } from './types.js';

function proposal(data: string): Entry {
  return { term: 0, index: 0, type: 'normal', data: bytes(data) };
}

function propose(r: Raft, data: string): void {
  r.propose([proposal(data)]);
}

/** A TestNetwork of `ids` in which member 1 has been elected and the cluster is quiet. */
function networkWithLeader(ids: readonly NodeId[] = [1, 2, 3], opts: TestNetworkOptions = {}): TestNetwork {
  const net = new TestNetwork(ids, opts);
  net.campaign(1);
  expect(net.leaders()).toEqual([1]);
  return net;
}

function msgAppsTo(msgs: readonly Message[], to: NodeId): MsgApp[] {
  return ofType(msgs, 'MsgApp').filter((m) => m.to === to);
}

describe('PreVote', () => {
  it('a partitioned member does not bump its term, and rejoining does not disrupt the leader', () => {
    const net = networkWithLeader([1, 2, 3], { preVote: true });
    net.isolate(3);
    net.propose(1, 'while 3 is away');
    net.tick(3, 100);
    const r3 = net.raft(3);
    expect(r3.term).toBe(1);
    expect(r3.state).toBe('preCandidate');

    net.recover();
    // 3 keeps campaigning; the others refuse its PreVote because its log is behind, and the leader's
    // next heartbeat brings it back as a follower.
    net.tick(3, 40);
    expect(net.raft(3).term).toBe(1);
    net.tick(1);
    expect(net.leaders()).toEqual([1]);
    expect(net.raft(1).term).toBe(1);
    expect(net.raft(3).state).toBe('follower');
    expect(net.raft(3).lead).toBe(1);
    net.propose(1, 'after');
    expect(net.appliedData(3)).toEqual(['while 3 is away', 'after']);
  });

  it('without PreVote the same partition inflates the term and deposes the leader', () => {
    const net = networkWithLeader([1, 2, 3], { preVote: false });
    net.isolate(3);
    net.propose(1, 'while 3 is away');
    net.tick(3, 100);
    expect(net.raft(3).term).toBeGreaterThan(3);
    net.recover();
    // 3's next campaign carries its inflated term: the leader must step down, though 3 cannot win.
    const inflated = net.raft(3).term;
    net.tick(3, 20);
    expect(net.raft(1).state).toBe('follower');
    expect(net.raft(1).term).toBeGreaterThan(inflated);
    expect(net.raft(3).state).not.toBe('leader');
  });

  it('a PreVote does not change the voter’s term or vote, and is answered in the campaign’s term', () => {
    const r = newTestRaft(1, newStorage({ voters: [1, 2, 3], hardState: { term: 1, vote: 1, commit: 0 } }), { preVote: true });
    r.step(vote(2, 1, 2, { type: 'MsgPreVote' }));
    expect(readMessages(r)).toEqual([voteResp(1, 2, 2, { type: 'MsgPreVoteResp', reject: false })]);
    expect(r.term).toBe(1);
    expect(r.vote).toBe(1);
    // A real vote request for term 2 (not yet voted in) is granted, and takes the term.
    r.step(vote(2, 1, 2));
    expect(readMessages(r)).toEqual([voteResp(1, 2, 2, { reject: false })]);
    expect(r.term).toBe(2);
    expect(r.vote).toBe(2);
  });

  it('a pre-candidate keeps its term, then campaigns in term + 1 once a majority would vote for it', () => {
    const r = newTestRaft(1, newStorage({ voters: [1, 2, 3], hardState: { term: 4, vote: 0, commit: 0 } }), { preVote: true });
    for (let i = 0; i < 20 && r.state === 'follower'; i++) r.tick();
    expect(r.state).toBe('preCandidate');
    expect(r.term).toBe(4);
    expect(r.vote).toBe(0);
    expect(byRecipient(readMessages(r))).toEqual([2, 3].map((to) => vote(1, to, 5, { type: 'MsgPreVote' })));
    r.step(voteResp(2, 1, 5, { type: 'MsgPreVoteResp' }));
    expect(r.state).toBe('candidate');
    expect(r.term).toBe(5);
    expect(r.vote).toBe(1);
    expect(byRecipient(readMessages(r))).toEqual([2, 3].map((to) => vote(1, to, 5)));
  });

  it('a pre-candidate refused by a member of a higher term adopts that term as follower', () => {
    const r = newTestRaft(1, newStorage({ voters: [1, 2, 3] }), { preVote: true });
    for (let i = 0; i < 20 && r.state === 'follower'; i++) r.tick();
    expect(r.state).toBe('preCandidate');
    r.step(voteResp(2, 1, 7, { type: 'MsgPreVoteResp', reject: true }));
    expect(r.state).toBe('follower');
    expect(r.term).toBe(7);
  });

  it('a pre-candidate refused by a majority returns to follower without changing its term', () => {
    const r = newTestRaft(1, newStorage({ voters: [1, 2, 3], hardState: { term: 3, vote: 0, commit: 0 } }), { preVote: true });
    for (let i = 0; i < 20 && r.state === 'follower'; i++) r.tick();
    r.step(voteResp(2, 1, 3, { type: 'MsgPreVoteResp', reject: true }));
    r.step(voteResp(3, 1, 3, { type: 'MsgPreVoteResp', reject: true }));
    expect(r.state).toBe('follower');
    expect(r.term).toBe(3);
  });

  it('a member answers a PreVote from a lower term with a rejection carrying its term', () => {
    const r = newTestRaft(1, newStorage({ voters: [1, 2, 3], hardState: { term: 5, vote: 0, commit: 0 } }), { preVote: true });
    r.step(vote(2, 1, 3, { type: 'MsgPreVote' }));
    expect(readMessages(r)).toEqual([voteResp(1, 2, 5, { type: 'MsgPreVoteResp', reject: true })]);
  });
});

describe('CheckQuorum', () => {
  it('a leader that does not hear from a quorum for an election timeout steps down', () => {
    const net = networkWithLeader([1, 2, 3], { checkQuorum: true });
    net.isolate(1);
    // The followers answered during the election timeout that is running, so the first check passes;
    // the next one, a full timeout without any answer, fails.
    net.tick(1, 19);
    expect(net.raft(1).state).toBe('leader');
    net.tick(1, 1);
    expect(net.raft(1).state).toBe('follower');
    expect(net.raft(1).term).toBe(1);
    expect(net.raft(1).lead).toBe(0);
  });

  it('a leader that hears from a quorum stays leader', () => {
    const net = networkWithLeader([1, 2, 3], { checkQuorum: true });
    net.isolate(3);
    for (let i = 0; i < 50; i++) {
      net.tick(1);
      net.tick(2);
    }
    expect(net.leaders()).toEqual([1]);
    expect(net.raft(1).term).toBe(1);
  });

  it('leader lease: voters that heard from the leader recently ignore a campaign', () => {
    const net = networkWithLeader([1, 2, 3], { checkQuorum: true });
    net.campaign(3);
    expect(net.raft(3).state).toBe('candidate');
    expect(net.raft(3).term).toBe(2);
    expect(net.raft(1).state).toBe('leader');
    expect(net.raft(1).term).toBe(1);
    expect(net.raft(2).term).toBe(1);
    expect(net.raft(2).vote).toBe(1);
  });

  it('leader lease: once a voter has not heard from a leader for an election timeout, it votes again', () => {
    const net = networkWithLeader([1, 2, 3], { checkQuorum: true });
    net.isolate(1);
    net.raft(2).electionElapsed = 10;
    net.campaign(3);
    expect(net.raft(3).state).toBe('leader');
    expect(net.raft(3).term).toBe(2);
  });

  it('a stuck candidate of a higher term is freed: the leader learns its term and a new election follows', () => {
    const net = networkWithLeader([1, 2, 3], { checkQuorum: true });
    net.campaign(3); // ignored under the lease: 3 is a candidate of term 2, alone
    net.tick(1); // heartbeat: 3 answers with its higher term and the leader steps down
    expect(net.raft(1).state).toBe('follower');
    expect(net.raft(1).term).toBe(2);
    net.tickAll(40);
    const leaders = net.leaders();
    expect(leaders).toHaveLength(1);
    const lead = leaders[0] as NodeId;
    for (const id of [1, 2, 3]) {
      expect(net.raft(id).term, `member ${id}`).toBe(net.raft(lead).term);
      expect(net.raft(id).lead, `member ${id}`).toBe(lead);
    }
    expect(net.raft(lead).term).toBeGreaterThanOrEqual(2);
  });

  it('with CheckQuorum, a stale leader is told the newer term in answer to its MsgApp', () => {
    const r = newTestRaft(1, newStorage({ voters: [1, 2, 3], hardState: { term: 5, vote: 0, commit: 0 } }), { checkQuorum: true });
    r.step(app(2, 1, 3));
    expect(readMessages(r)).toEqual([appResp(1, 2, 5, 0)]);
    r.step(heartbeat(2, 1, 4));
    expect(readMessages(r)).toEqual([appResp(1, 2, 5, 0)]);
    expect(r.term).toBe(5);
  });

  it('a member just added gets one election timeout to answer before it counts against the quorum', () => {
    const r = newTestRaft(1, newStorage({ voters: [1] }), { checkQuorum: true });
    electLeader(r);
    for (let i = 0; i < 9; i++) r.tick();
    r.applyConfChange({ type: 'addNode', nodeId: 2 });
    r.tick(); // the quorum check: 2 is new, and counted as active
    expect(r.state).toBe('leader');
    for (let i = 0; i < 10; i++) r.tick(); // a whole timeout without hearing from 2
    expect(r.state).toBe('follower');
  });
});

describe('fast backtracking with term hints', () => {
  /**
   * Leader 1 holds `leaderTerms`, follower 2 holds `followerTerms`; 1 wins the next term with the
   * vote of 3 (which takes no further part). Returns the number of MsgApps 2 rejected and the
   * number of MsgApps sent to it before its log matched.
   */
  function repair(leaderTerms: number[], followerTerms: number[]): { rejections: number; appends: number; lead: Raft; follower: Raft } {
    const top = Math.max(...leaderTerms, ...followerTerms);
    const lead = newTestRaft(1, newStorage({ voters: [1, 2, 3], entries: entriesOfTerms(1, leaderTerms), hardState: { term: top, vote: 0, commit: 0 } }));
    const follower = newTestRaft(2, newStorage({ voters: [1, 2, 3], entries: entriesOfTerms(1, followerTerms), hardState: { term: top, vote: 0, commit: 0 } }));
    lead.hup('election');
    readMessages(lead);
    lead.step(voteResp(3, 1, lead.term));
    expect(lead.state).toBe('leader');
    let rejections = 0;
    let appends = 0;
    for (let round = 0; round < 1000; round++) {
      const toFollower = readMessages(lead).filter((m) => m.to === 2);
      if (toFollower.length === 0) break;
      appends += toFollower.filter((m) => m.type === 'MsgApp').length;
      for (const m of toFollower) follower.step(m);
      const answers = readMessages(follower);
      rejections += ofType(answers, 'MsgAppResp').filter((m) => m.reject).length;
      for (const m of answers) lead.step(m);
    }
    return { rejections, appends, lead, follower };
  }

  const repeat = (term: number, n: number): number[] => new Array<number>(n).fill(term);

  it('skips a whole term per round trip over a long divergent suffix', () => {
    // Common prefix of 5 entries; then the leader has 100 entries of terms 4 and 6, the follower 100
    // conflicting entries of terms 2, 3 and 5.
    const { rejections, appends, lead, follower } = repair(
      [...repeat(1, 5), ...repeat(4, 50), ...repeat(6, 50)],
      [...repeat(1, 5), ...repeat(2, 30), ...repeat(3, 30), ...repeat(5, 40)],
    );
    expect(rejections).toBe(2);
    expect(appends).toBeLessThanOrEqual(4);
    expect(follower.raftLog.allEntries().map((e) => e.term)).toEqual(lead.raftLog.allEntries().map((e) => e.term));
    expect(follower.raftLog.lastIndex()).toBe(106);
  });

  it('jumps straight to the end of a short follower log', () => {
    const { rejections, follower, lead } = repair([...repeat(1, 5), ...repeat(2, 100)], repeat(1, 5));
    expect(rejections).toBe(1);
    expect(follower.raftLog.lastIndex()).toBe(lead.raftLog.lastIndex());
  });

  it('handles a follower whose divergent log is longer than the leader’s', () => {
    const { rejections, follower, lead } = repair([...repeat(1, 3), ...repeat(3, 10)], [...repeat(1, 3), ...repeat(2, 200)]);
    expect(rejections).toBe(1);
    expect(follower.raftLog.allEntries().map((e) => e.term)).toEqual(lead.raftLog.allEntries().map((e) => e.term));
  });

  it('the leader uses the hint to skip its own mismatching term', () => {
    // Follower rejected a probe at 10/4 and says: my last index <= 10 with term <= 4 is 6, of term 2.
    const s = newStorage({ voters: [1, 2], entries: entriesOfTerms(1, [1, 1, 1, 4, 4, 4, 4, 4, 4, 4]), hardState: { term: 4, vote: 0, commit: 0 } });
    const r = newTestRaft(1, s);
    electLeader(r);
    readMessages(r);
    const pr = r.trk.progress.get(2);
    expect(pr?.next).toBe(11);
    r.step(appResp(2, 1, 5, 10, { reject: true, rejectHint: 6, logTerm: 2 }));
    // The leader's last entry of term <= 2 at or before 6 is 3 (term 1): probe after it.
    expect(pr?.next).toBe(4);
    expect(msgAppsTo(readMessages(r), 2).map((m) => [m.index, m.logTerm])).toEqual([[3, 1]]);
  });
});

describe('pipelining and flow control', () => {
  /** A leader of 1, 2, 3 whose followers are in replicate state, one entry per MsgApp. */
  function replicatingLeader(opts: { maxInflightMsgs?: number; maxSizePerMsgBytes?: number; maxInflightBytes?: number } = {}): { r: Raft } {
    const { r } = newReplicatingLeader([1, 2, 3], { maxSizePerMsgBytes: 1, ...opts });
    expect(r.trk.progress.get(2)?.state).toBe('replicate');
    return { r };
  }

  it('in replicate state, streams entries without waiting for acknowledgements', () => {
    const { r } = replicatingLeader();
    for (let i = 0; i < 5; i++) propose(r, `p${i}`);
    const apps = msgAppsTo(readMessages(r), 2);
    expect(apps.map((m) => m.entries.map((e) => e.index))).toEqual([[2], [3], [4], [5], [6]]);
  });

  it('respects maxInflightMsgs, and acknowledgements free the window', () => {
    const { r } = replicatingLeader({ maxInflightMsgs: 3 });
    for (let i = 0; i < 6; i++) propose(r, `p${i}`);
    const pr = r.trk.progress.get(2);
    let apps = msgAppsTo(readMessages(r), 2);
    const withEntries = apps.filter((m) => m.entries.length > 0);
    expect(withEntries.map((m) => m.entries[0]?.index)).toEqual([2, 3, 4]);
    // With the window full, at most one empty probe (to detect a lost window) goes out.
    expect(apps.length - withEntries.length).toBeLessThanOrEqual(1);
    expect(pr?.inflights.countMsgs()).toBe(3);
    expect(pr?.inflights.full()).toBe(true);

    // An acknowledgement of 3 frees two slots: entries 5 and 6 go out.
    r.step(appResp(2, 1, 1, 3));
    apps = msgAppsTo(readMessages(r), 2);
    expect(apps.filter((m) => m.entries.length > 0).map((m) => m.entries[0]?.index)).toEqual([5, 6]);
    expect(pr?.inflights.countMsgs()).toBe(3);
    r.step(appResp(2, 1, 1, 7));
    expect(pr?.inflights.countMsgs()).toBe(0);
    expect(msgAppsTo(readMessages(r), 2).filter((m) => m.entries.length > 0)).toEqual([]);
  });

  it('respects maxInflightBytes', () => {
    const { r } = replicatingLeader({ maxSizePerMsgBytes: 4, maxInflightBytes: 8 });
    for (let i = 0; i < 4; i++) propose(r, 'abcd');
    const apps = msgAppsTo(readMessages(r), 2).filter((m) => m.entries.length > 0);
    expect(apps.map((m) => m.entries.length)).toEqual([1, 1]);
    expect(r.trk.progress.get(2)?.inflights.countBytes()).toBe(8);
  });

  it('in probe state, sends one MsgApp and waits for its answer', () => {
    const r = newTestRaft(1, newStorage({ voters: [1, 2, 3] }));
    electLeader(r);
    expect(msgAppsTo(readMessages(r), 2)).toHaveLength(1);
    for (let i = 0; i < 3; i++) propose(r, `p${i}`);
    expect(msgAppsTo(readMessages(r), 2)).toHaveLength(0);
    expect(r.trk.progress.get(2)?.state).toBe('probe');
    // A heartbeat response lets one more probe through (the previous one may have been lost).
    r.step(heartbeatResp(2, 1, 1));
    const probes = msgAppsTo(readMessages(r), 2);
    expect(probes).toHaveLength(1);
    propose(r, 'p3');
    expect(msgAppsTo(readMessages(r), 2)).toHaveLength(0);
    // The answer moves 2 to replicate state and streams the rest.
    r.step(acceptAndReply(probes[0] as MsgApp));
    expect(r.trk.progress.get(2)?.state).toBe('replicate');
  });

  it('a follower still being probed is skipped by broadcasts until it answers', () => {
    const r = newTestRaft(1, newStorage({ voters: [1, 2, 3] }));
    electLeader(r);
    readMessages(r);
    r.step(appResp(2, 1, 1, 1)); // 2 acknowledges the empty entry: it commits
    expect(r.raftLog.committed).toBe(1);
    expect(byRecipient(readMessages(r)).map((m) => [m.type, m.to])).toEqual([['MsgApp', 2]]);
    propose(r, 'x');
    expect(readMessages(r).map((m) => m.to)).toEqual([2]);
    r.step(appResp(3, 1, 1, 1)); // 3 answers its probe: it gets the new entry at once
    const toThree = msgAppsTo(readMessages(r), 3);
    expect(toThree.map((m) => [m.index, m.commit, m.entries.map((e) => e.index)])).toEqual([[1, 1, [2]]]);
  });

  it('a rejection in replicate state falls back to probing', () => {
    const { r } = replicatingLeader();
    for (let i = 0; i < 3; i++) propose(r, `p${i}`);
    readMessages(r);
    r.step(appResp(2, 1, 1, 3, { reject: true, rejectHint: 1, logTerm: 1 }));
    const pr = r.trk.progress.get(2);
    expect(pr?.state).toBe('probe');
    expect(msgAppsTo(readMessages(r), 2).map((m) => m.index)).toEqual([1]);
    expect(pr?.msgAppFlowPaused).toBe(true);
  });

  it('reportUnreachable moves a replicating follower back to probe', () => {
    const { r } = replicatingLeader();
    r.reportUnreachable(2);
    expect(r.trk.progress.get(2)?.state).toBe('probe');
    expect(r.trk.progress.get(3)?.state).toBe('replicate');
  });
});

describe('uncommitted entries limit', () => {
  it('refuses proposals beyond maxUncommittedEntriesBytes until entries are applied', () => {
    const s = newStorage({ voters: [1, 2] });
    const node = new RawNode({ id: 1, storage: s, electionTick: 10, heartbeatTick: 1, rng: new Prng(1), preVote: false, maxUncommittedEntriesBytes: 10 });
    node.campaign();
    node.step(voteResp(2, 1, 1));
    // A first proposal is always accepted, even one larger than the limit.
    node.propose(bytes('0123456789AB'));
    expect(thrownCode(() => node.propose(bytes('x')))).toBe('RAFT_PROPOSAL_DROPPED');
    // Once it commits and is applied, the budget is free again.
    const applied: number[] = [];
    while (node.hasReady()) {
      const rd = node.ready();
      s.append(rd.entries);
      applied.push(...rd.committedEntries.map((e) => e.data.length));
      node.advance(rd);
      for (const m of msgAppsTo(rd.messages, 2)) node.step(acceptAndReply(m));
    }
    expect(applied).toEqual([0, 12]);
    node.propose(bytes('01234'));
    node.propose(bytes('56789'));
    expect(thrownCode(() => node.propose(bytes('x')))).toBe('RAFT_PROPOSAL_DROPPED');
  });
});

describe('batching', () => {
  it('proposals made while a follower is probed go out in one MsgApp', () => {
    const r = newTestRaft(1, newStorage({ voters: [1, 2] }));
    electLeader(r);
    const [probe] = msgAppsTo(readMessages(r), 2);
    for (let i = 0; i < 5; i++) propose(r, `p${i}`);
    r.step(acceptAndReply(probe as MsgApp));
    const apps = msgAppsTo(readMessages(r), 2).filter((m) => m.entries.length > 0);
    expect(apps.map((m) => m.entries.map((e) => e.index))).toEqual([[2, 3, 4, 5, 6]]);
  });

  it('a batch proposal is appended and sent as one', () => {
    const s = newStorage({ voters: [1, 2] });
    const node = new RawNode({ id: 1, storage: s, electionTick: 10, heartbeatTick: 1, rng: new Prng(1), preVote: false });
    node.campaign();
    node.step(voteResp(2, 1, 1));
    let rd = node.ready();
    s.append(rd.entries);
    node.advance(rd);
    const probe = msgAppsTo(rd.messages, 2)[0] as MsgApp;
    node.step(acceptAndReply(probe));
    rd = node.ready();
    node.advance(rd);
    node.proposeBatch([bytes('a'), bytes('b'), bytes('c')]);
    rd = node.ready();
    expect(rd.entries.map((e) => e.index)).toEqual([2, 3, 4]);
    expect(msgAppsTo(rd.messages, 2).map((m) => m.entries.length)).toEqual([3]);
  });

  it('maxSizePerMsgBytes splits a backlog, but a large entry still goes alone', () => {
    const r = newTestRaft(1, newStorage({ voters: [1, 2] }), { maxSizePerMsgBytes: 10 });
    electLeader(r);
    const [probe] = msgAppsTo(readMessages(r), 2);
    for (let i = 0; i < 5; i++) propose(r, 'abcd');
    propose(r, 'this entry is larger than ten bytes');
    propose(r, 'abcd');
    r.step(acceptAndReply(probe as MsgApp));
    const apps = msgAppsTo(readMessages(r), 2).filter((m) => m.entries.length > 0);
    expect(apps.map((m) => m.entries.map((e) => e.data.length))).toEqual([[4, 4], [4, 4], [4], [35], [4]]);
    for (const m of apps) {
      const size = m.entries.reduce((n, e) => n + e.data.length, 0);
      expect(m.entries.length === 1 || size <= 10).toBe(true);
    }
  });
});

describe('ReadIndex', () => {
  const ctx = (s: string): Uint8Array => bytes(s);

  it('on the leader: answers with the commit index after a heartbeat round, without writing to the log', () => {
    const net = networkWithLeader();
    net.propose(1, 'x');
    const last = net.raft(1).raftLog.lastIndex();
    net.member(1).node.readIndex(ctx('r1'));
    net.stabilize();
    expect(net.member(1).readStates).toEqual([{ index: 2, context: ctx('r1') }]);
    expect(net.raft(1).raftLog.lastIndex()).toBe(last);
  });

  it('on a follower: forwarded to the leader, answered with the leader’s commit index', () => {
    const net = networkWithLeader();
    net.propose(1, 'x');
    net.propose(1, 'y');
    net.member(2).node.readIndex(ctx('r2'));
    net.stabilize();
    expect(net.member(2).readStates).toEqual([{ index: 3, context: ctx('r2') }]);
    expect(net.member(1).readStates).toEqual([]);
    expect(net.raft(2).raftLog.lastIndex()).toBe(3);
  });

  it('on a learner: forwarded like on a follower; the learner does not count for the quorum', () => {
    const net = networkWithLeader([1, 2, 3, 4], { learners: [4] });
    net.propose(1, 'x');
    net.member(4).node.readIndex(ctx('r4'));
    net.stabilize();
    expect(net.member(4).readStates).toEqual([{ index: 2, context: ctx('r4') }]);
    net.isolate(2);
    net.isolate(3);
    net.member(4).node.readIndex(ctx('no quorum'));
    net.stabilize();
    expect(net.member(4).readStates).toHaveLength(1);
  });

  it('is not answered without a quorum of heartbeat acknowledgements', () => {
    const net = networkWithLeader();
    net.isolate(1);
    net.member(1).node.readIndex(ctx('lost'));
    net.stabilize();
    expect(net.member(1).readStates).toEqual([]);
  });

  it('waits until the leader has committed an entry of its own term', () => {
    const r = newTestRaft(1, newStorage({ voters: [1, 2, 3], entries: entriesOfTerms(1, [1, 1]), hardState: { term: 1, vote: 0, commit: 1 } }));
    electLeader(r);
    const probes = readMessages(r);
    r.readIndex(ctx('early'));
    expect(readMessages(r)).toEqual([]);
    expect(r.readStates).toEqual([]);
    // The empty entry of term 2 commits; the read goes out with a heartbeat round.
    const toTwo = msgAppsTo(probes, 2)[0] as MsgApp;
    r.step(acceptAndReply(toTwo));
    const beats = ofType(readMessages(r), 'MsgHeartbeat');
    expect(beats.map((m) => [m.to, m.context === undefined ? '' : new TextDecoder().decode(m.context)])).toEqual([
      [2, 'early'],
      [3, 'early'],
    ]);
    r.step(heartbeatResp(2, 1, 2, ctx('early')));
    expect(r.readStates).toEqual([{ index: 3, context: ctx('early') }]);
  });

  it('answers at once on a single-voter leader', () => {
    const r = newTestRaft(1, newStorage({ voters: [1] }));
    electLeader(r);
    readMessages(r);
    r.readIndex(ctx('solo'));
    expect(r.readStates).toEqual([{ index: 1, context: ctx('solo') }]);
    expect(readMessages(r)).toEqual([]);
  });

  it('answers every earlier pending request when a later one is confirmed', () => {
    const s = newStorage({ voters: [1, 2, 3] });
    const r = newTestRaft(1, s);
    electLeader(r);
    commitNoopEntry(r, s);
    r.readIndex(ctx('a'));
    r.readIndex(ctx('b'));
    readMessages(r);
    r.step(heartbeatResp(2, 1, 1, ctx('b')));
    expect(r.readStates.map((rs) => new TextDecoder().decode(rs.context))).toEqual(['a', 'b']);
  });

  it('throws NO_LEADER when no leader is known', () => {
    const follower = newTestRaft(1, newStorage({ voters: [1, 2, 3] }));
    expect(thrownCode(() => follower.readIndex(ctx('x')))).toBe('RAFT_NO_LEADER');
    const candidate = newTestRaft(1, newStorage({ voters: [1, 2, 3] }));
    candidate.hup('election');
    expect(thrownCode(() => candidate.readIndex(ctx('x')))).toBe('RAFT_NO_LEADER');
  });
});

describe('leadership transfer', () => {
  it('to an up-to-date follower: MsgTimeoutNow at once, and it wins the next term', () => {
    const net = networkWithLeader();
    net.member(1).node.transferLeadership(2);
    expect(net.raft(1).msgs).toEqual([{ type: 'MsgTimeoutNow', from: 1, to: 2, term: 1 }]);
    net.stabilize();
    expect(net.leaders()).toEqual([2]);
    expect(net.raft(2).term).toBe(2);
    expect(net.raft(1).state).toBe('follower');
    expect(net.raft(1).lead).toBe(2);
  });

  it('to a lagging follower: it catches up first', () => {
    const net = networkWithLeader();
    net.isolate(3);
    net.propose(1, 'a');
    net.propose(1, 'b');
    net.recover();
    const before = net.delivered.length;
    net.member(1).node.transferLeadership(3);
    net.stabilize();
    const trace = net.delivered.slice(before).filter((m) => m.to === 3).map((m) => m.type);
    expect(trace.indexOf('MsgApp')).toBeGreaterThanOrEqual(0);
    expect(trace.indexOf('MsgApp')).toBeLessThan(trace.indexOf('MsgTimeoutNow'));
    expect(net.leaders()).toEqual([3]);
    expect(net.appliedData(3)).toEqual(['a', 'b']);
  });

  it('works under CheckQuorum: the transfer overrides the voters’ leader lease', () => {
    const net = networkWithLeader([1, 2, 3], { checkQuorum: true, preVote: true });
    net.member(1).node.transferLeadership(2);
    net.stabilize();
    expect(net.leaders()).toEqual([2]);
  });

  it('drops proposals while a transfer is pending', () => {
    const net = networkWithLeader();
    net.isolate(3);
    net.propose(1, 'a');
    net.member(1).node.transferLeadership(3);
    expect(net.raft(1).leadTransferee).toBe(3);
    expect(thrownCode(() => net.member(1).node.propose(bytes('b')))).toBe('RAFT_PROPOSAL_DROPPED');
  });

  it('is abandoned after an election timeout, and proposals are accepted again', () => {
    const net = networkWithLeader();
    net.isolate(3);
    net.propose(1, 'a');
    net.member(1).node.transferLeadership(3);
    net.tick(1, 9);
    expect(net.raft(1).leadTransferee).toBe(3);
    net.tick(1, 1);
    expect(net.raft(1).leadTransferee).toBe(0);
    expect(net.raft(1).state).toBe('leader');
    net.propose(1, 'b');
    expect(net.appliedData(1)).toEqual(['a', 'b']);
  });

  for (const [name, target, voters, learners] of [
    ['itself', 1, [1, 2, 3], []],
    ['a learner', 4, [1, 2, 3], [4]],
    ['a non-member', 9, [1, 2, 3], []],
  ] as const) {
    it(`to ${name} is ignored`, () => {
      const r = newTestRaft(1, newStorage({ voters, learners }));
      electLeader(r);
      readMessages(r);
      r.transferLeadership(target);
      expect(r.leadTransferee).toBe(0);
      expect(readMessages(r)).toEqual([]);
      propose(r, 'still accepted');
    });
  }

  it('a transfer to the member already pending is not restarted; another target replaces it', () => {
    const net = networkWithLeader();
    net.isolate(2);
    net.isolate(3);
    net.propose(1, 'a');
    net.member(1).node.transferLeadership(3);
    net.tick(1, 5);
    net.member(1).node.transferLeadership(3);
    net.tick(1, 5);
    expect(net.raft(1).leadTransferee).toBe(0);
    net.member(1).node.transferLeadership(3);
    net.member(1).node.transferLeadership(2);
    expect(net.raft(1).leadTransferee).toBe(2);
  });

  it('a follower forwards the request to its leader', () => {
    const net = networkWithLeader();
    net.member(2).node.transferLeadership(2);
    expect(net.raft(2).msgs).toEqual([{ type: 'MsgTransferLeader', from: 2, to: 1, term: 1, transferee: 2 }]);
    net.stabilize();
    expect(net.leaders()).toEqual([2]);
  });

  it('removing the transferee aborts the transfer', () => {
    const net = networkWithLeader();
    net.isolate(3);
    net.member(1).node.transferLeadership(3);
    expect(net.raft(1).leadTransferee).toBe(3);
    // The removal cannot be proposed during the transfer; apply it as a committed change would be.
    net.member(1).node.applyConfChange({ type: 'removeNode', nodeId: 3 });
    expect(net.raft(1).leadTransferee).toBe(0);
    expect(net.raft(1).state).toBe('leader');
  });

  it('a vote request of a higher term ends a pending transfer', () => {
    const r = newTestRaft(1, newStorage({ voters: [1, 2, 3] }));
    electLeader(r);
    readMessages(r);
    r.transferLeadership(3);
    expect(r.leadTransferee).toBe(3);
    r.step(vote(2, 1, 2, { index: 1, logTerm: 1 }));
    expect(r.state).toBe('follower');
    expect(r.leadTransferee).toBe(0);
    expect(r.term).toBe(2);
  });

  it('to a follower that needs a snapshot: MsgTimeoutNow follows its acknowledgement of the snapshot', () => {
    const net = networkWithLeader();
    net.isolate(3);
    net.propose(1, 'a');
    const leader = net.member(1);
    const applied = leader.node.raft.raftLog.applied;
    leader.storage.createSnapshot(applied, leader.node.raft.trk.confState(), bytes(''));
    leader.storage.compact(applied);
    net.recover();
    net.tick(1); // heartbeat round: 3 answers, and gets the snapshot
    expect(net.raft(3).raftLog.committed).toBe(applied);
    const before = net.delivered.length;
    net.member(1).node.transferLeadership(3);
    net.stabilize();
    expect(net.delivered.slice(before).some((m) => m.type === 'MsgTimeoutNow' && m.to === 3)).toBe(true);
    expect(net.leaders()).toEqual([3]);
  });

  it('a member that is not a voter ignores MsgTimeoutNow', () => {
    const learner = newTestRaft(4, newStorage({ voters: [1, 2, 3], learners: [4] }));
    learner.becomeFollower(1, 1);
    learner.step({ type: 'MsgTimeoutNow', from: 1, to: 4, term: 1 });
    expect(learner.state).toBe('follower');
    expect(learner.term).toBe(1);
    const stranger = newTestRaft(5, newStorage({ voters: [1, 2, 3] }));
    stranger.step({ type: 'MsgTimeoutNow', from: 1, to: 5, term: 1 });
    expect(stranger.state).toBe('follower');
    expect(readMessages(stranger)).toEqual([]);
  });
});

describe('membership', () => {
  function proposeConfChange(net: TestNetwork, id: NodeId, cc: ConfChange): void {
    net.member(id).node.proposeConfChange(cc);
    net.stabilize();
  }

  /**
   * Adds a member with an empty log that starts from the current membership (which does not include
   * it yet), as a member joining a running cluster is told the existing members.
   */
  function addJoiningMember(net: TestNetwork, id: NodeId): void {
    net.addMember(id, MemoryStorage.withConfState(net.raft(1).trk.confState()));
  }

  /**
   * Proposes `data` on leader 1 while `away` are cut off and checks that it does not commit
   * (`whileCut` may check more), then heals the network and lets it commit.
   */
  function expectNoCommitWithout(net: TestNetwork, away: readonly NodeId[], data: string, whileCut?: () => void): void {
    for (const id of away) net.isolate(id);
    const commit = net.raft(1).raftLog.committed;
    net.propose(1, data);
    expect(net.raft(1).raftLog.committed).toBe(commit);
    whileCut?.();
    net.recover();
    net.tick(1);
  }

  it('adds a voter: it catches up, learns the configuration, and counts for the quorum', () => {
    const net = networkWithLeader();
    net.propose(1, 'a');
    addJoiningMember(net, 4);
    proposeConfChange(net, 1, { type: 'addNode', nodeId: 4 });
    for (const id of [1, 2, 3, 4]) expect(net.raft(id).voters(), `member ${id}`).toEqual([1, 2, 3, 4]);
    expect(net.appliedData(4)).toEqual(['a']);
    // Four voters: a quorum is three. With 3 and 4 away, nothing commits.
    expectNoCommitWithout(net, [3, 4], 'b');
    expect(net.appliedData(4)).toEqual(['a', 'b']);
  });

  it('adds a learner that receives the log but never counts for the quorum, then promotes it', () => {
    const net = networkWithLeader();
    addJoiningMember(net, 4);
    proposeConfChange(net, 1, { type: 'addLearner', nodeId: 4 });
    expect(net.raft(1).learners()).toEqual([4]);
    expect(net.raft(4).learners()).toEqual([4]);
    net.propose(1, 'a');
    expect(net.appliedData(4)).toEqual(['a']);
    // Only 1 and the learner are reachable: no quorum of voters, though the learner has the entry.
    expectNoCommitWithout(net, [2, 3], 'b', () => {
      expect(net.raft(1).trk.progress.get(4)?.match).toBe(net.raft(1).raftLog.lastIndex());
    });
    proposeConfChange(net, 1, { type: 'addNode', nodeId: 4 });
    expect(net.raft(4).voters()).toEqual([1, 2, 3, 4]);
    expect(net.raft(4).learners()).toEqual([]);
  });

  it('a learner never campaigns', () => {
    const net = networkWithLeader([1, 2, 3], { learners: [3] });
    net.isolate(3);
    net.tick(3, 100);
    net.member(3).node.campaign();
    expect(net.raft(3).state).toBe('follower');
    expect(net.raft(3).term).toBe(1);
    expect(net.raft(3).msgs).toEqual([]);
  });

  it('removes a voter: the quorum shrinks', () => {
    const net = networkWithLeader();
    proposeConfChange(net, 1, { type: 'removeNode', nodeId: 3 });
    expect(net.raft(1).voters()).toEqual([1, 2]);
    expect(net.raft(1).trk.progress.has(3)).toBe(false);
    net.isolate(3);
    net.propose(1, 'a');
    expect(net.appliedData(2)).toEqual(['a']);
    // The removed member cannot campaign either.
    expect(net.raft(3).promotable()).toBe(false);
  });

  it('removing the leader makes it step down; the others elect a new leader', () => {
    const net = networkWithLeader();
    proposeConfChange(net, 1, { type: 'removeNode', nodeId: 1 });
    expect(net.raft(1).state).toBe('follower');
    expect(net.raft(2).voters()).toEqual([2, 3]);
    net.tickAll(30);
    expect(net.leaders()).toHaveLength(1);
    expect(net.leaders()[0]).not.toBe(1);
  });

  it('an entry waiting for a removed member commits once the removal shrinks the quorum', () => {
    const s = newStorage({ voters: [1, 2] });
    const r = newTestRaft(1, s);
    electLeader(r);
    commitNoopEntry(r, s);
    r.proposeConfChange({ type: 'removeNode', nodeId: 2 });
    const ccIndex = r.raftLog.lastIndex();
    propose(r, 'hello');
    readMessages(r);
    // 2 acknowledges the removal only: it commits, but 'hello' still needs 2.
    r.step(appResp(2, 1, 1, ccIndex));
    expect(r.raftLog.committed).toBe(ccIndex);
    persistAndApply(r, s);
    r.applyConfChange({ type: 'removeNode', nodeId: 2 });
    expect(r.raftLog.committed).toBe(ccIndex + 1);
    expect(texts(r.raftLog.nextCommittedEnts(Infinity))).toEqual(['hello']);
  });

  it('refuses a second change while one is pending', () => {
    const net = networkWithLeader();
    net.member(1).node.proposeConfChange({ type: 'addLearner', nodeId: 4 });
    expect(thrownCode(() => net.member(1).node.proposeConfChange({ type: 'addLearner', nodeId: 5 }))).toBe('RAFT_CONF_CHANGE_PENDING');
    net.stabilize();
    net.member(1).node.proposeConfChange({ type: 'addLearner', nodeId: 5 });
    net.stabilize();
    expect(net.raft(1).learners()).toEqual([4, 5]);
  });

  it('refuses two changes in one batch', () => {
    const net = networkWithLeader();
    const cc = (nodeId: NodeId): Entry => ({ term: 0, index: 0, type: 'confChange', data: encodeConfChange({ type: 'addLearner', nodeId }) });
    expect(thrownCode(() => net.raft(1).propose([cc(4), cc(5)]))).toBe('RAFT_CONF_CHANGE_PENDING');
  });

  it('a new leader refuses a change until what it inherited is applied', () => {
    // Entries 1 and 2 are uncommitted and might hold a membership change.
    const s = newStorage({ voters: [1, 2, 3], entries: entriesOfTerms(1, [1, 1]), hardState: { term: 1, vote: 0, commit: 0 } });
    const r = newTestRaft(1, s);
    electLeader(r);
    expect(thrownCode(() => r.proposeConfChange({ type: 'addLearner', nodeId: 4 }))).toBe('RAFT_CONF_CHANGE_PENDING');
    commitNoopEntry(r, s);
    r.proposeConfChange({ type: 'addLearner', nodeId: 4 });
    expect(r.raftLog.allEntries().at(-1)?.type).toBe('confChange');
  });

  for (const [name, cc] of [
    ['removing a non-member', { type: 'removeNode', nodeId: 9 }],
    ['adding an existing voter', { type: 'addNode', nodeId: 2 }],
    ['node id 0', { type: 'addNode', nodeId: 0 }],
  ] as const) {
    it(`refuses an invalid change: ${name}`, () => {
      const net = networkWithLeader();
      net.propose(1, 'settle');
      expect(thrownCode(() => net.member(1).node.proposeConfChange(cc))).toBe('RAFT_CONF_CHANGE_INVALID');
    });
  }

  it('a member with committed but unapplied conf changes does not campaign', () => {
    const ccEntry: Entry = { index: 1, term: 1, type: 'confChange', data: encodeConfChange({ type: 'addNode', nodeId: 4 }) };
    const s = newStorage({ voters: [1, 2, 3], entries: [ccEntry], hardState: { term: 1, vote: 0, commit: 1 } });
    const r = newTestRaft(1, s);
    r.hup('election');
    expect(r.state).toBe('follower');
    expect(r.term).toBe(1);
    r.raftLog.appliedTo(1);
    r.applyConfChange({ type: 'addNode', nodeId: 4 });
    r.hup('election');
    expect(r.state).toBe('candidate');
    expect(r.term).toBe(2);
  });
});

describe('snapshots', () => {
  it('a leader sends a snapshot to a follower behind its compacted log; the follower restores it', () => {
    const net = networkWithLeader();
    net.isolate(3);
    for (const d of ['a', 'b', 'c']) net.propose(1, d);
    const leader = net.member(1);
    const applied = leader.node.raft.raftLog.applied;
    expect(applied).toBe(4);
    leader.storage.createSnapshot(applied, leader.node.raft.trk.confState(), bytes('state@4'));
    leader.storage.compact(applied);
    net.recover();
    const before = net.delivered.length;
    net.tick(1);
    const snaps = ofType(net.delivered.slice(before), 'MsgSnap');
    expect(snaps.map((m) => [m.to, m.snapshot.metadata.index])).toEqual([[3, 4]]);
    const r3 = net.raft(3);
    expect(net.member(3).storage.snapshot().metadata.index).toBe(4);
    expect(new TextDecoder().decode(net.member(3).storage.snapshot().data)).toBe('state@4');
    expect(r3.raftLog.committed).toBe(4);
    expect(r3.raftLog.applied).toBe(4);
    expect(net.raft(1).trk.progress.get(3)?.state).toBe('replicate');
    net.propose(1, 'd');
    expect(net.appliedData(3)).toEqual(['d']);
    expect(r3.raftLog.lastIndex()).toBe(5);
  });

  /** A leader of term 2 whose log is compacted up to 10, having just sent MsgSnap to follower 2. */
  function leaderSendingSnapshot(): Raft {
    const s = newStorage({ voters: [1, 2, 3], snapshot: { index: 10, term: 1 }, entries: entriesOfTerms(11, [1, 1]), hardState: { term: 1, vote: 0, commit: 12 } });
    const r = newTestRaft(1, s);
    electLeader(r);
    const probe = msgAppsTo(readMessages(r), 2)[0] as MsgApp;
    expect(probe.index).toBe(12);
    // 2 has an empty log: it rejects with hint 0, and the leader has compacted what 2 needs.
    r.step(appResp(2, 1, 2, 12, { reject: true, rejectHint: 0, logTerm: 0 }));
    const snaps = ofType(readMessages(r), 'MsgSnap');
    expect(snaps.map((m) => [m.to, m.snapshot.metadata.index, m.snapshot.metadata.term])).toEqual([[2, 10, 1]]);
    expect(r.trk.progress.get(2)).toMatchObject({ state: 'snapshot', pendingSnapshot: 10 });
    return r;
  }

  it('sends nothing more while the snapshot is in flight', () => {
    const r = leaderSendingSnapshot();
    propose(r, 'x');
    r.step(heartbeatResp(2, 1, 2));
    expect(msgAppsTo(readMessages(r), 2)).toEqual([]);
  });

  it('reportSnapshot(ok) resumes probing after the snapshot', () => {
    const r = leaderSendingSnapshot();
    r.reportSnapshot(2, true);
    expect(r.trk.progress.get(2)).toMatchObject({ state: 'probe', next: 11, msgAppFlowPaused: true });
    r.step(heartbeatResp(2, 1, 2));
    expect(msgAppsTo(readMessages(r), 2).map((m) => m.index)).toEqual([10]);
  });

  it('reportSnapshot(fail) resumes probing from match + 1 (and will send the snapshot again)', () => {
    const r = leaderSendingSnapshot();
    r.reportSnapshot(2, false);
    expect(r.trk.progress.get(2)).toMatchObject({ state: 'probe', next: 1, pendingSnapshot: 0, msgAppFlowPaused: true });
    r.step(heartbeatResp(2, 1, 2));
    expect(ofType(readMessages(r), 'MsgSnap').map((m) => m.to)).toEqual([2]);
  });

  it('the follower’s acknowledgement of the snapshot moves it to replicate', () => {
    const r = leaderSendingSnapshot();
    r.step(appResp(2, 1, 2, 10));
    expect(r.trk.progress.get(2)).toMatchObject({ state: 'replicate', match: 10 });
    expect(msgAppsTo(readMessages(r), 2).map((m) => [m.index, m.entries.map((e) => e.index)])).toEqual([[10, [11, 12, 13]]]);
  });

  it('a follower restores a snapshot: log, commit and membership', () => {
    const r = newTestRaft(2, newStorage({ voters: [1, 2, 3], entries: entriesOfTerms(1, [1, 1]), hardState: { term: 1, vote: 0, commit: 1 } }));
    r.step({ type: 'MsgSnap', from: 1, to: 2, term: 2, snapshot: snapshotAt(10, 2, [1, 2, 3], [4]) });
    expect(readMessages(r)).toEqual([appResp(2, 1, 2, 10)]);
    expect(r.raftLog.committed).toBe(10);
    expect(r.raftLog.lastIndex()).toBe(10);
    expect(r.raftLog.firstIndex()).toBe(11);
    expect(r.raftLog.hasPendingSnapshot()).toBe(true);
    expect(r.learners()).toEqual([4]);
    expect(r.lead).toBe(1);
  });

  it('a follower ignores a snapshot at or below its commit index', () => {
    const r = newTestRaft(2, newStorage({ voters: [1, 2, 3], entries: entriesOfTerms(1, [1, 1, 1]), hardState: { term: 1, vote: 0, commit: 3 } }));
    r.step({ type: 'MsgSnap', from: 1, to: 2, term: 1, snapshot: snapshotAt(2, 1, [1, 2, 3]) });
    expect(readMessages(r)).toEqual([appResp(2, 1, 1, 3)]);
    expect(r.raftLog.hasPendingSnapshot()).toBe(false);
    expect(r.raftLog.lastIndex()).toBe(3);
  });

  it('a follower that holds the snapshot’s last entry only moves its commit index', () => {
    const r = newTestRaft(2, newStorage({ voters: [1, 2, 3], entries: entriesOfTerms(1, [1, 1, 1, 1]), hardState: { term: 1, vote: 0, commit: 1 } }));
    r.step({ type: 'MsgSnap', from: 1, to: 2, term: 1, snapshot: snapshotAt(3, 1, [1, 2, 3]) });
    expect(readMessages(r)).toEqual([appResp(2, 1, 1, 3)]);
    expect(r.raftLog.hasPendingSnapshot()).toBe(false);
    expect(r.raftLog.committed).toBe(3);
    expect(r.raftLog.lastIndex()).toBe(4);
  });

  it('a follower ignores a snapshot whose membership does not include it', () => {
    const r = newTestRaft(2, newStorage({ voters: [1, 2, 3] }));
    r.step({ type: 'MsgSnap', from: 1, to: 2, term: 1, snapshot: snapshotAt(5, 1, [1, 3]) });
    expect(r.raftLog.hasPendingSnapshot()).toBe(false);
    expect(readMessages(r)).toEqual([appResp(2, 1, 1, 0)]);
  });
});

describe('proposal forwarding', () => {
  it('a follower forwards a proposal to its leader as a MsgProp of no term', () => {
    const r = newTestRaft(2, newStorage({ voters: [1, 2, 3] }));
    r.becomeFollower(1, 1);
    propose(r, 'fwd');
    expect(readMessages(r)).toEqual([{ type: 'MsgProp', from: 2, to: 1, term: 0, entries: [proposal('fwd')] }]);
  });

  it('a forwarded proposal is committed on every member', () => {
    const net = networkWithLeader();
    net.propose(3, 'from 3');
    for (const id of [1, 2, 3]) expect(net.appliedData(id)).toEqual(['from 3']);
  });

  it('a follower without a leader throws NO_LEADER', () => {
    const r = newTestRaft(2, newStorage({ voters: [1, 2, 3] }));
    expect(thrownCode(() => propose(r, 'x'))).toBe('RAFT_NO_LEADER');
    expect(readMessages(r)).toEqual([]);
  });

  it('a candidate and a pre-candidate throw NO_LEADER', () => {
    const candidate = newTestRaft(2, newStorage({ voters: [1, 2, 3] }));
    candidate.hup('election');
    expect(thrownCode(() => propose(candidate, 'x'))).toBe('RAFT_NO_LEADER');
    const pre = newTestRaft(2, newStorage({ voters: [1, 2, 3] }), { preVote: true });
    pre.hup('preElection');
    expect(pre.state).toBe('preCandidate');
    expect(thrownCode(() => propose(pre, 'x'))).toBe('RAFT_NO_LEADER');
  });

  it('a leader drops a forwarded proposal it cannot accept, without throwing at the sender', () => {
    const r = newTestRaft(1, newStorage({ voters: [1, 2, 3] }));
    electLeader(r);
    readMessages(r);
    r.transferLeadership(2);
    readMessages(r);
    const last = r.raftLog.lastIndex();
    r.step({ type: 'MsgProp', from: 3, to: 1, term: 0, entries: [proposal('x')] });
    expect(r.raftLog.lastIndex()).toBe(last);
  });
});

describe('restart from storage', () => {
  it('keeps term, vote, log and commit', () => {
    const net = networkWithLeader();
    net.propose(1, 'a');
    net.propose(1, 'b');
    const before = net.raft(2);
    const m = net.restart(2);
    const r = m.node.raft;
    expect(r).not.toBe(before);
    expect(r.term).toBe(1);
    expect(r.vote).toBe(1);
    expect(r.raftLog.lastIndex()).toBe(3);
    expect(r.raftLog.committed).toBe(3);
    expect(r.state).toBe('follower');
    // Committed entries above the snapshot are handed out again to rebuild the state machine.
    net.stabilize();
    expect(net.appliedData(2)).toEqual(['a', 'b']);
  });

  it('never votes twice in one term across a restart', () => {
    const s = newStorage({ voters: [1, 2, 3] });
    const r = newTestRaft(1, s);
    r.step(vote(2, 1, 5));
    expect(readMessages(r)).toEqual([voteResp(1, 2, 5)]);
    s.setHardState(r.hardState());
    const restarted = newTestRaft(1, s);
    expect(restarted.term).toBe(5);
    expect(restarted.vote).toBe(2);
    restarted.step(vote(3, 1, 5));
    expect(readMessages(restarted)).toEqual([voteResp(1, 3, 5, { reject: true })]);
    restarted.step(vote(2, 1, 5));
    expect(readMessages(restarted)).toEqual([voteResp(1, 2, 5)]);
  });

  it('refuses a persisted commit index beyond the log', () => {
    const s = newStorage({ voters: [1], entries: entriesOfTerms(1, [1]), hardState: { term: 1, vote: 1, commit: 5 } });
    expect(thrownCode(() => newTestRaft(1, s))).toBe('RAFT_INVARIANT');
  });
});

describe('RawNode and the Ready contract', () => {
  function newNode(voters: NodeId[] = [1], opts: { maxCommittedSizePerReadyBytes?: number } = {}): { node: RawNode; s: MemoryStorage } {
    const s = newStorage({ voters });
    const node = new RawNode({ id: 1, storage: s, electionTick: 10, heartbeatTick: 1, rng: new Prng(1), preVote: false, checkQuorum: false, ...opts });
    return { node, s };
  }

  /** Persists, applies and advances a Ready, as a driver does. */
  function handle(node: RawNode, s: MemoryStorage, rd: Ready): void {
    if (rd.snapshot !== undefined) s.applySnapshot(rd.snapshot);
    s.append(rd.entries);
    if (rd.hardState !== undefined) s.setHardState(rd.hardState);
    node.advance(rd);
  }

  it('a fresh member has nothing to do', () => {
    const { node } = newNode([1, 2, 3]);
    expect(node.hasReady()).toBe(false);
  });

  it('reports soft and hard state only when they change', () => {
    const { node, s } = newNode();
    node.campaign();
    const rd = node.ready();
    expect(rd.softState).toEqual({ lead: 1, role: 'leader' });
    expect(rd.hardState).toEqual({ term: 1, vote: 1, commit: 1 });
    handle(node, s, rd);
    expect(node.hasReady()).toBe(false);
    node.propose(bytes('x'));
    const rd2 = node.ready();
    expect(rd2.softState).toBeUndefined();
    expect(rd2.hardState).toEqual({ term: 1, vote: 1, commit: 2 });
    handle(node, s, rd2);
    node.tick();
    expect(node.hasReady()).toBe(false);
  });

  it('mustSync is set for new entries or a new term or vote, not for a commit change alone', () => {
    const { node, s } = newNode([1, 2]);
    node.campaign();
    let rd = node.ready();
    expect(rd.mustSync).toBe(true); // term and vote
    expect(rd.entries).toEqual([]);
    handle(node, s, rd);
    node.step(voteResp(2, 1, 1));
    rd = node.ready();
    expect(rd.mustSync).toBe(true); // the leader's empty entry
    expect(rd.entries.map((e) => e.index)).toEqual([1]);
    handle(node, s, rd);
    node.step(appResp(2, 1, 1, 1));
    rd = node.ready();
    expect(rd.hardState).toEqual({ term: 1, vote: 1, commit: 1 });
    expect(rd.entries).toEqual([]);
    expect(rd.mustSync).toBe(false);
    handle(node, s, rd);
  });

  it('hands out each committed entry once', () => {
    const { node, s } = newNode();
    node.campaign();
    const seen: number[] = [];
    const drain = (): void => {
      while (node.hasReady()) {
        const rd = node.ready();
        seen.push(...rd.committedEntries.map((e) => e.index));
        handle(node, s, rd);
      }
    };
    drain();
    node.propose(bytes('a'));
    node.propose(bytes('b'));
    drain();
    node.tick();
    drain();
    expect(seen).toEqual([1, 2, 3]);
  });

  it('ready() twice without advance() throws READY_MISUSE, as does advancing a Ready twice', () => {
    const { node, s } = newNode();
    node.campaign();
    const rd = node.ready();
    expect(thrownCode(() => node.ready())).toBe('RAFT_READY_MISUSE');
    handle(node, s, rd);
    expect(thrownCode(() => node.advance(rd))).toBe('RAFT_READY_MISUSE');
  });

  it('steps and proposals between ready() and advance() show up in the next Ready', () => {
    const { node, s } = newNode();
    node.campaign();
    const rd = node.ready();
    node.propose(bytes('during'));
    handle(node, s, rd);
    const rd2 = node.ready();
    expect(texts(rd2.entries)).toEqual(['during']);
    expect(rd2.committedEntries.map((e) => e.index)).toEqual([2]);
  });

  it('maxCommittedSizePerReadyBytes limits committed entries per Ready (at least one)', () => {
    const { node, s } = newNode([1], { maxCommittedSizePerReadyBytes: 5 });
    node.campaign();
    handle(node, s, node.ready());
    node.proposeBatch(['aaa', 'bbb', 'ccc', 'dddddddddd', 'e'].map(bytes));
    const batches: string[][] = [];
    while (node.hasReady()) {
      const rd = node.ready();
      batches.push(texts(rd.committedEntries));
      handle(node, s, rd);
    }
    expect(batches).toEqual([['aaa'], ['bbb'], ['ccc'], ['dddddddddd'], ['e']]);
  });

  it('reports read states and the snapshot to install', () => {
    const { node, s } = newNode();
    node.campaign();
    handle(node, s, node.ready());
    node.readIndex(bytes('ctx'));
    const rd = node.ready();
    expect(rd.readStates).toEqual([{ index: 1, context: bytes('ctx') }]);
    handle(node, s, rd);

    const f = new RawNode({ id: 2, storage: newStorage({ voters: [1, 2] }), electionTick: 10, heartbeatTick: 1, rng: new Prng(2) });
    f.step({ type: 'MsgSnap', from: 1, to: 2, term: 3, snapshot: snapshotAt(7, 3, [1, 2]) });
    const frd = f.ready();
    expect(frd.snapshot?.metadata.index).toBe(7);
    expect(frd.mustSync).toBe(true);
    expect(frd.committedEntries).toEqual([]);
    expect(frd.hardState).toEqual({ term: 3, vote: 0, commit: 7 });
  });

  it('status() shows progress only on a leader', () => {
    const { node, s } = newNode([1, 2]);
    expect(node.status().progress).toBeUndefined();
    node.campaign();
    node.step(voteResp(2, 1, 1));
    handle(node, s, node.ready());
    const st = node.status();
    expect(st.softState).toEqual({ lead: 1, role: 'leader' });
    expect(st.progress?.get(2)).toMatchObject({ match: 0, next: 1, state: 'probe' });
    expect(st.progress?.get(1)).toMatchObject({ match: 1, state: 'replicate' });
  });
});

describe('configuration', () => {
  for (const [name, patch] of [
    ['id 0', { id: 0 }],
    ['heartbeatTick 0', { heartbeatTick: 0 }],
    ['electionTick not above heartbeatTick', { electionTick: 2, heartbeatTick: 2 }],
    ['maxInflightMsgs 0', { maxInflightMsgs: 0 }],
    ['maxInflightBytes below maxSizePerMsgBytes', { maxInflightBytes: 10, maxSizePerMsgBytes: 100 }],
  ] as const) {
    it(`refuses ${name}`, () => {
      const valid: RaftConfig = { id: 1, storage: new MemoryStorage(), electionTick: 10, heartbeatTick: 1, rng: new Prng(1) };
      expect(() => new RawNode(valid)).not.toThrow();
      expect(thrownCode(() => new RawNode({ ...valid, ...patch }))).toBe('RAFT_INVALID_CONFIG');
    });
  }
});

describe('single-member cluster', () => {
  it('campaigns and commits on its own', () => {
    const net = new TestNetwork([1]);
    net.tick(1, 20);
    expect(net.leaders()).toEqual([1]);
    net.propose(1, 'solo');
    expect(net.appliedData(1)).toEqual(['solo']);
  });
});

describe('message exchange without a driver', () => {
  it('three members elect a leader and replicate through exchange()', () => {
    const rs = [1, 2, 3].map((id) => newTestRaft(id, newStorage({ voters: [1, 2, 3] })));
    const [r1, r2, r3] = rs as [Raft, Raft, Raft];
    r1.hup('election');
    exchange(rs);
    expect(r1.state).toBe('leader');
    propose(r1, 'x');
    exchange(rs);
    for (const r of [r2, r3]) expect(r.raftLog.committed).toBe(2);
  });

  it('a leader never steps a message of its own term from another leader', () => {
    const r = newTestRaft(1, newStorage({ voters: [1, 2, 3] }));
    electLeader(r);
    expect(thrownCode(() => r.step(app(2, 1, 1)))).toBe('RAFT_INVARIANT');
  });

  it('a campaign on a leader does nothing', () => {
    const r = newTestRaft(1, newStorage({ voters: [1, 2, 3] }));
    electLeader(r);
    readMessages(r);
    r.hup('election');
    expect(r.state).toBe('leader');
    expect(r.term).toBe(1);
    expect(readMessages(r)).toEqual([]);
  });
});

describe('leadership transfer back to the leader', () => {
  it('cancels a pending transfer, so proposals are accepted again at once', async () => {
    const { TestNetwork } = await import('./testing/network.js');
    const n = new TestNetwork([1, 2, 3]);
    n.campaign(1);
    // Member 3 cannot receive anything, so a transfer to it stays pending.
    n.isolate(3);
    n.member(1).node.transferLeadership(3);
    n.stabilize();
    expect(n.raft(1).leadTransferee).toBe(3);
    expect(() => n.member(1).node.propose(new Uint8Array([1]))).toThrowError(expect.objectContaining({ code: 'RAFT_PROPOSAL_DROPPED' }));
    n.member(1).node.transferLeadership(1);
    expect(n.raft(1).leadTransferee).toBe(0);
    n.propose(1, 'after');
    expect(n.appliedData(2)).toContain('after');
  });
});
