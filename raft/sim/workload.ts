import type { Prng } from '../rand.js';
import type { ConfChange, NodeId } from '../types.js';
import type { Cluster } from './cluster.js';

/**
 * The clients of the simulated cluster. They propose unique commands (`<seed>:<n>`) to the leader
 * or to any node, retry those not applied yet, ask for linearizable reads, move leadership, and
 * change membership one step at a time while the proposals keep coming: a voter is removed and
 * later added back (learner first, then promoted), or a brand-new node joins the same way. There
 * are always at least three voters by the workload's own doing.
 */
export interface WorkloadConfig {
  /** Mean virtual milliseconds between two client actions. */
  readonly meanIntervalMs: number;
  /** A command not applied after this long is proposed again. */
  readonly retryAfterMs: number;
  /** During the fault phase a command is abandoned after this long (it may still commit later). */
  readonly abandonAfterMs: number;
  /** Nodes the cluster may grow to, counting removed ones still running. */
  readonly maxNodes: number;
  /** Chances per action; the rest are new proposals. */
  readonly readIndexRate: number;
  readonly transferRate: number;
  readonly membershipRate: number;
}

type MembershipGoal =
  | { readonly kind: 'add'; readonly node: NodeId; readonly sinceMs: number }
  | { readonly kind: 'remove'; readonly node: NodeId; readonly sinceMs: number };

interface Command {
  readonly text: string;
  readonly data: Uint8Array;
  readonly proposedAtMs: number;
  lastTryMs: number;
  /** Proposed while healing: it must be applied within the liveness bound. */
  readonly required: boolean;
}

const MIN_VOTERS = 3;
const MEMBERSHIP_GIVE_UP_MS = 15_000;

