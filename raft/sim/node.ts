import { decodeConfChange, RawNode } from '../index.js';
import type { Prng } from '../rand.js';
import type { Ready } from '../ready.js';
import type { ConfChange, ConfState, Entry, Message, MsgSnap, NodeId, ReadState, Snapshot, StateRole } from '../types.js';
import { SimDisk, type BootstrapMode, type WriteRecord } from './disk.js';
import { HashStateMachine } from './state-machine.js';

/** Per-node settings, the same for every node of one run. */
export interface SimNodeConfig {
  readonly electionTick: number;
  readonly heartbeatTick: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly maxSizePerMsgBytes: number;
  readonly maxInflightMsgs: number;
  readonly maxCommittedSizePerReadyBytes: number;
  readonly maxInflightBytes: number;
  readonly maxUncommittedEntriesBytes: number;
  /** Take a snapshot and compact the log once this many entries were applied since the last one. */
  readonly snapshotEveryEntries: number;
  /** Entries kept behind a snapshot (0 compacts everything it covers). */
  readonly compactionTailEntries: number;
  /** How initial members are given the initial membership (see SimDisk). */
  readonly bootstrap: BootstrapMode;
  /** What a MsgSnap carries: the state as of the last applied index (etcd) or the stored snapshot. */
  readonly snapshotSource: 'applied' | 'stored';
  /** A deliberate driver bug, to show the checkers catch it (see SimDisk.forgetVotes). */
  readonly unsafeDriver?: 'forgetVotes';
}

/** What a node reports while it handles a Ready; the cluster feeds it to the checkers and the trace. */
export interface SimNodeHost {
  /** A message leaving the node (only once the Ready it came in is durable). */
  send(from: SimNode, m: Message): void;
  persisted(node: SimNode, write: WriteRecord): void;
  /** The state machine restored itself from a snapshot (installed from the leader). */
  restored(node: SimNode, snapshot: Snapshot): void;
  applied(node: SimNode, e: Entry): void;
  confChangeApplied(node: SimNode, cc: ConfChange, confState: ConfState, ignored: boolean): void;
  readState(node: SimNode, rs: ReadState): void;
  snapshotTaken(node: SimNode, index: number, compactedTo: number): void;
}

/** What the cluster last saw of a node, to trace changes and detect a new leader. */
export interface ObservedState {
  role: StateRole;
  term: number;
  lead: NodeId;
  durableCommit: number;
}

/**
 * One simulated member: a RawNode over a durable disk, plus the application state machine. A crash
 * discards the core, the state machine and any Ready not yet written; a restart rebuilds them from
 * the disk (the state machine from the latest snapshot, then the committed entries re-applied).
 */
export class SimNode {
  readonly disk: SimDisk;
  sm: HashStateMachine;
  /** Membership as of sm.appliedIndex. */
  confState: ConfState;
  /** Bumped at every start, so events for a previous life of this node are recognised as stale. */
  incarnation = 0;
  /** The Ready taken from the core and not yet advanced (being written to disk). */
  pendingReady: Ready | undefined;
  observed: ObservedState = { role: 'follower', term: 0, lead: 0, durableCommit: 0 };
  private core: RawNode | undefined;

  constructor(
    readonly id: NodeId,
    bootstrap: ConfState | undefined,
    private readonly config: SimNodeConfig,
    private readonly rng: Prng,
    /** Virtual milliseconds between ticks of this node's clock (skewed per node). */
    readonly tickMs: number,
  ) {
    this.disk = new SimDisk(bootstrap, config.bootstrap);
    this.disk.forgetVotes = config.unsafeDriver === 'forgetVotes';
    this.sm = new HashStateMachine(id);
    this.confState = this.disk.storage.initialState().confState;
  }

  get alive(): boolean {
    return this.core !== undefined;
  }

  /** The running core. Throws when the node is down. */
  get raw(): RawNode {
    if (this.core === undefined) throw new Error(`sim: n${this.id} is down`);
    return this.core;
  }

