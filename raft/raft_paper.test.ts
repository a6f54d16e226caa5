/**
 * One test per sentence (or pair of sentences) of §5 of the Raft paper
 * (https://raft.github.io/raft.pdf), in the spirit of etcd-io/raft's raft_paper_test.go. Each test
 * builds a small initial state, drives the member through step()/tick(), and checks the messages
 * and state that the paper prescribes.
 */
import { describe, expect, it } from 'vitest';
import type { Raft } from './raft.js';
import {
  acceptAndReply,
  app,
  appResp,
  byRecipient,
  commitNoopEntry,
  electLeader,
  entriesOfTerms,
  entry,
  exchange,
  idsBySize,
  newReplicatingLeader,
  newStorage,
  newTestRaft,
  ofType,
  readMessages,
  vote,
  voteResp,
} from './testing/fixtures.js';
import type { Entry, StateRole } from './types.js';

function terms(ents: readonly Entry[]): string[] {
  return ents.map((e) => `${e.index}/${e.term}`);
}

function proposeData(r: Raft, data: string): void {
  r.propose([{ term: 0, index: 0, type: 'normal', data: new TextEncoder().encode(data) }]);
}

/** A replicating leader of 1..size that has just proposed 'some data'; li is the index before it. */
function leaderWithProposal(size: number): { r: Raft; li: number } {
  const { r } = newReplicatingLeader(idsBySize(size));
  const li = r.raftLog.lastIndex();
  proposeData(r, 'some data');
  return { r, li };
}

function threeNodes(id = 1): Raft {
  return newTestRaft(id, newStorage({ voters: [1, 2, 3] }));
}

describe('§5.1 terms', () => {
  // "If one server's current term is smaller than the other's, then it updates its current term to
  // the larger value. If a candidate or leader discovers that its term is out of date, it
  // immediately reverts to follower state."
  const setups: Array<[StateRole, (r: Raft) => void]> = [
    ['follower', (r) => r.becomeFollower(1, 2)],
    ['candidate', (r) => r.hup('election')],
    ['leader', (r) => electLeader(r)],
  ];
  for (const [role, setup] of setups) {
    it(`a ${role} updates its term from a message with a higher term and becomes follower`, () => {
      const r = threeNodes();
      setup(r);
      expect(r.state).toBe(role);
      expect(r.term).toBe(1);
      r.step(app(2, 1, 2));
      expect(r.term).toBe(2);
      expect(r.state).toBe('follower');
      expect(r.lead).toBe(2);
    });
  }

  it('ignores a request with a stale term', () => {
    // "If a server receives a request with a stale term number, it rejects the request." ketch, like
    // etcd, ignores it (with PreVote and CheckQuorum off; see raft.test.ts for the answer it then sends).
    const r = newTestRaft(1, newStorage({ voters: [1, 2, 3], hardState: { term: 2, vote: 0, commit: 0 } }));
    r.step(app(2, 1, 1, { entries: [entry(1, 1, 'x')] }));
    expect(r.term).toBe(2);
    expect(r.lead).toBe(0);
    expect(r.raftLog.lastIndex()).toBe(0);
    expect(readMessages(r)).toEqual([]);
  });
});