export class Workload {
  private phase: 'faults' | 'healing' = 'faults';
  /** While healing, no new commands after this time (retries go on). */
  private proposeUntilMs = Infinity;
  private nextCommand = 0;
  private nextRead = 0;
  private outstanding: Command[] = [];
  private goal: MembershipGoal | undefined;
  /** Removed voters waiting to be added back. */
  private readonly removed: NodeId[] = [];
  private nextNodeId: NodeId;
  commandsProposed = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly rng: Prng,
    private readonly config: WorkloadConfig,
    private readonly seed: number,
  ) {
    this.nextNodeId = Math.max(0, ...cluster.nodes().map((n) => n.id)) + 1;
  }

  start(): void {
    this.schedule();
  }

  /** Stops membership changes; new commands until proposeUntilMs must all be applied. */
  enterHealing(proposeUntilMs: number): void {
    this.phase = 'healing';
    this.proposeUntilMs = proposeUntilMs;
    this.goal = undefined;
  }

  /** Required commands not applied anywhere yet. */
  pendingRequired(): string[] {
    return this.outstanding.filter((c) => c.required && !this.cluster.appliedCommands.has(c.text)).map((c) => c.text);
  }

  private schedule(): void {
    this.cluster.at(1 + this.rng.float() * 2 * this.config.meanIntervalMs, () => {
      this.act();
      this.schedule();
    });
  }

  private act(): void {
    this.retryOutstanding();
    const c = this.config;
    const p = this.rng.float();
    if (p < c.readIndexRate) this.read();
    else if (p < c.readIndexRate + c.transferRate) this.transfer();
    else if (p < c.readIndexRate + c.transferRate + c.membershipRate) this.changeMembership();
    else if (this.cluster.nowMs < this.proposeUntilMs) this.proposeNew();
  }

  // --- commands ---------------------------------------------------------------------------------

  private proposeNew(): void {
    const text = `${this.seed}:${this.nextCommand++}`;
    const cmd: Command = { text, data: ascii(text), proposedAtMs: this.cluster.nowMs, lastTryMs: this.cluster.nowMs, required: this.phase === 'healing' };
    this.outstanding.push(cmd);
    this.commandsProposed++;
    this.cluster.propose(this.target(), cmd.data);
  }

  private retryOutstanding(): void {
    const now = this.cluster.nowMs;
    const applied = this.cluster.appliedCommands;
    this.outstanding = this.outstanding.filter((c) => !applied.has(c.text) && (c.required || now - c.proposedAtMs < this.config.abandonAfterMs));
    for (const c of this.outstanding) {
      if (now - c.lastTryMs < this.config.retryAfterMs) continue;
      c.lastTryMs = now;
      // Back off like a client would: after one refusal, the rest wait for the next round.
      if (this.cluster.propose(this.target(), c.data) !== 'ok') return;
    }
  }

  /**
   * Where a client sends a request: the leader of the highest term, or any node that believes it
   * leads (a stale leader cut off from the rest must not commit or answer reads), or any live node
   * (which forwards the request, or refuses it).
   */
  private target(): NodeId {
    const live = this.cluster.nodes().filter((n) => n.alive);
    if (live.length === 0) return 1;
    const p = this.rng.float();
    if (p < 0.3) {
      const leader = this.cluster.leader();
      if (leader !== undefined) return leader.id;
    } else if (p < 0.6) {
      const leaders = live.filter((n) => n.raw.raft.state === 'leader');
      if (leaders.length > 0) return this.rng.pick(leaders).id;
    }
    return this.rng.pick(live).id;
  }

  private read(): void {
    this.cluster.readIndex(this.target(), ascii(`read:${this.seed}:${this.nextRead++}`));
  }

  private transfer(): void {
    const leader = this.cluster.leader();
    if (leader === undefined) return;
    const others = leader.confState.voters.filter((id) => id !== leader.id);
    if (others.length > 0) this.cluster.transferLeadership(leader.id, this.rng.pick(others));
  }

  // --- membership -------------------------------------------------------------------------------

  private changeMembership(): void {
    if (this.phase !== 'faults') return;
    const leader = this.cluster.leader();
    if (leader === undefined) return;
    const { voters, learners } = leader.confState;
    const now = this.cluster.nowMs;
    if (this.goal !== undefined && now - this.goal.sinceMs > MEMBERSHIP_GIVE_UP_MS) {
      this.cluster.trace.event(now, undefined, `workload: gave up ${this.goal.kind} n${this.goal.node}`);
      if (this.goal.kind === 'add') this.removed.push(this.goal.node);
      this.goal = undefined;
    }
    if (this.goal === undefined) this.goal = this.chooseGoal(voters);
    const goal = this.goal;
    if (goal === undefined) return;
    const isVoter = voters.includes(goal.node);
    const isLearner = learners.includes(goal.node);
    let cc: ConfChange;
    if (goal.kind === 'add') {
      if (isVoter) return this.reached(goal);
      cc = { type: isLearner ? 'addNode' : 'addLearner', nodeId: goal.node };
    } else {
      if (!isVoter && !isLearner) {
        this.removed.push(goal.node);
        return this.reached(goal);
      }
      if (isVoter && voters.length <= MIN_VOTERS) {
        this.goal = undefined;
        return;
      }
      cc = { type: 'removeNode', nodeId: goal.node };
    }
    // Mostly straight to the leader; sometimes through a follower, which forwards it.
    const via = this.rng.chance(0.8) ? leader.id : this.target();
    this.cluster.proposeConfChange(via, cc);
  }

  private chooseGoal(voters: readonly NodeId[]): MembershipGoal | undefined {
    const sinceMs = this.cluster.nowMs;
    const canRemove = voters.length > MIN_VOTERS;
    const back = this.removed[0];
    if (back !== undefined && this.rng.chance(0.6)) {
      this.removed.shift();
      return { kind: 'add', node: back, sinceMs };
    }
    if (canRemove && this.rng.chance(0.6)) return { kind: 'remove', node: this.rng.pick(voters), sinceMs };
    if (this.cluster.nodes().length < this.config.maxNodes) {
      const id = this.nextNodeId++;
      this.cluster.addNode(id);
      return { kind: 'add', node: id, sinceMs };
    }
    if (canRemove) return { kind: 'remove', node: this.rng.pick(voters), sinceMs };
    return undefined;
  }

  private reached(goal: MembershipGoal): void {
    this.cluster.trace.event(this.cluster.nowMs, undefined, `workload: ${goal.kind} n${goal.node} done`);
    this.goal = undefined;
  }
}

function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
