import type { RaftConfig } from './config.js';
import { RaftError, RaftErrorCode } from './errors.js';
import { payloadBytes } from './log.js';
import { Raft } from './raft.js';
import type { Ready } from './ready.js';
import type { ConfChange, ConfState, HardState, Message, NodeId, SoftState } from './types.js';
import { EMPTY_HARD_STATE } from './types.js';

/** A summary of a member's state, for status endpoints and tests. */
export interface RaftStatus {
  readonly id: NodeId;
  readonly hardState: HardState;
  readonly softState: SoftState;
  readonly applied: number;
  readonly lastIndex: number;
  readonly leadTransferee: NodeId;
  readonly config: ConfState;
  /** Only on a leader: each member's replication progress. */
  readonly progress?: ReadonlyMap<NodeId, { match: number; next: number; state: string; recentActive: boolean }>;
}

/**
 * The driver-facing API of the consensus core: feed it ticks, messages and requests; take a Ready;
 * persist, send and apply it; call advance(). See Ready for the contract.
 */
export class RawNode {
  readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  private outstanding: Ready | undefined;

  constructor(config: RaftConfig) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    const { hardState } = config.storage.initialState();
    this.prevHardState = hardState ?? EMPTY_HARD_STATE;
  }

  get id(): NodeId {
    return this.raft.id;
  }

  /** Advances the logical clock by one tick. */
  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (used by tests and to speed up single-node start-up). */
  campaign(): void {
    this.raft.hup('election');
  }

  /** Delivers a message from a peer. Messages from members unknown to this one are still stepped. */
  step(m: Message): void {
    this.raft.step(m);
  }

  /**
   * Proposes a command. On a follower it is forwarded to the leader (and may be lost like any
   * message: the caller learns the outcome by seeing the entry applied, or by timing out).
   * Throws RaftError NO_LEADER when no leader is known, PROPOSAL_DROPPED when refused.
   */
  propose(data: Uint8Array): void {
    this.raft.propose([{ term: 0, index: 0, type: 'normal', data }]);
  }

  /** Proposes several commands at once (they are appended as one batch). */
  proposeBatch(datas: readonly Uint8Array[]): void {
    if (datas.length === 0) return;
    this.raft.propose(datas.map((data) => ({ term: 0, index: 0, type: 'normal' as const, data })));
  }

  /** Proposes a membership change. Also throws CONF_CHANGE_PENDING and CONF_CHANGE_INVALID. */
  proposeConfChange(cc: ConfChange): void {
    this.raft.proposeConfChange(cc);
  }

  /** Applies a committed membership change (call it when applying its entry); returns the new membership. */
  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  /**
   * Requests a linearizable read point. The answer arrives in a later Ready's readStates with the
   * same context. Throws RaftError NO_LEADER when no leader is known.
   */
  readIndex(context: Uint8Array): void {
    this.raft.readIndex(context);
  }

  /** Asks the leader to hand leadership to `to` (forwarded to the leader when called on a follower). */
  transferLeadership(to: NodeId): void {
    this.raft.transferLeadership(to);
  }

  reportUnreachable(id: NodeId): void {
    this.raft.reportUnreachable(id);
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    this.raft.reportSnapshot(id, ok);
  }

  hasReady(): boolean {
    const r = this.raft;
    if (r.msgs.length > 0 || r.readStates.length > 0) return true;
    if (r.raftLog.unstableEntries().length > 0 || r.raftLog.hasPendingSnapshot()) return true;
    if (r.raftLog.hasNextCommittedEnts()) return true;
    if (r.lead !== this.prevSoftState.lead || r.state !== this.prevSoftState.role) return true;
    return !sameHardState(r.hardState(), this.prevHardState);
  }

  /** Takes the next batch of work. Call advance(ready) when it has been handled. */
  ready(): Ready {
    if (this.outstanding !== undefined) {
      throw new RaftError(RaftErrorCode.READY_MISUSE, 'ready() called again before advance()');
    }
    const r = this.raft;
    const soft = r.softState();
    const hard = r.hardState();
    const entries = r.raftLog.unstableEntries().slice();
    const snapshot = r.raftLog.unstable.snapshot;
    const mustSync = entries.length > 0 || hard.term !== this.prevHardState.term || hard.vote !== this.prevHardState.vote;
    const rd: Ready = {
      softState: soft.lead !== this.prevSoftState.lead || soft.role !== this.prevSoftState.role ? soft : undefined,
      hardState: sameHardState(hard, this.prevHardState) ? undefined : hard,
      readStates: r.readStates,
      entries,
      snapshot,
      committedEntries: r.raftLog.nextCommittedEnts(r.maxCommittedSizePerReadyBytes > 0 ? r.maxCommittedSizePerReadyBytes : Infinity),
      messages: r.msgs,
      mustSync: mustSync || snapshot !== undefined,
    };
    r.msgs = [];
    r.readStates = [];
    this.prevSoftState = soft;
    this.prevHardState = hard;
    this.outstanding = rd;
    return rd;
  }

  /** Marks a Ready as handled: its entries and snapshot are durable and its committed entries applied. */
  advance(rd: Ready): void {
    if (this.outstanding !== rd) throw new RaftError(RaftErrorCode.READY_MISUSE, 'advance() called with a Ready that is not the outstanding one');
    this.outstanding = undefined;
    const log = this.raft.raftLog;
    if (rd.snapshot !== undefined) {
      log.stableSnapTo(rd.snapshot.metadata.index);
      if (rd.snapshot.metadata.index > log.applied) log.applied = rd.snapshot.metadata.index;
    }
    const last = rd.entries[rd.entries.length - 1];
    if (last !== undefined) log.stableTo(last.index, last.term);
    const lastApplied = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastApplied !== undefined) {
      log.appliedTo(lastApplied.index);
      this.raft.reduceUncommittedBytes(payloadBytes(rd.committedEntries));
    }
  }

  status(): RaftStatus {
    const r = this.raft;
    let progress: Map<NodeId, { match: number; next: number; state: string; recentActive: boolean }> | undefined;
    if (r.state === 'leader') {
      progress = new Map();
      for (const [id, pr] of r.trk.progress) progress.set(id, { match: pr.match, next: pr.next, state: pr.state, recentActive: pr.recentActive });
    }
    return {
      id: r.id,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.raftLog.applied,
      lastIndex: r.raftLog.lastIndex(),
      leadTransferee: r.leadTransferee,
      config: r.trk.confState(),
      ...(progress === undefined ? {} : { progress }),
    };
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

