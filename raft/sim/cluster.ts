import { RaftError, RaftErrorCode } from '../errors.js';
import type { RawNode } from '../index.js';
import type { Prng } from '../rand.js';
import type { MemoryStorage } from '../storage.js';
import { assertNever, type ConfChange, type ConfState, type Entry, type Message, type NodeId, type ReadState, type Snapshot } from '../types.js';
import { entryKey, SafetyChecker, type TermAt } from './checkers.js';
import { SimDisk, type WriteRecord } from './disk.js';
import { EventQueue } from './event-queue.js';
import { SimNetwork } from './network.js';
import { SimNode, type SimNodeConfig, type SimNodeHost } from './node.js';
import { bytes, Trace, type DropReason } from './trace.js';

/**
 * The simulated cluster: nodes, one virtual clock and one event queue. Every input to a node (tick,
 * message, disk write completing, driver report, client request) is an event; after each one the
 * checkers look at the node it touched, and the node's next Ready is taken. Nothing here reads the
 * wall clock or Math.random: one seed decides everything.
 */
export interface ClusterConfig {
  readonly initialVoters: readonly NodeId[];
  /** Virtual milliseconds per tick (before skew). */
  readonly tickMs: number;
  /** Each node's clock runs up to this fraction fast or slow (0.05: ±5%). */
  readonly clockSkew: number;
  readonly node: SimNodeConfig;
  /** Trace records kept (Infinity: all). */
  readonly traceLimit: number;
}

export type DriverReport = 'unreachable' | 'snapshotDone' | 'snapshotFailed';

export type SimEvent =
  | { readonly kind: 'tick'; readonly node: NodeId; readonly incarnation: number }
  | { readonly kind: 'deliver'; readonly msg: Message; readonly duplicate: boolean }
  | { readonly kind: 'persisted'; readonly node: NodeId; readonly incarnation: number }
  | { readonly kind: 'report'; readonly node: NodeId; readonly incarnation: number; readonly peer: NodeId; readonly report: DriverReport }
  | { readonly kind: 'timer'; readonly run: () => void };

export interface SimStats {
  events: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  crashes: number;
  leadersElected: number;
  snapshotsSent: number;
  snapshotsInstalled: number;
  snapshotsTaken: number;
  confChangesApplied: number;
  proposals: number;
  readStates: number;
}

/** The outcome of a client request: accepted (which promises nothing), refused by the core, or the node is down. */
export type RequestOutcome = 'ok' | 'down' | RaftErrorCode;

const EXPECTED_REFUSALS: ReadonlySet<string> = new Set([
  RaftErrorCode.NO_LEADER,
  RaftErrorCode.PROPOSAL_DROPPED,
  RaftErrorCode.CONF_CHANGE_PENDING,
  RaftErrorCode.CONF_CHANGE_INVALID,
]);

export class Cluster implements SimNodeHost {
  nowMs = 0;
  readonly network: SimNetwork;
  readonly checker = new SafetyChecker();
  readonly trace: Trace;
  readonly stats: SimStats = {
    events: 0,
    delivered: 0,
    dropped: 0,
    duplicated: 0,
    crashes: 0,
    leadersElected: 0,
    snapshotsSent: 0,
    snapshotsInstalled: 0,
    snapshotsTaken: 0,
    confChangesApplied: 0,
    proposals: 0,
    readStates: 0,
  };
  /** Client commands applied on some node, with the virtual time each was first applied. */
  readonly appliedCommands = new Map<string, number>();
  private readonly nodesById: (SimNode | undefined)[] = [];
  private readonly queue = new EventQueue<SimEvent>();
  private readonly diskRng: Prng;
  private readonly clockRng: Prng;
  private readonly raftRng: Prng;
  private readonly reportRng: Prng;
  private halted = false;

