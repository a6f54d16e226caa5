import { Prng } from '../rand.js';
import type { NodeId } from '../types.js';
import type { BootstrapMode } from './disk.js';
import { InvariantViolation, violation, type InvariantName } from './checkers.js';
import { Cluster, raftLogTermAt, type ClusterConfig, type SimStats } from './cluster.js';
import { FaultInjector, type FaultConfig } from './faults.js';
import type { Trace } from './trace.js';
import { Workload, type WorkloadConfig } from './workload.js';

/**
 * One simulation run, fully determined by its seed: a fault phase (workload plus faults, safety
 * checked after every event), then a healing phase (faults healed, every node up) in which a leader
 * must emerge, every command proposed while healing must be applied, and every member must
 * converge to the same state, all within livenessBoundMs of virtual time.
 */
export interface SimOptions {
  /** Virtual milliseconds of faults and workload. Default: drawn from the seed, 10-25 s. */
  readonly faultPhaseMs?: number;
  /** Virtual milliseconds at the start of healing during which new commands are proposed. */
  readonly healProposalMs?: number;
  /** Virtual milliseconds after healing begins by which the cluster must have converged. */
  readonly livenessBoundMs?: number;
  /** Trace records kept (Infinity keeps all; the default keeps the latest 5,000). */
  readonly traceLimit?: number;
  /** How initial members get the initial membership (default 'log', as etcd does). */
  readonly bootstrap?: BootstrapMode;
  /** What a MsgSnap carries (default 'applied', as etcd does; see SimNode). */
  readonly snapshotSource?: 'applied' | 'stored';
  /** A deliberate driver bug, for tests that prove the checkers fire in a real run. */
  readonly unsafeDriver?: 'forgetVotes';
}

/** The seed's draw of cluster shape and core settings. */
export interface SimPlan {
  readonly cluster: ClusterConfig;
  readonly workload: WorkloadConfig;
  readonly faults: FaultConfig;
  readonly faultPhaseMs: number;
  readonly healProposalMs: number;
  readonly livenessBoundMs: number;
}

export interface RunStats extends SimStats {
  readonly virtualMs: number;
  readonly committedIndex: number;
  readonly commandsProposed: number;
  readonly commandsApplied: number;
  readonly maxTerm: number;
  readonly nodes: number;
  readonly finalVoters: readonly NodeId[];
  readonly finalLearners: readonly NodeId[];
}

export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly error?: { readonly invariant: InvariantName | undefined; readonly message: string; readonly stack: string | undefined };
  readonly plan: SimPlan;
  /** The run's trace (format it with lines()). */
  readonly trace: Trace;
  readonly stats: RunStats;
}

const CONVERGENCE_POLL_MS = 50;

export function makePlan(seed: number, options: SimOptions = {}): SimPlan {
  const rng = new Prng(seed ^ 0x5eed);
  const voterCount = rng.chance(0.6) ? 3 : 5;
  const preVote = rng.chance(0.75);
  // Without either, a removed member that missed its removal can disrupt elections forever.
  const checkQuorum = preVote ? rng.chance(0.75) : true;
  const maxSizePerMsgBytes = rng.pick([16, 128, 1024 * 1024]);
  return {
    cluster: {
      initialVoters: Array.from({ length: voterCount }, (_, i) => i + 1),
      tickMs: rng.pick([20, 50, 100]),
      clockSkew: 0.05,
      traceLimit: options.traceLimit ?? 5_000,
      node: {
        electionTick: rng.pick([10, 10, 5, 20]),
        heartbeatTick: rng.pick([1, 1, 2]),
        preVote,
        checkQuorum,
        maxSizePerMsgBytes,
        maxInflightMsgs: rng.pick([1, 4, 256]),
        maxInflightBytes: rng.chance(0.7) ? 0 : maxSizePerMsgBytes * rng.pick([1, 4]),
        maxCommittedSizePerReadyBytes: rng.pick([0, 0, 32]),
        maxUncommittedEntriesBytes: rng.pick([0, 0, 64, 1024]),
        snapshotEveryEntries: rng.pick([5, 20, 100, 1000]),
        compactionTailEntries: rng.pick([0, 3, 20]),
        bootstrap: options.bootstrap ?? 'log',
        snapshotSource: options.snapshotSource ?? 'applied',
        ...(options.unsafeDriver === undefined ? {} : { unsafeDriver: options.unsafeDriver }),
      },
    },
    workload: {
      meanIntervalMs: rng.pick([20, 50, 100]),
      retryAfterMs: 1_000,
      abandonAfterMs: 5_000,
      maxNodes: voterCount + 2,
      readIndexRate: 0.08,
      transferRate: 0.02,
      membershipRate: 0.05,
    },
    faults: { meanIntervalMs: rng.pick([100, 300, 1_000, 2_000]), maxDownMs: rng.pick([500, 3_000]) },
    faultPhaseMs: options.faultPhaseMs ?? 10_000 + rng.int(15_001),
    healProposalMs: options.healProposalMs ?? 2_000,
    livenessBoundMs: options.livenessBoundMs ?? 30_000,
  };
}

