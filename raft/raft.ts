import { applyConfChangeTo, decodeConfChange, encodeConfChange, validateConfChange } from './confchange.js';
import { resolveConfig, type RaftConfig, type RaftLogger, type ResolvedRaftConfig } from './config.js';
import { RaftError, RaftErrorCode, invariant } from './errors.js';
import { RaftLog, payloadBytes } from './log.js';
import { ReadOnly } from './read_only.js';
import { ProgressTracker } from './tracker/tracker.js';
import type { Progress } from './tracker/progress.js';
import {
  NONE,
  assertNever,
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type MsgApp,
  type MsgAppResp,
  type MsgHeartbeat,
  type MsgProp,
  type MsgReadIndex,
  type MsgSnap,
  type MsgVote,
  type NodeId,
  type ReadState,
  type SoftState,
  type StateRole,
} from './types.js';

/** Why a campaign starts: a timeout (with PreVote if enabled), or a leadership transfer. */
type CampaignKind = 'preElection' | 'election' | 'transfer';

/** Messages as built before `send` stamps the sender (and, for most, the term). */
type Outgoing = Message extends infer M ? (M extends Message ? Omit<M, 'from' | 'term'> & { term?: number } : never) : never;

/**
 * The Raft consensus algorithm for one member, as a pure synchronous state machine. Inputs are
 * tick(), step() and the local requests; outputs accumulate in `msgs` and `readStates` and in the
 * log, and RawNode packages them into a Ready. Nothing here touches a clock, a socket or a disk.
 */
export class Raft {
  readonly id: NodeId;
  /** Invariant: term never decreases. */
  term = 0;
  /** Whom this member voted for in `term`. Invariant: at most one vote per term. */
  vote: NodeId = NONE;
  /** The leader of `term` as far as this member knows, or NONE. */
  lead: NodeId = NONE;
  state: StateRole = 'follower';
  readonly raftLog: RaftLog;
  readonly trk: ProgressTracker;
  /** Outgoing messages, drained by RawNode.ready(). */
  msgs: Message[] = [];
  /** Answers to readIndex requests made on this member, drained by RawNode.ready(). */
  readStates: ReadState[] = [];

  /** The member leadership is being transferred to, or NONE. Proposals are refused meanwhile. */
  leadTransferee: NodeId = NONE;
  /**
   * The log index of the last membership change proposed by this leader (or its lastIndex when it
   * became leader). A new change is accepted only once this index is applied.
   */
  pendingConfIndex = 0;
  /** Payload bytes appended by this leader and not yet applied (for maxUncommittedEntriesBytes). */
  uncommittedBytes = 0;

  private readonly readOnly: { current: ReadOnly } = { current: new ReadOnly() };
  /** readIndex requests received before this leader committed an entry of its own term. */
  private pendingReadIndexMessages: MsgReadIndex[] = [];

  /**
   * Leader: ticks since the last heartbeat round. Others: unused.
   * Invariant: heartbeatElapsed < heartbeatTimeout between ticks.
   */
  private heartbeatElapsed = 0;
  /**
   * Leader/candidate: ticks since becoming so (for CheckQuorum and transfer timeouts).
   * Follower: ticks since it last heard from a valid leader (or granted a vote).
   */
  electionElapsed = 0;
  private readonly electionTimeout: number;
  private readonly heartbeatTimeout: number;
  /** In [electionTimeout, 2 * electionTimeout); redrawn at every term change. */
  private randomizedElectionTimeout = 0;

  private readonly cfg: ResolvedRaftConfig;
  private readonly logger: RaftLogger;

  constructor(config: RaftConfig) {
    this.cfg = resolveConfig(config);
    this.id = this.cfg.id;
    this.logger = this.cfg.logger;
    this.electionTimeout = this.cfg.electionTick;
    this.heartbeatTimeout = this.cfg.heartbeatTick;
    this.raftLog = new RaftLog(this.cfg.storage);
    this.trk = new ProgressTracker(this.cfg.maxInflightMsgs, this.cfg.maxInflightBytes);

    const { hardState, confState } = this.cfg.storage.initialState();
    this.trk.setConfig(confState, this.raftLog.lastIndex() + 1);
    if (hardState.term !== 0 || hardState.vote !== NONE || hardState.commit !== 0) this.loadState(hardState);
    if (this.cfg.applied > 0) this.raftLog.appliedTo(Math.min(this.cfg.applied, this.raftLog.committed));
    this.becomeFollower(this.term, NONE);
    this.logger.info(
      { id: this.id, term: this.term, commit: this.raftLog.committed, applied: this.raftLog.applied, lastIndex: this.raftLog.lastIndex(), lastTerm: this.raftLog.lastTerm(), voters: this.trk.voters(), learners: this.trk.learners() },
      'raft: new member',
    );
  }