  constructor(
    private readonly config: ClusterConfig,
    rng: Prng,
  ) {
    this.network = new SimNetwork(rng.fork());
    this.diskRng = rng.fork();
    this.clockRng = rng.fork();
    this.raftRng = rng.fork();
    this.reportRng = rng.fork();
    this.trace = new Trace(config.traceLimit);
    const bootstrap: ConfState = { voters: [...config.initialVoters], learners: [] };
    for (const id of config.initialVoters) this.addNode(id, bootstrap);
  }

  // ---------------------------------------------------------------------------------------------
  // Nodes
  // ---------------------------------------------------------------------------------------------

  node(id: NodeId): SimNode | undefined {
    return this.nodesById[id];
  }

  /** Every node ever started, by id. */
  nodes(): SimNode[] {
    return this.nodesById.filter((n): n is SimNode => n !== undefined);
  }

  /** Starts a node with a fresh disk; `bootstrap` is the initial membership (none for a joiner). */
  addNode(id: NodeId, bootstrap?: ConfState): SimNode {
    if (this.nodesById[id] !== undefined) throw new Error(`sim: n${id} already exists`);
    const skew = 1 + (this.clockRng.float() * 2 - 1) * this.config.clockSkew;
    const node = new SimNode(id, bootstrap, this.config.node, this.raftRng.fork(), this.config.tickMs * skew);
    this.nodesById[id] = node;
    node.start();
    this.trace.event(this.nowMs, id, `started${bootstrap === undefined ? ' (joining, empty disk)' : ''}`);
    const s = node.disk.storage;
    if (s.lastIndex() > 0) {
      // The bootstrap entries are durable and committed from the start.
      const entries = s.entries(s.firstIndex(), s.lastIndex() + 1, Infinity);
      this.checker.observeAppend(id, s.term(s.firstIndex() - 1), entries);
      for (const e of entries) if (e.index <= s.getHardState().commit) this.checker.observeCommitted(id, s.getHardState().term, e.index, e.term);
    }
    this.scheduleTick(node, this.clockRng.float() * node.tickMs);
    return node;
  }

  crash(id: NodeId): void {
    const node = this.nodesById[id];
    if (node === undefined || !node.alive) return;
    const lost = node.crash();
    this.stats.crashes++;
    const what = lost === undefined ? '' : ` (lost unwritten Ready: entries=${lost.entries.length} messages=${lost.messages.length}${lost.hardState === undefined ? '' : ` hardState term=${lost.hardState.term} vote=${lost.hardState.vote} commit=${lost.hardState.commit}`})`;
    this.trace.event(this.nowMs, id, `CRASH${what}`);
    if (lost !== undefined && lost.snapshot === undefined && lost.entries.length > 0 && this.diskRng.chance(0.5)) {
      // The crash tore the write: a prefix of the entries reached the disk, the hard state did not.
      const count = 1 + this.diskRng.int(lost.entries.length);
      const w = node.disk.persistTorn(lost, count);
      if (w.entries.length > 0) this.checker.observeAppend(id, w.prevTerm, w.entries);
      this.trace.event(this.nowMs, id, `torn write: ${w.entries.length} of ${lost.entries.length} entries reached the disk, the hard state did not`);
    }
  }

  restart(id: NodeId): void {
    const node = this.nodesById[id];
    if (node === undefined || node.alive) return;
    node.start();
    const s = node.disk.storage;
    const hs = s.getHardState();
    const snap = s.snapshot().metadata;
    this.trace.event(this.nowMs, id, `RESTART term=${hs.term} vote=${hs.vote} commit=${hs.commit} snapshot=${snap.index} last=${s.lastIndex()}`);
    this.checker.checkRestart(id, hs.commit, snap.index, s.lastIndex(), storageTermAt(s));
    this.checker.observeSnapshot(id, snap.index, snap.term);
    this.checker.observeRestored(id, snap.index, node.sm.hash);
    this.scheduleTick(node, this.clockRng.float() * node.tickMs);
    this.afterInput(node);
  }