describe('§5.2 leader election', () => {
  it('servers start as followers', () => {
    const r = threeNodes();
    expect(r.state).toBe('follower');
    expect(r.term).toBe(0);
    expect(r.lead).toBe(0);
  });

  it('a leader sends empty heartbeats to every follower each heartbeat interval', () => {
    const r = threeNodes();
    electLeader(r);
    for (let i = 0; i < 10; i++) proposeData(r, `e${i}`);
    readMessages(r);
    r.tick();
    expect(byRecipient(readMessages(r))).toEqual([
      { type: 'MsgHeartbeat', from: 1, to: 2, term: 1, commit: 0 },
      { type: 'MsgHeartbeat', from: 1, to: 3, term: 1, commit: 0 },
    ]);
  });

  const electionStarters: Array<[StateRole, (r: Raft) => void]> = [
    ['follower', (r) => r.becomeFollower(1, 2)],
    ['candidate', (r) => r.hup('election')],
  ];
  for (const [role, setup] of electionStarters) {
    it(`a ${role} that hears nothing for an election timeout starts a new election`, () => {
      // "If a follower receives no communication over a period of time called the election timeout,
      // then it ... begins an election: it increments its current term and transitions to candidate
      // state. It then votes for itself and issues RequestVote RPCs in parallel to each of the other
      // servers." And a candidate that neither wins nor loses "will time out and start a new
      // election by incrementing its term".
      const r = threeNodes();
      setup(r);
      readMessages(r);
      for (let i = 1; i < 2 * 10; i++) r.tick();
      expect(r.term).toBe(2);
      expect(r.state).toBe('candidate');
      expect(r.vote).toBe(1);
      expect(r.trk.votes.get(1)).toBe(true);
      expect(byRecipient(readMessages(r))).toEqual([
        { type: 'MsgVote', from: 1, to: 2, term: 2, index: 0, logTerm: 0, transfer: false },
        { type: 'MsgVote', from: 1, to: 3, term: 2, index: 0, logTerm: 0, transfer: false },
      ]);
    });
  }

  describe('a candidate wins, loses, or waits after one round of RequestVote', () => {
    // "A candidate wins an election if it receives votes from a majority of the servers in the full
    // cluster for the same term." Otherwise it returns to follower once a majority refused, or keeps
    // waiting while the outcome is open.
    const cases: Array<{ size: number; votes: Record<number, boolean>; want: StateRole }> = [
      { size: 1, votes: {}, want: 'leader' },
      { size: 3, votes: { 2: true, 3: true }, want: 'leader' },
      { size: 3, votes: { 2: true }, want: 'leader' },
      { size: 5, votes: { 2: true, 3: true, 4: true, 5: true }, want: 'leader' },
      { size: 5, votes: { 2: true, 3: true, 4: true }, want: 'leader' },
      { size: 5, votes: { 2: true, 3: true }, want: 'leader' },
      { size: 3, votes: { 2: false, 3: false }, want: 'follower' },
      { size: 5, votes: { 2: false, 3: false, 4: false, 5: false }, want: 'follower' },
      { size: 5, votes: { 2: true, 3: false, 4: false, 5: false }, want: 'follower' },
      { size: 3, votes: {}, want: 'candidate' },
      { size: 5, votes: { 2: true }, want: 'candidate' },
      { size: 5, votes: { 2: false, 3: false }, want: 'candidate' },
      { size: 5, votes: {}, want: 'candidate' },
    ];
    for (const { size, votes, want } of cases) {
      it(`${size} voters, votes ${JSON.stringify(votes)}: ${want}`, () => {
        const r = newTestRaft(1, newStorage({ voters: idsBySize(size) }));
        r.hup('election');
        for (const [id, granted] of Object.entries(votes)) r.step(voteResp(Number(id), 1, r.term, { reject: !granted }));
        expect(r.state).toBe(want);
        expect(r.term).toBe(1);
      });
    }
  });

  describe('a follower votes for at most one candidate per term, first come first served', () => {
    const cases: Array<{ voted: number; candidate: number; reject: boolean }> = [
      { voted: 0, candidate: 2, reject: false },
      { voted: 0, candidate: 3, reject: false },
      { voted: 2, candidate: 2, reject: false },
      { voted: 3, candidate: 3, reject: false },
      { voted: 2, candidate: 3, reject: true },
      { voted: 3, candidate: 2, reject: true },
    ];
    for (const { voted, candidate, reject } of cases) {
      it(`voted for ${voted}, asked by ${candidate}: ${reject ? 'reject' : 'grant'}`, () => {
        const r = newTestRaft(1, newStorage({ voters: [1, 2, 3], hardState: { term: 1, vote: voted, commit: 0 } }));
        r.step(vote(candidate, 1, 1));
        expect(readMessages(r)).toEqual([{ type: 'MsgVoteResp', from: 1, to: candidate, term: 1, reject }]);
        expect(r.vote).toBe(voted === 0 ? candidate : voted);
      });
    }
  });

  for (const term of [1, 2]) {
    it(`a candidate that hears from a leader of term ${term} (>= its own) falls back to follower`, () => {
      // "If the leader's term ... is at least as large as the candidate's current term, then the
      // candidate recognizes the leader as legitimate and returns to follower state."
      const r = threeNodes();
      r.hup('election');
      expect(r.state).toBe('candidate');
      r.step(app(2, 1, term));
      expect(r.state).toBe('follower');
      expect(r.term).toBe(term);
      expect(r.lead).toBe(2);
    });
  }

  /** Ticks until the member sends something; returns the number of ticks. */
  function ticksUntilCampaign(r: Raft): number {
    let ticks = 0;
    while (readMessages(r).length === 0) {
      r.tick();
      ticks++;
      if (ticks > 100) throw new Error('no campaign');
    }
    return ticks;
  }

  for (const role of ['follower', 'candidate'] as const) {
    it(`election timeouts of a ${role} are randomized over [et, 2et)`, () => {
      // "Raft uses randomized election timeouts ... chosen randomly from a fixed interval."
      const et = 10;
      const r = newTestRaft(1, newStorage({ voters: [1, 2, 3] }), { electionTick: et, seed: 11 });
      const seen = new Set<number>();
      for (let round = 0; round < 50 * et; round++) {
        if (role === 'follower') r.becomeFollower(r.term + 1, 2);
        else r.hup('election');
        readMessages(r);
        seen.add(ticksUntilCampaign(r));
      }
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: et }, (_, i) => et + i));
    });

    it(`election timeouts of ${role}s rarely coincide`, () => {
      // "... so that in most cases only a single server will time out."
      const rs = idsBySize(5).map((id) => newTestRaft(id, newStorage({ voters: idsBySize(5) }), { seed: 100 + id }));
      let conflicts = 0;
      for (let round = 0; round < 1000; round++) {
        for (const r of rs) {
          if (role === 'follower') r.becomeFollower(r.term + 1, 0);
          else r.hup('election');
          readMessages(r);
        }
        let timedOut = 0;
        while (timedOut === 0) {
          for (const r of rs) {
            r.tick();
            if (readMessages(r).length > 0) timedOut++;
          }
        }
        if (timedOut > 1) conflicts++;
      }
      expect(conflicts / 1000).toBeLessThanOrEqual(0.3);
    });
  }

  it('the timeouts come from the seeded Prng: the same seed replays the same timeouts', () => {
    const timeouts = (seed: number): number[] => {
      const r = newTestRaft(1, newStorage({ voters: [1, 2, 3] }), { seed });
      return Array.from({ length: 30 }, () => {
        r.becomeFollower(r.term + 1, 2);
        return ticksUntilCampaign(r);
      });
    };
    expect(timeouts(5)).toEqual(timeouts(5));
    expect(timeouts(5)).not.toEqual(timeouts(6));
  });
});

