import { describe, expect, it } from 'vitest';
import { Prng } from '../rand.js';
import { Cluster } from './cluster.js';
import type { SimNodeConfig } from './node.js';
import { runSeed, type SimOptions } from './run.js';

/**
 * Problems in the consensus core that the simulator found, one named test per seed. A test marked
 * `known: true` reproduces a problem not fixed yet and runs as `it.fails`: it passes while the seed
 * fails, and starts failing once the fix lands, as a reminder to drop the mark. The simulator's
 * defaults work around these (see the options each needs), so the main seed sweep stays meaningful
 * meanwhile.
 */
interface Regression {
  readonly name: string;
  readonly seed: number;
  readonly options: SimOptions;
  readonly known: boolean;
}

// Snapshot-only bootstrap. A member that joins with an empty disk replays the log from index 1,
// but with MemoryStorage.withConfState the initial membership lives only in the index-0 snapshot,
// never in the log. The joiner builds its membership from the later changes alone: after
// `addLearner 4; addNode 4` it believes it is the only voter, elects itself and commits alone.
// The simulator bootstraps etcd's way by default (bootstrap: 'log': one committed addNode entry per
// initial voter at term 1), which avoids it.
const snapshotOnlyBootstrap: SimOptions = { bootstrap: 'snapshot' };

// Stored snapshots. The leader's stored snapshot predates the change that (re-)added a member
// (seed 228: snapshot 100 has voters [1,2,3,5,6], n4 was added back later) and the log before that
// change is compacted. The leader sends that snapshot; the member ignores it ("configuration does
// not include this member") and answers with its commit index; the leader sends it again, forever,
// until the application happens to take a newer snapshot, which a quiet cluster never does.
// etcd's server sidesteps this by re-stamping every outgoing MsgSnap with the current applied
// index and membership (createMergedSnapshotMessage); the simulator does the same by default
// (snapshotSource: 'applied').
const storedSnapshots: SimOptions = { snapshotSource: 'stored' };

const REGRESSIONS: readonly Regression[] = [
  { name: 'a joiner replaying the log thinks it is the only voter: n4 and n2 both lead term 3 (ElectionSafety)', seed: 6, options: snapshotOnlyBootstrap, known: true },
  { name: 'n2 leads term 36 without committed index 126 (LeaderCompleteness)', seed: 0, options: snapshotOnlyBootstrap, known: true },
  { name: 'brand-new n6, added after snapshot 100 (voters [1,2,3,4,5]), never catches up (Liveness)', seed: 104, options: storedSnapshots, known: true },
  { name: 'n4, removed and added back after snapshot 100, never catches up (Liveness)', seed: 228, options: storedSnapshots, known: true },
];

describe('regressions found by the simulator', () => {
  for (const r of REGRESSIONS) {
    (r.known ? it.fails : it)(`seed ${r.seed} ${JSON.stringify(r.options)}: ${r.name}`, () => {
      expect(runSeed(r.seed, r.options).error?.message).toBeUndefined();
    });
  }
});

// A seed's trajectory shifts whenever the core or the simulator changes, so each problem above is
// also pinned down by a short scripted scenario that does not depend on one.
describe('scripted regressions', () => {
  const nodeConfig = (over: Partial<SimNodeConfig>): SimNodeConfig => ({
    electionTick: 10,
    heartbeatTick: 1,
    preVote: true,
    checkQuorum: true,
    maxSizePerMsgBytes: 1024 * 1024,
    maxInflightMsgs: 256,
    maxCommittedSizePerReadyBytes: 0,
    maxInflightBytes: 0,
    maxUncommittedEntriesBytes: 0,
    snapshotEveryEntries: 1000,
    compactionTailEntries: 0,
    bootstrap: 'log',
    snapshotSource: 'applied',
    ...over,
  });
  const startCluster = (over: Partial<SimNodeConfig>): Cluster => {
    const c = new Cluster({ initialVoters: [1, 2, 3], tickMs: 10, clockSkew: 0, traceLimit: 10_000, node: nodeConfig(over) }, new Prng(42));
    c.runUntil(1_000);
    return c;
  };
  const leaderOf = (c: Cluster) => {
    const l = c.leader();
    if (l === undefined) throw new Error('no leader');
    return l;
  };
  const addMember = (c: Cluster, id: number, promote: boolean): void => {
    c.addNode(id);
    c.proposeConfChange(leaderOf(c).id, { type: 'addLearner', nodeId: id });
    c.runUntil(c.nowMs + 500);
    if (promote) c.proposeConfChange(leaderOf(c).id, { type: 'addNode', nodeId: id });
    c.runUntil(c.nowMs + 1_000);
  };

  it('the simulator bootstrap (log) gives a joiner the whole membership', () => {
    const c = startCluster({});
    addMember(c, 4, true);
    expect(c.node(4)?.confState).toEqual(leaderOf(c).confState);
  });

  it.fails('snapshot-only bootstrap: a joiner learns the whole membership', () => {
    const c = startCluster({ bootstrap: 'snapshot' });
    addMember(c, 4, true);
    expect(c.node(4)?.confState).toEqual({ voters: [1, 2, 3, 4], learners: [] });
  });

  for (const snapshotSource of ['applied', 'stored'] as const) {
    (snapshotSource === 'stored' ? it.fails : it)(`snapshotSource ${snapshotSource}: a member added after the last snapshot catches up`, () => {
      const c = startCluster({ snapshotSource, snapshotEveryEntries: 5 });
      // Propose until the leader's latest snapshot covers everything it applied: the log behind it
      // is compacted, and the change that follows is not covered by any snapshot for a while.
      const caughtUp = (): boolean => {
        const l = leaderOf(c);
        return l.sm.appliedIndex > 3 && l.disk.storage.snapshot().metadata.index === l.sm.appliedIndex;
      };
      for (let i = 0; i < 20 && !caughtUp(); i++) {
        c.propose(leaderOf(c).id, Uint8Array.of(65 + i));
        c.runUntil(c.nowMs + 100);
      }
      expect(caughtUp()).toBe(true);
      addMember(c, 4, false);
      c.runUntil(c.nowMs + 5_000);
      expect(c.node(4)?.sm.appliedIndex).toBe(leaderOf(c).raw.raft.raftLog.committed);
    });
  }
});