  /** Starts (or restarts) the node from its disk. */
  start(): void {
    const storage = this.disk.storage;
    const snap = storage.snapshot();
    this.sm = new HashStateMachine(this.id);
    this.sm.restore(snap.metadata.index, snap.data);
    this.confState = storage.initialState().confState;
    this.pendingReady = undefined;
    this.incarnation++;
    const c = this.config;
    this.core = new RawNode({
      id: this.id,
      electionTick: c.electionTick,
      heartbeatTick: c.heartbeatTick,
      storage,
      applied: snap.metadata.index,
      preVote: c.preVote,
      checkQuorum: c.checkQuorum,
      maxSizePerMsgBytes: c.maxSizePerMsgBytes,
      maxInflightMsgs: c.maxInflightMsgs,
      maxCommittedSizePerReadyBytes: c.maxCommittedSizePerReadyBytes,
      maxInflightBytes: c.maxInflightBytes,
      maxUncommittedEntriesBytes: c.maxUncommittedEntriesBytes,
      rng: this.rng.fork(),
    });
    const r = this.core.raft;
    this.observed = { role: r.state, term: r.term, lead: r.lead, durableCommit: storage.getHardState().commit };
  }

  /** Kills the node. Returns the Ready that was being written, whose writes and messages are lost. */
  crash(): Ready | undefined {
    const lost = this.pendingReady;
    this.core = undefined;
    this.pendingReady = undefined;
    return lost;
  }

  /** Takes the next Ready if the node is up, idle and the core has one. */
  takeReady(): Ready | undefined {
    const core = this.core;
    if (core === undefined || this.pendingReady !== undefined || !core.hasReady()) return undefined;
    this.pendingReady = core.ready();
    return this.pendingReady;
  }

  /** Handles the pending Ready, in the order ready.ts prescribes: persist, send, apply, advance. */
  handleReady(host: SimNodeHost): void {
    const rd = this.pendingReady;
    const core = this.raw;
    if (rd === undefined) throw new Error(`sim: n${this.id} has no pending Ready`);
    host.persisted(this, this.disk.persist(rd));
    for (const m of rd.messages) host.send(this, m.type === 'MsgSnap' ? this.freshSnapshot(m) : m);
    if (rd.snapshot !== undefined) {
      this.sm.restore(rd.snapshot.metadata.index, rd.snapshot.data);
      this.confState = rd.snapshot.metadata.confState;
      host.restored(this, rd.snapshot);
    }
    for (const e of rd.committedEntries) {
      this.sm.apply(e);
      if (e.type === 'confChange') {
        const cc = decodeConfChange(e.data);
        const before = this.confState;
        this.confState = core.applyConfChange(cc);
        host.confChangeApplied(this, cc, this.confState, sameConf(before, this.confState));
      }
      host.applied(this, e);
    }
    for (const rs of rd.readStates) host.readState(this, rs);
    this.pendingReady = undefined;
    core.advance(rd);
    this.maybeSnapshot(host);
  }

  /**
   * With snapshotSource 'applied', a MsgSnap leaves carrying the state machine as of now (the last
   * applied index and the current membership) rather than the stored snapshot, as etcd's server
   * does (createMergedSnapshotMessage). A stored snapshot can predate the change that (re-)added
   * the recipient, which then ignores it.
   */
  private freshSnapshot(m: MsgSnap): MsgSnap {
    const applied = this.sm.appliedIndex;
    if (this.config.snapshotSource === 'stored' || applied <= m.snapshot.metadata.index) return m;
    const metadata = { index: applied, term: this.disk.storage.term(applied), confState: this.confState };
    return { ...m, snapshot: { data: this.sm.snapshotData(), metadata } };
  }

  /** Snapshots the state machine and compacts the log every snapshotEveryEntries applied entries. */
  private maybeSnapshot(host: SimNodeHost): void {
    const storage = this.disk.storage;
    const applied = this.sm.appliedIndex;
    if (applied - storage.snapshot().metadata.index < this.config.snapshotEveryEntries) return;
    storage.createSnapshot(applied, this.confState, this.sm.snapshotData());
    const compactTo = applied - this.config.compactionTailEntries;
    if (compactTo >= storage.firstIndex()) storage.compact(compactTo);
    host.snapshotTaken(this, applied, storage.firstIndex() - 1);
  }
}

function sameConf(a: ConfState, b: ConfState): boolean {
  return a.voters.join(',') === b.voters.join(',') && a.learners.join(',') === b.learners.join(',');
}