describe('§5.3 log replication', () => {
  it('a leader appends a proposal and sends it with the index and term that precede it', () => {
    // "The leader appends the command to its log as a new entry, then issues AppendEntries RPCs in
    // parallel to each of the other servers." The RPC includes "the index and term of the entry in
    // its log that immediately precedes the new entries", and the entry goes to stable storage.
    const { r, li } = leaderWithProposal(3);
    expect(r.raftLog.lastIndex()).toBe(li + 1);
    expect(r.raftLog.committed).toBe(li);
    const want = [entry(li + 1, 1, 'some data')];
    expect(byRecipient(readMessages(r))).toEqual([
      { type: 'MsgApp', from: 1, to: 2, term: 1, index: li, logTerm: 1, entries: want, commit: li },
      { type: 'MsgApp', from: 1, to: 3, term: 1, index: li, logTerm: 1, entries: want, commit: li },
    ]);
    expect(r.raftLog.unstableEntries()).toEqual(want);
  });

  it('a leader commits a replicated entry, hands it out to apply, and tells the followers', () => {
    // "When the entry has been safely replicated, the leader applies the entry to its state machine
    // ... The leader keeps track of the highest index it knows to be committed, and it includes that
    // index in future AppendEntries RPCs."
    const { r, li } = leaderWithProposal(3);
    for (const m of ofType(readMessages(r), 'MsgApp')) r.step(acceptAndReply(m));
    expect(r.raftLog.committed).toBe(li + 1);
    expect(r.raftLog.nextCommittedEnts(Infinity)).toEqual([entry(li + 1, 1, 'some data')]);
    const msgs = byRecipient(readMessages(r));
    expect(msgs.map((m) => [m.type, m.to, m.type === 'MsgApp' ? m.commit : -1])).toEqual([
      ['MsgApp', 2, li + 1],
      ['MsgApp', 3, li + 1],
    ]);
  });

  describe('an entry is committed once the leader replicated it on a majority', () => {
    const cases: Array<{ size: number; acceptors: number[]; committed: boolean }> = [
      { size: 1, acceptors: [], committed: true },
      { size: 3, acceptors: [], committed: false },
      { size: 3, acceptors: [2], committed: true },
      { size: 3, acceptors: [2, 3], committed: true },
      { size: 5, acceptors: [], committed: false },
      { size: 5, acceptors: [2], committed: false },
      { size: 5, acceptors: [2, 3], committed: true },
      { size: 5, acceptors: [2, 3, 4], committed: true },
      { size: 5, acceptors: [2, 3, 4, 5], committed: true },
    ];
    for (const { size, acceptors, committed } of cases) {
      it(`${size} voters, accepted by [${acceptors.join(',')}]: ${committed ? '' : 'not '}committed`, () => {
        const { r, li } = leaderWithProposal(size);
        for (const m of ofType(readMessages(r), 'MsgApp')) if (acceptors.includes(m.to)) r.step(acceptAndReply(m));
        expect(r.raftLog.committed > li).toBe(committed);
      });
    }
  });

  describe('committing an entry commits every entry before it, including those of earlier leaders', () => {
    const cases: Entry[][] = [[], entriesOfTerms(1, [2]), entriesOfTerms(1, [1, 2]), entriesOfTerms(1, [1])];
    for (const prior of cases) {
      it(`prior log [${terms(prior).join(' ')}]`, () => {
        const s = newStorage({ voters: [1, 2, 3], entries: prior, hardState: { term: 2, vote: 0, commit: 0 } });
        const r = newTestRaft(1, s);
        electLeader(r);
        proposeData(r, 'some data');
        // A perfect pair of followers: accept every MsgApp (the first ones carry the empty entry).
        for (let msgs = readMessages(r); msgs.length > 0; msgs = readMessages(r)) {
          for (const m of ofType(msgs, 'MsgApp')) r.step(acceptAndReply(m));
        }
        const li = prior.length;
        expect(r.raftLog.nextCommittedEnts(Infinity)).toEqual([...prior, entry(li + 1, 3), entry(li + 2, 3, 'some data')]);
      });
    }
  });

  describe('a follower applies an entry once it learns it is committed', () => {
    const cases: Array<{ ents: Entry[]; commit: number }> = [
      { ents: [entry(1, 1, 'some data')], commit: 1 },
      { ents: [entry(1, 1, 'some data'), entry(2, 1, 'some data2')], commit: 2 },
      { ents: [entry(1, 1, 'some data2'), entry(2, 1, 'some data')], commit: 2 },
      { ents: [entry(1, 1, 'some data'), entry(2, 1, 'some data2')], commit: 1 },
    ];
    for (const { ents, commit } of cases) {
      it(`${ents.length} entries, commit ${commit}`, () => {
        const r = threeNodes();
        r.becomeFollower(1, 2);
        r.step(app(2, 1, 1, { entries: ents, commit }));
        expect(r.raftLog.committed).toBe(commit);
        expect(r.raftLog.nextCommittedEnts(Infinity)).toEqual(ents.slice(0, commit));
      });
    }
  });

  describe('a follower refuses entries unless its log has the preceding index and term', () => {
    // Log 1/1, 2/2 with 1 committed. On refusal the answer carries a hint for fast backtracking:
    // the follower's last index <= the probed one whose term is <= the probed term.
    const cases: Array<{ logTerm: number; index: number; wantIndex: number; reject: boolean; hint: number; hintTerm: number }> = [
      { logTerm: 0, index: 0, wantIndex: 1, reject: false, hint: 0, hintTerm: 0 }, // below commit: ack the commit index
      { logTerm: 1, index: 1, wantIndex: 1, reject: false, hint: 0, hintTerm: 0 },
      { logTerm: 2, index: 2, wantIndex: 2, reject: false, hint: 0, hintTerm: 0 },
      { logTerm: 1, index: 2, wantIndex: 2, reject: true, hint: 1, hintTerm: 1 }, // term mismatch
      { logTerm: 3, index: 3, wantIndex: 3, reject: true, hint: 2, hintTerm: 2 }, // beyond the log
    ];
    for (const c of cases) {
      it(`MsgApp after ${c.index}/${c.logTerm}: ${c.reject ? 'reject' : 'accept'}`, () => {
        const s = newStorage({ voters: [1, 2, 3], entries: entriesOfTerms(1, [1, 2]), hardState: { term: 0, vote: 0, commit: 1 } });
        const r = newTestRaft(1, s);
        r.becomeFollower(2, 2);
        r.step(app(2, 1, 2, { index: c.index, logTerm: c.logTerm }));
        expect(readMessages(r)).toEqual([appResp(1, 2, 2, c.wantIndex, { reject: c.reject, rejectHint: c.hint, logTerm: c.hintTerm })]);
      });
    }
  });

  describe('a follower deletes a conflicting suffix and appends the new entries', () => {
    // Log 1/1, 2/2.
    const cases: Array<{ index: number; logTerm: number; ents: Entry[]; want: string[]; unstable: string[] }> = [
      { index: 2, logTerm: 2, ents: entriesOfTerms(3, [3]), want: ['1/1', '2/2', '3/3'], unstable: ['3/3'] },
      { index: 1, logTerm: 1, ents: entriesOfTerms(2, [3, 4]), want: ['1/1', '2/3', '3/4'], unstable: ['2/3', '3/4'] },
      { index: 0, logTerm: 0, ents: entriesOfTerms(1, [1]), want: ['1/1', '2/2'], unstable: [] },
      { index: 0, logTerm: 0, ents: entriesOfTerms(1, [3]), want: ['1/3'], unstable: ['1/3'] },
    ];
    for (const c of cases) {
      it(`MsgApp after ${c.index}/${c.logTerm} with [${terms(c.ents).join(' ')}]`, () => {
        const r = newTestRaft(1, newStorage({ voters: [1, 2, 3], entries: entriesOfTerms(1, [1, 2]) }));
        r.becomeFollower(2, 2);
        r.step(app(2, 1, 2, { index: c.index, logTerm: c.logTerm, entries: c.ents }));
        expect(terms(r.raftLog.allEntries())).toEqual(c.want);
        expect(terms(r.raftLog.unstableEntries())).toEqual(c.unstable);
      });
    }
  });

  describe('a leader brings a follower log into agreement with its own (figure 7)', () => {
    // The leader of term 8 holds 1 1 1 4 4 5 5 6 6 6; followers (a)-(f) of the figure hold these.
    const leaderTerms = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    const followers: Record<string, number[]> = {
      a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
      b: [1, 1, 1, 4],
      c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
      d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
      e: [1, 1, 1, 4, 4, 4, 4],
      f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    };
    for (const [name, followerTerms] of Object.entries(followers)) {
      it(`follower (${name})`, () => {
        const lead = newTestRaft(
          1,
          newStorage({ voters: [1, 2, 3], entries: entriesOfTerms(1, leaderTerms), hardState: { term: 8, vote: 0, commit: leaderTerms.length } }),
        );
        const follower = newTestRaft(2, newStorage({ voters: [1, 2, 3], entries: entriesOfTerms(1, followerTerms), hardState: { term: 7, vote: 0, commit: 0 } }));
        // The follower may hold a longer or newer log and refuse its vote; member 3 (which only
        // votes here) makes the majority.
        lead.hup('election');
        exchange([lead, follower]);
        lead.step(voteResp(3, 1, 9));
        expect(lead.state).toBe('leader');
        lead.propose([{ term: 0, index: 0, type: 'normal', data: new Uint8Array(0) }]);
        exchange([lead, follower]);
        expect(terms(follower.raftLog.allEntries())).toEqual(terms(lead.raftLog.allEntries()));
        expect(terms(lead.raftLog.allEntries())).toEqual(terms(entriesOfTerms(1, [...leaderTerms, 9, 9])));
      });
    }
  });
});