  // -------------------------------------------------------------------------------------------
  // State accessors
  // -------------------------------------------------------------------------------------------

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  softState(): SoftState {
    return { lead: this.lead, role: this.state };
  }

  /** Maximum payload bytes of committed entries per Ready (0: no limit). */
  get maxCommittedSizePerReadyBytes(): number {
    return this.cfg.maxCommittedSizePerReadyBytes;
  }

  voters(): readonly NodeId[] {
    return this.trk.voters();
  }

  learners(): readonly NodeId[] {
    return this.trk.learners();
  }

  /** Whether this member may campaign: it is a voter and has no snapshot waiting to be applied. */
  promotable(): boolean {
    return this.trk.isVoter(this.id) && !this.raftLog.hasPendingSnapshot();
  }

  private loadState(hs: HardState): void {
    invariant(
      hs.commit >= this.raftLog.committed && hs.commit <= this.raftLog.lastIndex(),
      () => `member ${this.id}: persisted commit ${hs.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`,
    );
    this.raftLog.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  // -------------------------------------------------------------------------------------------
  // Role transitions
  // -------------------------------------------------------------------------------------------

  private reset(term: number): void {
    if (this.term !== term) {
      invariant(term > this.term, () => `term must not decrease (${this.term} -> ${term})`);
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.electionTimeout + this.cfg.rng.int(this.electionTimeout);
    this.abortLeaderTransfer();
    this.trk.resetVotes();
    const last = this.raftLog.lastIndex();
    for (const [id, pr] of this.trk.progress) {
      pr.becomeProbe();
      pr.match = id === this.id ? last : 0;
      pr.next = last + 1;
      pr.recentActive = id === this.id;
      pr.msgAppFlowPaused = false;
    }
    this.pendingConfIndex = 0;
    this.uncommittedBytes = 0;
    this.readOnly.current = new ReadOnly();
    this.pendingReadIndexMessages = [];
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.state = 'follower';
    this.logger.debug({ id: this.id, term: this.term, lead }, 'raft: became follower');
  }

  private becomePreCandidate(): void {
    invariant(this.state !== 'leader', 'invalid transition [leader -> preCandidate]');
    // PreVote does not change the term or the vote: the member only asks whether it could win.
    this.trk.resetVotes();
    this.lead = NONE;
    this.state = 'preCandidate';
    this.logger.debug({ id: this.id, term: this.term }, 'raft: became pre-candidate');
  }

  private becomeCandidate(): void {
    invariant(this.state !== 'leader', 'invalid transition [leader -> candidate]');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = 'candidate';
    this.logger.debug({ id: this.id, term: this.term }, 'raft: became candidate');
  }

  private becomeLeader(): void {
    invariant(this.state !== 'follower', 'invalid transition [follower -> leader]');
    this.reset(this.term);
    this.lead = this.id;
    this.state = 'leader';
    const self = this.trk.progress.get(this.id);
    if (self !== undefined) self.becomeReplicate();
    // Conservatively treat the whole uncommitted tail as possibly holding a membership change: no
    // new change is accepted until everything this leader inherited is applied.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // An entry of the new term, so that earlier entries can be committed (figure 8) and so that
    // ReadIndex can be served once it commits.
    const ok = this.appendEntries([{ term: 0, index: 0, type: 'normal', data: new Uint8Array(0) }]);
    invariant(ok, 'empty entry was dropped');
    this.uncommittedBytes = 0;
    this.logger.info({ id: this.id, term: this.term, lastIndex: this.raftLog.lastIndex() }, 'raft: became leader');
  }

  // -------------------------------------------------------------------------------------------
  // Ticks
  // -------------------------------------------------------------------------------------------

  tick(): void {
    if (this.state === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup(this.cfg.preVote ? 'preElection' : 'election');
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum) {
        if (!this.trk.quorumActive(this.id)) {
          this.logger.warn({ id: this.id, term: this.term }, 'raft: stepped down to follower since quorum is not active');
          this.becomeFollower(this.term, NONE);
          return;
        }
        for (const [id, pr] of this.trk.progress) if (id !== this.id) pr.recentActive = false;
      }
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Elections
  // -------------------------------------------------------------------------------------------

  /** Starts a campaign if this member is allowed to. */
  hup(kind: CampaignKind): void {
    if (this.state === 'leader') return;
    if (!this.promotable()) {
      this.logger.warn({ id: this.id }, 'raft: is unpromotable and cannot campaign');
      return;
    }
    if (this.hasUnappliedConfChanges()) {
      this.logger.warn({ id: this.id, term: this.term }, 'raft: cannot campaign since there are committed configuration changes still to apply');
      return;
    }
    this.campaign(kind);
  }

  private hasUnappliedConfChanges(): boolean {
    const log = this.raftLog;
    if (log.applied >= log.committed) return false;
    const lo = Math.max(log.applied + 1, log.firstIndex());
    if (lo > log.committed) return false;
    for (const e of log.slice(lo, log.committed + 1, Infinity)) if (e.type === 'confChange') return true;
    return false;
  }

  private campaign(kind: CampaignKind): void {
    let voteType: 'MsgVote' | 'MsgPreVote';
    let term: number;
    if (kind === 'preElection') {
      this.becomePreCandidate();
      voteType = 'MsgPreVote';
      // A PreVote asks for the term the member would campaign in; its own term does not change.
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteType = 'MsgVote';
      term = this.term;
    }
    this.trk.recordVote(this.id, true);
    if (this.trk.tallyVotes().result === 'won') {
      // A single-voter cluster wins at once.
      if (kind === 'preElection') this.campaign('election');
      else this.becomeLeader();
      return;
    }
    const lastIndex = this.raftLog.lastIndex();
    const lastTerm = this.raftLog.lastTerm();
    for (const id of this.trk.voters()) {
      if (id === this.id) continue;
      this.send({ type: voteType, to: id, term, index: lastIndex, logTerm: lastTerm, transfer: kind === 'transfer' });
    }
  }

  private poll(from: NodeId, granted: boolean): void {
    this.trk.recordVote(from, granted);
    const { result } = this.trk.tallyVotes();
    if (result === 'won') {
      if (this.state === 'preCandidate') this.campaign('election');
      else {
        this.becomeLeader();
        this.bcastAppend();
      }
    } else if (result === 'lost') {
      // A lost PreVote or vote: wait for a leader, or the next timeout.
      this.becomeFollower(this.term, NONE);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Step: every message from a peer, and every forwarded request, comes through here.
  // -------------------------------------------------------------------------------------------

  step(m: Message): void {
    if (m.term === 0) {
      // Forwarded proposals and read requests carry no term: they are treated like local requests.
    } else if (m.term > this.term) {
      if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
        const inLease = this.cfg.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
        if (!m.transfer && inLease) {
          // We heard from a leader within the minimum election timeout: this campaign is most likely
          // from a member that was cut off, and would only disrupt a healthy cluster.
          this.logger.debug({ id: this.id, term: this.term, from: m.from, msgTerm: m.term }, 'raft: ignored vote request within leader lease');
          return;
        }
      }
      if (m.type === 'MsgPreVote') {
        // Never change our term in response to a PreVote.
      } else if (m.type === 'MsgPreVoteResp' && !m.reject) {
        // A granted PreVote carries the future term; we bump it ourselves if the PreVote wins.
      } else if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
        // A leader of an older term that was cut off. Tell it our term so it steps down; otherwise,
        // with CheckQuorum or PreVote, we might never campaign and never bump its term.
        this.send({ type: 'MsgAppResp', to: m.from, index: 0, reject: false, rejectHint: 0, logTerm: 0 });
      } else if (m.type === 'MsgPreVote') {
        // Reject, so that the pre-candidate learns of the newer term.
        this.send({ type: 'MsgPreVoteResp', to: m.from, reject: true });
      }
      return;
    }

    switch (m.type) {
      case 'MsgVote':
      case 'MsgPreVote':
        this.handleVoteRequest(m);
        return;
      default:
        break;
    }
    switch (this.state) {
      case 'leader':
        this.stepLeader(m);
        return;
      case 'candidate':
      case 'preCandidate':
        this.stepCandidate(m);
        return;
      case 'follower':
        this.stepFollower(m);
        return;
      default:
        assertNever(this.state, 'role');
    }
  }

  private handleVoteRequest(m: MsgVote): void {
    // We can vote if this is a repeat of a vote we cast, if we have not voted and know of no leader
    // in this term, or if it is a PreVote for a future term.
    const canVote =
      this.vote === m.from || (this.vote === NONE && this.lead === NONE) || (m.type === 'MsgPreVote' && m.term > this.term);
    const respType = m.type === 'MsgVote' ? 'MsgVoteResp' : 'MsgPreVoteResp';
    if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
      // The response carries the term of the request: for a PreVote, our own term may be lower, and
      // the candidate must recognise the answer as belonging to its campaign.
      this.send({ type: respType, to: m.from, term: m.term, reject: false });
      if (m.type === 'MsgVote') {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: respType, to: m.from, term: this.term, reject: true });
    }
  }

  private stepLeader(m: Message): void {
    switch (m.type) {
      case 'MsgProp':
        this.leaderPropose(m);
        return;
      case 'MsgReadIndex':
        this.leaderReadIndex(m);
        return;
      case 'MsgTransferLeader':
        this.leaderTransfer(m.transferee);
        return;
      case 'MsgAppResp':
        this.handleAppendResponse(m);
        return;
      case 'MsgHeartbeatResp':
        this.handleHeartbeatResponse(m.from, m.context);
        return;
      case 'MsgVoteResp':
      case 'MsgPreVoteResp':
      case 'MsgReadIndexResp':
        return; // stale answers to a campaign or a read we no longer care about
      case 'MsgApp':
      case 'MsgHeartbeat':
      case 'MsgSnap':
      case 'MsgTimeoutNow':
        // Same term, another leader: impossible by Election Safety.
        invariant(false, () => `leader ${this.id} got ${m.type} from ${m.from} in its own term ${this.term}`);
        return;
      case 'MsgVote':
      case 'MsgPreVote':
        return; // handled in step
      default:
        assertNever(m, 'message');
    }
  }

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case 'MsgProp':
        this.dropProposal(m, RaftErrorCode.NO_LEADER, 'no leader: an election is in progress');
        return;
      case 'MsgReadIndex':
        this.dropReadIndex(m);
        return;
      case 'MsgTransferLeader':
        return;
      case 'MsgApp':
        this.becomeFollower(m.term, m.from);
        this.handleAppendEntries(m);
        return;
      case 'MsgHeartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case 'MsgSnap':
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return;
      case 'MsgPreVoteResp':
        if (this.state === 'preCandidate') this.poll(m.from, !m.reject);
        return;
      case 'MsgVoteResp':
        if (this.state === 'candidate') this.poll(m.from, !m.reject);
        return;
      case 'MsgTimeoutNow':
      case 'MsgAppResp':
      case 'MsgHeartbeatResp':
      case 'MsgReadIndexResp':
        return;
      case 'MsgVote':
      case 'MsgPreVote':
        return;
      default:
        assertNever(m, 'message');
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'MsgProp':
        if (this.lead === NONE) {
          this.dropProposal(m, RaftErrorCode.NO_LEADER, 'no leader: the proposal cannot be forwarded');
          return;
        }
        this.send({ type: 'MsgProp', to: this.lead, term: 0, entries: m.entries });
        return;
      case 'MsgReadIndex':
        if (this.lead === NONE) {
          this.dropReadIndex(m);
          return;
        }
        this.send({ type: 'MsgReadIndex', to: this.lead, term: 0, context: m.context });
        return;
      case 'MsgTransferLeader':
        if (this.lead === NONE) return;
        this.send({ type: 'MsgTransferLeader', to: this.lead, transferee: m.transferee });
        return;
      case 'MsgApp':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppendEntries(m);
        return;
      case 'MsgHeartbeat':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleHeartbeat(m);
        return;
      case 'MsgSnap':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnapshot(m);
        return;
      case 'MsgTimeoutNow':
        // Our leader asks us to take over: campaign at once, skipping PreVote and leader leases.
        this.logger.info({ id: this.id, term: this.term, from: m.from }, 'raft: received MsgTimeoutNow, campaigning to take over leadership');
        this.hup('transfer');
        return;
      case 'MsgReadIndexResp':
        this.readStates.push({ index: m.index, context: m.context });
        return;
      case 'MsgAppResp':
      case 'MsgHeartbeatResp':
      case 'MsgVoteResp':
      case 'MsgPreVoteResp':
      case 'MsgVote':
      case 'MsgPreVote':
        return;
      default:
        assertNever(m, 'message');
    }
  }

  // -------------------------------------------------------------------------------------------
  // Local requests. Errors are thrown for requests made on this member; forwarded requests that
  // cannot be served are dropped (the forwarder times out, as it would on a lost message).
  // -------------------------------------------------------------------------------------------

  private isLocal(m: { from: NodeId }): boolean {
    return m.from === this.id;
  }

  private dropProposal(m: MsgProp, code: RaftErrorCode, reason: string): void {
    if (this.isLocal(m)) throw new RaftError(code, `member ${this.id}: proposal dropped: ${reason}`);
    this.logger.debug({ id: this.id, term: this.term, from: m.from, reason }, 'raft: dropped forwarded proposal');
  }

  private dropReadIndex(m: MsgReadIndex): void {
    if (this.isLocal(m)) throw new RaftError(RaftErrorCode.NO_LEADER, `member ${this.id}: read index dropped: no leader`);
  }

  private leaderPropose(m: MsgProp): void {
    invariant(m.entries.length > 0, 'empty proposal');
    if (!this.trk.progress.has(this.id)) {
      this.dropProposal(m, RaftErrorCode.PROPOSAL_DROPPED, 'this member was removed from the cluster');
      return;
    }
    if (this.leadTransferee !== NONE) {
      this.dropProposal(m, RaftErrorCode.PROPOSAL_DROPPED, `leadership is being transferred to ${this.leadTransferee}`);
      return;
    }
    let cs: ConfState | undefined;
    for (const e of m.entries) {
      if (e.type !== 'confChange') continue;
      if (this.pendingConfIndex > this.raftLog.applied || cs !== undefined) {
        this.dropProposal(m, RaftErrorCode.CONF_CHANGE_PENDING, `a membership change is still pending (index ${this.pendingConfIndex}, applied ${this.raftLog.applied})`);
        return;
      }
      const cc = decodeConfChange(e.data);
      cs = this.trk.confState();
      const why = validateConfChange(cs, cc);
      if (why !== undefined) {
        this.dropProposal(m, RaftErrorCode.CONF_CHANGE_INVALID, why);
        return;
      }
    }
    if (!this.appendEntries(m.entries)) {
      this.dropProposal(m, RaftErrorCode.PROPOSAL_DROPPED, 'too many uncommitted bytes');
      return;
    }
    if (cs !== undefined) this.pendingConfIndex = this.raftLog.lastIndex();
    this.bcastAppend();
  }

  private leaderReadIndex(m: MsgReadIndex): void {
    if (this.trk.voters().length === 1 && this.trk.isVoter(this.id)) {
      // A single voter is always the leader of a quorum of one.
      this.respondToReadIndex(m, this.raftLog.committed);
      return;
    }
    if (!this.committedEntryInCurrentTerm()) {
      // Our commit index may lag the real one until an entry of our term commits; wait for it.
      this.pendingReadIndexMessages.push(m);
      return;
    }
    this.sendReadIndexRound(m);
  }

  private sendReadIndexRound(m: MsgReadIndex): void {
    this.readOnly.current.addRequest(this.raftLog.committed, m);
    this.readOnly.current.recvAck(this.id, m.context);
    this.bcastHeartbeat(m.context);
  }

  private committedEntryInCurrentTerm(): boolean {
    return this.raftLog.termOrZero(this.raftLog.committed) === this.term;
  }

  private releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0 || !this.committedEntryInCurrentTerm()) return;
    const msgs = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of msgs) this.sendReadIndexRound(m);
  }

  private respondToReadIndex(m: MsgReadIndex, index: number): void {
    if (this.isLocal(m)) this.readStates.push({ index, context: m.context });
    else this.send({ type: 'MsgReadIndexResp', to: m.from, index, context: m.context });
  }

  private leaderTransfer(transferee: NodeId): void {
    const pr = this.trk.progress.get(transferee);
    if (pr === undefined || pr.isLearner) {
      this.logger.debug({ id: this.id, transferee }, 'raft: ignored transfer to a non-voter');
      return;
    }
    if (this.leadTransferee !== NONE) {
      if (this.leadTransferee === transferee) return;
      this.abortLeaderTransfer();
    }
    // Transferring to ourselves cancels any transfer in progress, and is otherwise nothing to do.
    if (transferee === this.id) return;
    this.logger.info({ id: this.id, term: this.term, transferee }, 'raft: starting leadership transfer');
    this.leadTransferee = transferee;
    // The transfer must finish within one election timeout, or it is abandoned.
    this.electionElapsed = 0;
    if (pr.match === this.raftLog.lastIndex()) this.sendTimeoutNow(transferee);
    else this.sendAppend(transferee);
  }

  private abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  private sendTimeoutNow(to: NodeId): void {
    this.send({ type: 'MsgTimeoutNow', to });
  }

  // -------------------------------------------------------------------------------------------
  // Replication, leader side
  // -------------------------------------------------------------------------------------------

  /** Appends entries (stamping term and index). Returns false if the uncommitted-bytes limit refuses them. */
  private appendEntries(es: readonly Entry[]): boolean {
    const bytes = payloadBytes(es);
    const limit = this.cfg.maxUncommittedEntriesBytes;
    if (limit > 0 && this.uncommittedBytes > 0 && bytes > 0 && this.uncommittedBytes + bytes > limit) return false;
    this.uncommittedBytes += bytes;
    let li = this.raftLog.lastIndex();
    const stamped: Entry[] = new Array(es.length);
    for (let i = 0; i < es.length; i++) {
      const e = es[i] as Entry;
      stamped[i] = { term: this.term, index: ++li, type: e.type, data: e.data };
    }
    li = this.raftLog.append(stamped);
    // The leader's own log counts toward the commit quorum at once. This is safe under the Ready
    // contract: nothing that depends on a commit leaves this member before the entries are durable.
    this.trk.progress.get(this.id)?.maybeUpdate(li);
    this.maybeCommit();
    return true;
  }

  /** Advances the commit index to what a majority has; returns whether it moved. */
  private maybeCommit(): boolean {
    return this.raftLog.maybeCommit(this.trk.committed(), this.term);
  }

  /** Releases committed bytes from the uncommitted budget once they are handed out to be applied. */
  reduceUncommittedBytes(bytes: number): void {
    this.uncommittedBytes = bytes > this.uncommittedBytes ? 0 : this.uncommittedBytes - bytes;
  }

  bcastAppend(): void {
    for (const id of this.trk.progress.keys()) if (id !== this.id) this.sendAppend(id);
  }

  private bcastHeartbeat(context?: Uint8Array): void {
    const ctx = context ?? this.readOnly.current.lastPendingContext();
    for (const [id, pr] of this.trk.progress) {
      if (id === this.id) continue;
      // Never tell a follower to commit past what it is known to have: its log may still differ.
      const commit = Math.min(pr.match, this.raftLog.committed);
      this.send(ctx === undefined ? { type: 'MsgHeartbeat', to: id, commit } : { type: 'MsgHeartbeat', to: id, commit, context: ctx });
    }
  }

  sendAppend(to: NodeId): void {
    this.maybeSendAppend(to, true);
  }

  /**
   * Sends a MsgApp (or a snapshot) to `to` if flow control allows. With sendIfEmpty false, nothing is
   * sent when there are no new entries. Returns whether a message was sent.
   */
  private maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.trk.progress.get(to);
    if (pr === undefined || pr.state === 'snapshot') return false;
    if (pr.state === 'probe' && pr.msgAppFlowPaused) return false;
    const windowFull = pr.state === 'replicate' && pr.inflights.full();
    const withEntries = !windowFull && pr.next <= this.raftLog.lastIndex();
    if (!withEntries) {
      if (!sendIfEmpty) return false;
      // Everything is in flight: at most one empty probe per heartbeat round, so that a window
      // whose messages were all lost is noticed (the follower rejects, and we back up).
      if (windowFull && !pr.takeWindowProbe()) return false;
    }
    const prevIndex = pr.next - 1;
    // The entries the follower needs are compacted away: it needs a snapshot.
    if (prevIndex < this.raftLog.firstIndex() - 1) return this.maybeSendSnapshot(to, pr);
    const prevTerm = this.raftLog.term(prevIndex);
    const ents = withEntries ? this.raftLog.entries(pr.next, this.cfg.maxSizePerMsgBytes) : [];
    this.send({ type: 'MsgApp', to, index: prevIndex, logTerm: prevTerm, entries: ents, commit: this.raftLog.committed });
    pr.sentEntries(ents.length, payloadBytes(ents));
    return true;
  }

  private maybeSendSnapshot(to: NodeId, pr: Progress): boolean {
    if (!pr.recentActive) {
      this.logger.debug({ id: this.id, to }, 'raft: not sending a snapshot to a member that is not recently active');
      return false;
    }
    let snapshot;
    try {
      snapshot = this.raftLog.snapshot();
    } catch (err) {
      if (err instanceof RaftError && err.code === RaftErrorCode.SNAPSHOT_TEMPORARILY_UNAVAILABLE) {
        this.logger.debug({ id: this.id, to }, 'raft: snapshot temporarily unavailable');
        return false;
      }
      throw err;
    }
    invariant(snapshot.metadata.index > 0, 'need a non-empty snapshot');
    this.logger.debug({ id: this.id, to, snapshotIndex: snapshot.metadata.index, progress: pr.toString() }, 'raft: sending snapshot');
    pr.becomeSnapshot(snapshot.metadata.index);
    this.send({ type: 'MsgSnap', to, snapshot });
    return true;
  }

  private handleAppendResponse(m: MsgAppResp): void {
    const pr = this.trk.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    if (m.reject) {
      // Fast backtracking: the follower told us the largest index <= rejectHint whose term is at most
      // m.logTerm. Skip to the last entry of ours whose term is at most that; one round trip per term.
      let nextProbeIdx = m.rejectHint;
      if (m.logTerm > 0) nextProbeIdx = this.raftLog.findConflictByTerm(m.rejectHint, m.logTerm).index;
      if (pr.maybeDecrTo(m.index, nextProbeIdx)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(m.from);
      }
      return;
    }
    const oldPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.index) && !(pr.match === m.index && pr.state === 'probe')) return;
    switch (pr.state) {
      case 'probe':
        pr.becomeReplicate();
        break;
      case 'snapshot':
        // The follower caught up past the snapshot, or far enough that the log can take it on.
        if (pr.match + 1 >= this.raftLog.firstIndex()) {
          pr.becomeProbe();
          pr.becomeReplicate();
        }
        break;
      case 'replicate':
        pr.inflights.freeLE(m.index);
        break;
    }
    if (this.maybeCommit()) {
      this.releasePendingReadIndexMessages();
      this.bcastAppend();
    } else if (oldPaused) {
      // The window was full and has room again: there may be entries waiting.
      this.sendAppend(m.from);
    }
    // Keep the pipeline full while flow control allows.
    while (this.maybeSendAppend(m.from, false)) {
      /* send the next batch */
    }
    if (m.from === this.leadTransferee && pr.match === this.raftLog.lastIndex()) {
      this.logger.info({ id: this.id, to: m.from }, 'raft: transferee is up to date, sending MsgTimeoutNow');
      this.sendTimeoutNow(m.from);
    }
  }

  private handleHeartbeatResponse(from: NodeId, context: Uint8Array | undefined): void {
    const pr = this.trk.progress.get(from);
    if (pr === undefined) return;
    pr.recentActive = true;
    pr.msgAppFlowPaused = false;
    if (pr.match < this.raftLog.lastIndex() || pr.state === 'probe') this.sendAppend(from);
    if (context === undefined || context.length === 0) return;
    const acks = this.readOnly.current.recvAck(from, context);
    if (acks === undefined) return;
    let granted = 0;
    for (const id of this.trk.voters()) if (acks.has(id)) granted++;
    if (granted < Math.floor(this.trk.voters().length / 2) + 1) return;
    for (const { req, index } of this.readOnly.current.advance(context)) this.respondToReadIndex(req, index);
  }

  // -------------------------------------------------------------------------------------------
  // Replication, follower side
  // -------------------------------------------------------------------------------------------

  private handleAppendEntries(m: MsgApp): void {
    if (m.index < this.raftLog.committed) {
      // Everything up to our commit index matches the leader already.
      this.send({ type: 'MsgAppResp', to: m.from, index: this.raftLog.committed, reject: false, rejectHint: 0, logTerm: 0 });
      return;
    }
    const lastNew = this.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      this.send({ type: 'MsgAppResp', to: m.from, index: lastNew, reject: false, rejectHint: 0, logTerm: 0 });
      return;
    }
    // Reject, with a hint: the largest index <= min(m.index, lastIndex) whose term is <= m.logTerm.
    // Any index above it cannot match the leader, so the leader may skip straight to it.
    const hint = this.raftLog.findConflictByTerm(Math.min(m.index, this.raftLog.lastIndex()), m.logTerm);
    this.logger.debug(
      { id: this.id, term: this.term, index: m.index, logTerm: m.logTerm, from: m.from, hintIndex: hint.index, hintTerm: hint.term },
      'raft: rejected MsgApp',
    );
    this.send({ type: 'MsgAppResp', to: m.from, index: m.index, reject: true, rejectHint: hint.index, logTerm: hint.term });
  }

  private handleHeartbeat(m: MsgHeartbeat): void {
    this.raftLog.commitTo(m.commit);
    this.send(m.context === undefined ? { type: 'MsgHeartbeatResp', to: m.from } : { type: 'MsgHeartbeatResp', to: m.from, context: m.context });
  }

  private handleSnapshot(m: MsgSnap): void {
    const { index, term } = m.snapshot.metadata;
    if (this.restore(m.snapshot)) {
      this.logger.info({ id: this.id, term: this.term, snapshotIndex: index, snapshotTerm: term }, 'raft: restored snapshot');
      this.send({ type: 'MsgAppResp', to: m.from, index: this.raftLog.lastIndex(), reject: false, rejectHint: 0, logTerm: 0 });
    } else {
      this.send({ type: 'MsgAppResp', to: m.from, index: this.raftLog.committed, reject: false, rejectHint: 0, logTerm: 0 });
    }
  }

  /** Installs a snapshot from the leader. Returns false if it was ignored (stale or already covered). */
  private restore(s: MsgSnap['snapshot']): boolean {
    const { index, term, confState } = s.metadata;
    if (index <= this.raftLog.committed) return false;
    if (this.state !== 'follower') {
      // Defence in depth: only followers install snapshots.
      this.logger.warn({ id: this.id, term: this.term }, 'raft: non-follower asked to restore a snapshot; stepping down');
      this.becomeFollower(this.term + 1, NONE);
      return false;
    }
    if (!confState.voters.includes(this.id) && !confState.learners.includes(this.id)) {
      this.logger.warn({ id: this.id, snapshotIndex: index }, 'raft: ignoring a snapshot whose configuration does not include this member');
      return false;
    }
    if (this.raftLog.matchTerm(index, term)) {
      // We have the entry the snapshot ends at: just move the commit index forward.
      this.raftLog.commitTo(index);
      return false;
    }
    this.raftLog.restore(s);
    this.trk.setConfig(confState, this.raftLog.lastIndex() + 1);
    for (const [id, pr] of this.trk.progress) {
      pr.match = id === this.id ? this.raftLog.lastIndex() : 0;
      pr.next = this.raftLog.lastIndex() + 1;
    }
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // Membership and driver reports
  // -------------------------------------------------------------------------------------------

  /** Applies a committed membership change; returns the new configuration. */
  applyConfChange(cc: ConfChange): ConfState {
    const before = this.trk.confState();
    const after = applyConfChangeTo(before, cc);
    if (after === before) {
      this.logger.warn({ id: this.id, change: { type: cc.type, nodeId: cc.nodeId } }, 'raft: ignored an invalid membership change');
      return before;
    }
    this.trk.setConfig(after, this.raftLog.lastIndex());
    this.logger.info({ id: this.id, term: this.term, change: { type: cc.type, nodeId: cc.nodeId }, voters: after.voters, learners: after.learners }, 'raft: applied membership change');

    if (this.state !== 'leader') return after;
    if (!this.trk.isVoter(this.id)) {
      // Removed or demoted: stop leading. The remaining voters elect a leader among themselves.
      this.becomeFollower(this.term, NONE);
      return after;
    }
    if (this.leadTransferee !== NONE && !this.trk.isVoter(this.leadTransferee)) this.abortLeaderTransfer();
    // A smaller quorum may commit more at once; either way, new members are probed straight away.
    if (this.maybeCommit()) this.bcastAppend();
    else for (const id of this.trk.progress.keys()) if (id !== this.id) this.maybeSendAppend(id, false);
    return after;
  }

  /** The driver could not deliver to `id`: stop streaming optimistically and probe instead. */
  reportUnreachable(id: NodeId): void {
    if (this.state !== 'leader') return;
    const pr = this.trk.progress.get(id);
    if (pr?.state === 'replicate') pr.becomeProbe();
  }

  /** The driver finished (ok) or failed sending a snapshot to `id`. */
  reportSnapshot(id: NodeId, ok: boolean): void {
    if (this.state !== 'leader') return;
    const pr = this.trk.progress.get(id);
    if (pr === undefined || pr.state !== 'snapshot') return;
    if (!ok) pr.pendingSnapshot = 0;
    pr.becomeProbe();
    // Wait for the follower's MsgAppResp (or a heartbeat round) before sending more.
    pr.msgAppFlowPaused = true;
  }

  /** Queues a proposal as a local MsgProp; throws RaftError when it cannot be accepted. */
  propose(entries: readonly Entry[]): void {
    this.step({ type: 'MsgProp', from: this.id, to: this.id, term: 0, entries });
  }

  readIndex(context: Uint8Array): void {
    this.step({ type: 'MsgReadIndex', from: this.id, to: this.id, term: 0, context });
  }

  transferLeadership(to: NodeId): void {
    this.step({ type: 'MsgTransferLeader', from: this.id, to: this.id, term: this.term, transferee: to });
  }

  proposeConfChange(cc: ConfChange): void {
    this.propose([{ term: 0, index: 0, type: 'confChange', data: encodeConfChange(cc) }]);
  }

  private send(out: Outgoing): void {
    // `out` is always a fresh literal built by the caller: stamp it in place rather than copy it
    // (the copy was a tenth of the simulator's time).
    const m = out as unknown as { from: NodeId; term: number | undefined };
    m.from = this.id;
    if (m.term === undefined) m.term = this.term;
    this.msgs.push(out as unknown as Message);
  }
}
