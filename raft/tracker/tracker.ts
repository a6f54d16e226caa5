import type { ConfState, NodeId } from '../types.js';
import { Progress } from './progress.js';
import { committedIndex, voteResult, type VoteResult } from './quorum.js';

/**
 * The leader's (or candidate's) view of the cluster: the current membership, one Progress per
 * member, and the votes of the current election.
 *
 * Invariant: voters and learners are disjoint, and `progress` has exactly their union as keys.
 */
export class ProgressTracker {
  private voterIds: NodeId[] = [];
  private learnerIds: NodeId[] = [];
  readonly progress = new Map<NodeId, Progress>();
  readonly votes = new Map<NodeId, boolean>();

  constructor(
    readonly maxInflightMsgs: number,
    readonly maxInflightBytes: number,
  ) {}

  voters(): readonly NodeId[] {
    return this.voterIds;
  }

  learners(): readonly NodeId[] {
    return this.learnerIds;
  }

  confState(): ConfState {
    return { voters: [...this.voterIds], learners: [...this.learnerIds] };
  }

  isVoter(id: NodeId): boolean {
    return this.voterIds.includes(id);
  }

  /**
   * Replaces the membership. Members that stay keep their progress; new members start probing at
   * `nextIndex`; members that leave are forgotten.
   */
  setConfig(cs: ConfState, nextIndex: number): void {
    const voters = [...new Set(cs.voters)].sort((a, b) => a - b);
    const learners = [...new Set(cs.learners)].filter((id) => !voters.includes(id)).sort((a, b) => a - b);
    const keep = new Set([...voters, ...learners]);
    for (const id of [...this.progress.keys()]) if (!keep.has(id)) this.progress.delete(id);
    for (const id of keep) {
      const isLearner = learners.includes(id);
      const pr = this.progress.get(id);
      if (pr === undefined) {
        const p = new Progress(0, nextIndex, this.maxInflightMsgs, this.maxInflightBytes, isLearner);
        // A new member is given the benefit of the doubt, so that adding it does not make a
        // CheckQuorum leader step down before it has had a chance to answer.
        p.recentActive = true;
        this.progress.set(id, p);
      } else {
        pr.isLearner = isLearner;
      }
    }
    this.voterIds = voters;
    this.learnerIds = learners;
  }

  /** The largest index acknowledged by a majority of voters. */
  committed(): number {
    return committedIndex(this.voterIds, (id) => this.progress.get(id)?.match ?? 0);
  }

  /** Whether a majority of voters has been heard from recently (`self` always counts). */
  quorumActive(self: NodeId): boolean {
    const votes = new Map<NodeId, boolean>();
    for (const id of this.voterIds) {
      const pr = this.progress.get(id);
      votes.set(id, id === self || (pr?.recentActive ?? false));
    }
    return voteResult(this.voterIds, votes) === 'won';
  }

  resetVotes(): void {
    this.votes.clear();
  }

  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voterIds) {
      const v = this.votes.get(id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    return { granted, rejected, result: voteResult(this.voterIds, this.votes) };
  }
}