export function runSeed(seed: number, options: SimOptions = {}): SimResult {
  const plan = makePlan(seed, options);
  const rng = new Prng(seed);
  const cluster = new Cluster(plan.cluster, rng.fork());
  const workload = new Workload(cluster, rng.fork(), plan.workload, seed);
  const faults = new FaultInjector(cluster, rng.fork(), plan.faults);
  let error: SimResult['error'];
  try {
    workload.start();
    faults.start();
    cluster.runUntil(plan.faultPhaseMs);

    const healStartMs = cluster.nowMs;
    faults.healAll();
    workload.enterHealing(healStartMs + plan.healProposalMs);
    let waitingFor = 'the first convergence check';
    const poll = (): void => {
      const why = notConverged(cluster, workload);
      if (why === undefined && cluster.nowMs >= healStartMs + plan.healProposalMs) cluster.halt();
      else {
        waitingFor = why ?? 'the end of healing proposals';
        cluster.at(CONVERGENCE_POLL_MS, poll);
      }
    };
    cluster.at(CONVERGENCE_POLL_MS, poll);
    if (!cluster.runUntil(healStartMs + plan.livenessBoundMs)) {
      violation('Liveness', `not converged ${plan.livenessBoundMs}ms after healing began: ${waitingFor}`);
    }
    finalChecks(cluster);
    cluster.trace.event(cluster.nowMs, undefined, `converged ${cluster.nowMs - healStartMs}ms after healing began`);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    // An invariant names itself; anything else (a core assertion, a storage error) gets its class and code.
    const code = (e as { code?: unknown }).code;
    const message = err instanceof InvariantViolation ? e.message : `${e.name}${typeof code === 'string' ? ` ${code}` : ''}: ${e.message}`;
    error = { invariant: err instanceof InvariantViolation ? err.invariant : undefined, message, stack: e.stack };
    cluster.trace.event(cluster.nowMs, undefined, `FAILED: ${message}`);
  }
  const leader = cluster.leader();
  const base = { seed, ok: error === undefined, plan, trace: cluster.trace, stats: runStats(cluster, workload, leader) };
  return error === undefined ? base : { ...base, error };
}

/** Why the cluster has not converged yet, or undefined once it has. */
function notConverged(cluster: Cluster, workload: Workload): string | undefined {
  const leader = cluster.leader();
  if (leader === undefined) return 'no leader';
  const pending = workload.pendingRequired();
  if (pending.length > 0) return `${pending.length} command(s) proposed while healing not applied, e.g. ${JSON.stringify(pending[0])}`;
  const committed = leader.raw.raft.raftLog.committed;
  if (committed < cluster.checker.committedIndex) return `leader n${leader.id} has commit ${committed} < ${cluster.checker.committedIndex} committed before`;
  for (const id of [...leader.confState.voters, ...leader.confState.learners]) {
    const n = cluster.node(id);
    if (n === undefined || !n.alive) return `member n${id} is not running`;
    if (n.sm.appliedIndex !== committed) return `member n${id} applied ${n.sm.appliedIndex}, leader n${leader.id} committed ${committed}`;
    if (n.sm.hash !== leader.sm.hash) return `member n${id} state hash differs from leader n${leader.id}`;
  }
  return undefined;
}

/** End-of-run checks: whole logs match pairwise, and the leader still holds every committed entry. */
function finalChecks(cluster: Cluster): void {
  const live = cluster.nodes().filter((n) => n.alive);
  cluster.checker.checkLogsMatch(live.map((n) => ({ node: n.id, entries: n.raw.raft.raftLog.allEntries() })));
  const leader = cluster.leader();
  if (leader === undefined) return violation('Liveness', 'no leader at the end');
  cluster.checkLeaderLog(leader);
  const log = leader.raw.raft.raftLog;
  const termAt = raftLogTermAt(log);
  const checker = cluster.checker;
  for (let i = log.firstIndex(); i <= checker.committedIndex; i++) {
    const t = checker.committedTerm(i);
    if (t !== undefined && termAt(i) !== t) {
      violation('Durability', `committed index ${i} (term ${t}) is not in the final leader n${leader.id}'s log (term there: ${termAt(i)})`);
    }
  }
  const expected = checker.appliedHash(leader.sm.appliedIndex);
  if (expected !== leader.sm.hash) violation('Convergence', `final state of n${leader.id} at ${leader.sm.appliedIndex} differs from what was applied there`);
}

function runStats(cluster: Cluster, workload: Workload, leader: ReturnType<Cluster['leader']>): RunStats {
  let maxTerm = 0;
  for (const n of cluster.nodes()) maxTerm = Math.max(maxTerm, n.disk.storage.getHardState().term);
  return {
    ...cluster.stats,
    virtualMs: cluster.nowMs,
    committedIndex: cluster.checker.committedIndex,
    commandsProposed: workload.commandsProposed,
    commandsApplied: cluster.appliedCommands.size,
    maxTerm,
    nodes: cluster.nodes().length,
    finalVoters: leader?.confState.voters ?? [],
    finalLearners: leader?.confState.learners ?? [],
  };
}

/** A one-line summary of a seed's plan, for humans. */
export function describePlan(plan: SimPlan): string {
  const c = plan.cluster;
  const n = c.node;
  return [
    `voters=${c.initialVoters.length}`,
    `tick=${c.tickMs}ms`,
    `heartbeatTick=${n.heartbeatTick}`,
    `preVote=${n.preVote}`,
    `checkQuorum=${n.checkQuorum}`,
    `electionTick=${n.electionTick}`,
    `maxMsg=${n.maxSizePerMsgBytes}B`,
    `inflight=${n.maxInflightMsgs}/${n.maxInflightBytes}B`,
    `maxUncommitted=${n.maxUncommittedEntriesBytes}B`,
    `snapshotEvery=${n.snapshotEveryEntries}`,
    `tail=${n.compactionTailEntries}`,
    `faultPhase=${plan.faultPhaseMs}ms`,
    `faultEvery≈${plan.faults.meanIntervalMs}ms`,
  ].join(' ');
}