describe('§5.4 safety', () => {
  for (const { ents, wantTerm } of [
    { ents: entriesOfTerms(1, [1]), wantTerm: 2 },
    { ents: entriesOfTerms(1, [1, 2]), wantTerm: 3 },
  ]) {
    it(`a vote request carries the candidate's last index and term (log ${terms(ents).join(' ')})`, () => {
      const r = threeNodes();
      r.step(app(2, 1, wantTerm - 1, { entries: ents }));
      readMessages(r);
      for (let i = 1; i < 2 * 10; i++) r.tick();
      const last = ents[ents.length - 1] as Entry;
      expect(byRecipient(readMessages(r))).toEqual([2, 3].map((to) => vote(1, to, wantTerm, { index: last.index, logTerm: last.term })));
    });
  }

  describe('a voter denies its vote if its own log is more up to date than the candidate', () => {
    const cases: Array<{ ents: Entry[]; logTerm: number; index: number; reject: boolean }> = [
      // same last term: the longer log wins
      { ents: entriesOfTerms(1, [1]), logTerm: 1, index: 1, reject: false },
      { ents: entriesOfTerms(1, [1]), logTerm: 1, index: 2, reject: false },
      { ents: entriesOfTerms(1, [1, 1]), logTerm: 1, index: 1, reject: true },
      // candidate has the higher last term
      { ents: entriesOfTerms(1, [1]), logTerm: 2, index: 1, reject: false },
      { ents: entriesOfTerms(1, [1]), logTerm: 2, index: 2, reject: false },
      { ents: entriesOfTerms(1, [1, 1]), logTerm: 2, index: 1, reject: false },
      // voter has the higher last term
      { ents: entriesOfTerms(1, [2]), logTerm: 1, index: 1, reject: true },
      { ents: entriesOfTerms(1, [2]), logTerm: 1, index: 2, reject: true },
      { ents: entriesOfTerms(1, [2, 2]), logTerm: 1, index: 1, reject: true },
      { ents: entriesOfTerms(1, [1, 1]), logTerm: 1, index: 1, reject: true },
    ];
    for (const c of cases) {
      it(`voter log [${terms(c.ents).join(' ')}], candidate at ${c.index}/${c.logTerm}: ${c.reject ? 'reject' : 'grant'}`, () => {
        const r = newTestRaft(1, newStorage({ voters: [1, 2], entries: c.ents }));
        r.step(vote(2, 1, 3, { index: c.index, logTerm: c.logTerm }));
        const msgs = readMessages(r);
        expect(msgs).toEqual([voteResp(1, 2, 3, { reject: c.reject })]);
        expect(r.vote).toBe(c.reject ? 0 : 2);
      });
    }
  });

  describe('a leader only commits entries of its own term by counting replicas (figure 8)', () => {
    // The log holds 1/1, 2/2; the member becomes leader of term 3 (appending 3/3) and proposes 4/3.
    for (const { ackIndex, wantCommit } of [
      { ackIndex: 1, wantCommit: 0 },
      { ackIndex: 2, wantCommit: 0 },
      { ackIndex: 3, wantCommit: 3 },
      { ackIndex: 4, wantCommit: 4 },
    ]) {
      it(`follower acknowledges ${ackIndex}: commit ${wantCommit}`, () => {
        const s = newStorage({ voters: [1, 2], entries: entriesOfTerms(1, [1, 2]), hardState: { term: 2, vote: 0, commit: 0 } });
        const r = newTestRaft(1, s);
        electLeader(r);
        expect(r.term).toBe(3);
        readMessages(r);
        proposeData(r, 'x');
        r.step(appResp(2, 1, 3, ackIndex));
        expect(r.raftLog.committed).toBe(wantCommit);
      });
    }

    it('an old-term entry held by a majority commits only with an entry of the new term', () => {
      const s = newStorage({ voters: [1, 2, 3], entries: entriesOfTerms(1, [1, 2]), hardState: { term: 2, vote: 0, commit: 0 } });
      const r = newTestRaft(1, s);
      electLeader(r);
      readMessages(r);
      r.step(appResp(2, 1, 3, 2));
      expect(r.raftLog.committed).toBe(0);
      r.step(appResp(3, 1, 3, 3));
      expect(r.raftLog.committed).toBe(3);
      expect(terms(r.raftLog.nextCommittedEnts(Infinity))).toEqual(['1/1', '2/2', '3/3']);
    });
  });
});