  /** The live leader with the highest term, if any. */
  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodesById) {
      if (n === undefined || !n.alive || n.raw.raft.state !== 'leader') continue;
      if (best === undefined || n.raw.raft.term > best.raw.raft.term) best = n;
    }
    return best;
  }

  // ---------------------------------------------------------------------------------------------
  // Client requests
  // ---------------------------------------------------------------------------------------------

  propose(id: NodeId, data: Uint8Array): RequestOutcome {
    this.stats.proposals++;
    return this.request(id, 'propose', data, (r) => r.propose(data));
  }

  proposeConfChange(id: NodeId, cc: ConfChange): RequestOutcome {
    return this.request(id, `propose confChange ${cc.type} n${cc.nodeId}`, undefined, (r) => r.proposeConfChange(cc));
  }

  readIndex(id: NodeId, context: Uint8Array): RequestOutcome {
    if (!this.node(id)?.alive) return 'down';
    this.checker.readRequested(entryKey({ type: 'normal', data: context }));
    return this.request(id, 'readIndex', context, (r) => r.readIndex(context));
  }

  transferLeadership(id: NodeId, to: NodeId): RequestOutcome {
    return this.request(id, `transferLeadership to n${to}`, undefined, (r) => r.transferLeadership(to));
  }

  private request(id: NodeId, what: string, data: Uint8Array | undefined, call: (r: RawNode) => void): RequestOutcome {
    const node = this.nodesById[id];
    if (node === undefined || !node.alive) return 'down';
    let outcome: RequestOutcome = 'ok';
    try {
      call(node.raw);
    } catch (err) {
      if (!(err instanceof RaftError) || !EXPECTED_REFUSALS.has(err.code)) throw err;
      outcome = err.code;
    }
    this.trace.record({ kind: 'request', atMs: this.nowMs, node: id, what, data, outcome });
    this.afterInput(node);
    return outcome;
  }

  // ---------------------------------------------------------------------------------------------
  // The event loop
  // ---------------------------------------------------------------------------------------------

  /** Runs `run` after delayMs of virtual time. */
  at(delayMs: number, run: () => void): void {
    this.queue.push(this.nowMs + delayMs, { kind: 'timer', run });
  }

  /** Makes runUntil return after the current event. */
  halt(): void {
    this.halted = true;
  }

  /** Processes events up to endMs (or until halt()). Returns whether it was halted. */
  runUntil(endMs: number): boolean {
    this.halted = false;
    for (;;) {
      const t = this.queue.peekTimeMs();
      if (t === undefined || t > endMs) {
        this.nowMs = endMs;
        return false;
      }
      const next = this.queue.pop();
      if (next === undefined) return false;
      this.nowMs = next.atMs;
      this.stats.events++;
      this.dispatch(next.event);
      if (this.halted) return true;
    }
  }

  private dispatch(ev: SimEvent): void {
    switch (ev.kind) {
      case 'tick': {
        const node = this.live(ev.node, ev.incarnation);
        if (node === undefined) return;
        node.raw.tick();
        this.afterInput(node);
        this.scheduleTick(node, node.tickMs);
        return;
      }
      case 'deliver':
        this.deliver(ev.msg, ev.duplicate);
        return;
      case 'persisted': {
        const node = this.live(ev.node, ev.incarnation);
        if (node === undefined || node.pendingReady === undefined) return;
        node.handleReady(this);
        this.afterInput(node);
        return;
      }
      case 'report': {
        const node = this.live(ev.node, ev.incarnation);
        if (node === undefined) return;
        if (ev.report === 'unreachable') node.raw.reportUnreachable(ev.peer);
        else node.raw.reportSnapshot(ev.peer, ev.report === 'snapshotDone');
        this.afterInput(node);
        return;
      }
      case 'timer':
        ev.run();
        return;
      default:
        assertNever(ev, 'sim event');
    }
  }

  private live(id: NodeId, incarnation: number): SimNode | undefined {
    const node = this.nodesById[id];
    return node !== undefined && node.alive && node.incarnation === incarnation ? node : undefined;
  }

  private scheduleTick(node: SimNode, delayMs: number): void {
    this.queue.push(this.nowMs + delayMs, { kind: 'tick', node: node.id, incarnation: node.incarnation });
  }

  private deliver(m: Message, duplicate: boolean): void {
    const to = this.nodesById[m.to];
    if (to === undefined) return this.dropped(m, 'unknown node');
    if (!to.alive) return this.dropped(m, 'down');
    if (!this.network.canReach(m.from, m.to)) return this.dropped(m, 'partition');
    this.stats.delivered++;
    this.trace.record({ kind: 'deliver', atMs: this.nowMs, msg: m, duplicate });
    to.raw.step(m);
    if (m.type === 'MsgSnap' && !duplicate) this.report(m.from, m.to, 'snapshotDone');
    this.afterInput(to);
  }

  private dropped(m: Message, reason: DropReason): void {
    this.stats.dropped++;
    this.trace.record({ kind: 'drop', atMs: this.nowMs, msg: m, reason });
    if (m.type === 'MsgSnap') this.report(m.from, m.to, 'snapshotFailed');
    else if (reason !== 'random' && (m.type === 'MsgApp' || m.type === 'MsgHeartbeat')) this.report(m.from, m.to, 'unreachable');
  }

  /** Tells the sender's driver, a little later, how sending to `peer` went. */
  private report(from: NodeId, peer: NodeId, report: DriverReport): void {
    const sender = this.nodesById[from];
    if (sender === undefined || !sender.alive) return;
    const atMs = this.nowMs + 1 + this.reportRng.float() * 4;
    this.queue.push(atMs, { kind: 'report', node: from, incarnation: sender.incarnation, peer, report });
  }

  /** After any input to a node: check what changed, then take and start handling its next Ready. */
  private afterInput(node: SimNode): void {
    this.observe(node);
    for (;;) {
      const rd = node.takeReady();
      if (rd === undefined) return;
      if (SimDisk.needsWrite(rd)) {
        const atMs = this.nowMs + node.disk.writeDelayMs(this.diskRng);
        this.queue.push(atMs, { kind: 'persisted', node: node.id, incarnation: node.incarnation });
        return;
      }
      node.handleReady(this);
      this.observe(node);
    }
  }

  private observe(node: SimNode): void {
    if (!node.alive) return;
    const r = node.raw.raft;
    const o = node.observed;
    if (r.state === o.role && r.term === o.term && r.lead === o.lead) return;
    this.trace.record({ kind: 'role', atMs: this.nowMs, node: node.id, from: o.role, to: r.state, term: r.term, lead: r.lead });
    this.checker.observeRole(node.id, r.term, r.state);
    if (r.state === 'leader' && (o.role !== 'leader' || o.term !== r.term)) {
      this.stats.leadersElected++;
      this.checkLeaderLog(node);
    }
    o.role = r.state;
    o.term = r.term;
    o.lead = r.lead;
  }

  /** LeaderCompleteness for a node that leads now, over the committed indexes from..upTo (default all). */
  checkLeaderLog(node: SimNode, from?: number, upTo?: number): void {
    const r = node.raw.raft;
    const log = r.raftLog;
    this.checker.checkLeaderLog(node.id, r.term, log.firstIndex() - 1, log.lastIndex(), raftLogTermAt(log), from, upTo);
  }

  // ---------------------------------------------------------------------------------------------
  // SimNodeHost: what nodes report while handling a Ready
  // ---------------------------------------------------------------------------------------------

  send(from: SimNode, m: Message): void {
    if (m.type === 'MsgVoteResp' && !m.reject) {
      this.checker.observeVoteSent(from.id, m.term, m.to, from.disk.storage.getHardState());
    } else if (m.type === 'MsgAppResp' && !m.reject) {
      const s = from.disk.storage;
      this.checker.observeAckSent(from.id, m.term, m.index, { term: s.getHardState().term, lastIndex: s.lastIndex() });
    }
    const route = this.network.route(m);
    if (route.kind === 'dropped') return this.dropped(m, route.reason);
    if (m.type === 'MsgSnap') this.stats.snapshotsSent++;
    if (route.delaysMs.length > 1) this.stats.duplicated++;
    route.delaysMs.forEach((d, i) => this.queue.push(this.nowMs + d, { kind: 'deliver', msg: m, duplicate: i > 0 }));
  }

  persisted(node: SimNode, w: WriteRecord): void {
    if (w.snapshot !== undefined) {
      this.stats.snapshotsInstalled++;
      this.checker.observeSnapshot(node.id, w.snapshot.metadata.index, w.snapshot.metadata.term);
    }
    if (w.entries.length > 0) this.checker.observeAppend(node.id, w.prevTerm, w.entries);
    const hs = w.hardState;
    if (hs === undefined || hs.commit <= node.observed.durableCommit) return;
    const s = node.disk.storage;
    const termAt = storageTermAt(s);
    const from = Math.max(node.observed.durableCommit + 1, s.firstIndex() - 1);
    for (let i = from; i <= hs.commit; i++) this.checker.observeCommitted(node.id, hs.term, i, termAt(i));
    // Leaders of later terms, elected before these commits were seen, must hold them too.
    for (const n of this.nodesById) {
      if (n !== undefined && n.alive && n.raw.raft.state === 'leader' && n.raw.raft.term > hs.term) this.checkLeaderLog(n, from, hs.commit);
    }
    node.observed.durableCommit = hs.commit;
    this.trace.record({ kind: 'commit', atMs: this.nowMs, node: node.id, index: hs.commit });
  }

  restored(node: SimNode, snapshot: Snapshot): void {
    const md = snapshot.metadata;
    this.trace.event(this.nowMs, node.id, `installed snapshot index=${md.index} term=${md.term} voters=[${md.confState.voters.join(',')}] learners=[${md.confState.learners.join(',')}]`);
    this.checker.observeRestored(node.id, md.index, node.sm.hash);
  }

  applied(node: SimNode, e: Entry): void {
    const first = this.checker.observeApplied(node.id, e, node.sm.hash);
    if (first && e.type === 'normal' && e.data.length > 0) {
      const command = entryKey(e);
      if (!this.appliedCommands.has(command)) this.appliedCommands.set(command, this.nowMs);
    }
  }

  confChangeApplied(node: SimNode, cc: ConfChange, cs: ConfState, ignored: boolean): void {
    if (!ignored) this.stats.confChangesApplied++;
    this.trace.event(
      this.nowMs,
      node.id,
      `applied confChange ${cc.type} n${cc.nodeId}${ignored ? ' (ignored: invalid now)' : ''} → voters=[${cs.voters.join(',')}] learners=[${cs.learners.join(',')}]`,
    );
  }

  readState(node: SimNode, rs: ReadState): void {
    this.stats.readStates++;
    this.trace.event(this.nowMs, node.id, `readState ${bytes(rs.context)} index=${rs.index}`);
    this.checker.observeReadState(node.id, entryKey({ type: 'normal', data: rs.context }), rs.index);
  }

  snapshotTaken(node: SimNode, index: number, compactedTo: number): void {
    this.stats.snapshotsTaken++;
    this.trace.event(this.nowMs, node.id, `snapshot at ${index}, log compacted to ${compactedTo}`);
  }
}

export function storageTermAt(s: MemoryStorage): TermAt {
  return (i) => (i < s.firstIndex() - 1 || i > s.lastIndex() ? undefined : s.term(i));
}

export function raftLogTermAt(log: RawNode['raft']['raftLog']): TermAt {
  return (i) => (i < log.firstIndex() - 1 || i > log.lastIndex() ? undefined : log.term(i));
}
