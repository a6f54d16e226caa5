import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import {
  Prng,
  RaftError,
  RaftErrorCode,
  RawNode,
  decodeConfChange,
  type ConfChange,
  type ConfState,
  type Entry,
  type Message,
  type MsgSnap,
  type Ready,
} from '../../raft/index.js';
import { Lessor, leasedKeys, minLeaseTtlSeconds, storeKeyDeleter, type LeaseRecord } from '../lease/index.js';
import { MvccStore, type TxnRequest } from '../mvcc/index.js';
import { Backend, type AppliedMeta, type MemberRecord } from './backend.js';
import { computeClusterId, computeMemberId, idHex, type InitialMember } from './cluster_id.js';
import { openDb, type Db } from './db.js';
import { StoreError, StoreErrorCode } from './errors.js';
import { Applier, type ApplyResult } from './apply.js';
import { MemberRegistry } from './membership.js';
import { DiskRaftStorage } from './raft_storage.js';
import { ReadIndexBatcher } from './read_index.js';
import { decodeConfContext, encodeConfContext, encodeRequest, type InternalRequest } from './requests.js';
import { PeerTransport } from './transport.js';
import { queryMembers } from './transport_dial.js';
import { parsePeerUrl } from './transport_url.js';
import { AppliedWaiters, Waiters } from './waiters.js';
import { encodeConfChange } from '../../raft/index.js';

export interface MemberOptions {
  readonly name: string;
  readonly dataDir: string;
  readonly initialCluster: readonly InitialMember[];
  readonly initialClusterState: 'new' | 'existing';
  readonly initialClusterToken: string;
  readonly listenPeerUrls: readonly string[];
  readonly advertisePeerUrls: readonly string[];
  readonly advertiseClientUrls: readonly string[];
  readonly heartbeatMs: number;
  readonly electionMs: number;
  readonly snapshotCount: number;
  /** Largest encoded request accepted (etcd's --max-request-bytes). */
  readonly maxRequestBytes: number;
  /** Backend size above which writes are refused with NOSPACE (etcd's --quota-backend-bytes). */
  readonly quotaBackendBytes?: number;
  /** Log entries kept behind a snapshot, so that slow followers can catch up without one. */
  readonly snapshotCatchUpEntries?: number;
  readonly logger: Logger;
  /** Test-only switches that break the store on purpose (see docs). */
  readonly unsafe?: { readonly staleReads?: boolean };
}

/** The member's status, for Maintenance.Status and /metrics. */
export interface MemberStatus {
  readonly memberId: number;
  readonly clusterId: number;
  readonly leader: number;
  readonly term: number;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly isLearner: boolean;
  readonly revision: number;
  readonly compactRevision: number;
}

const CATCH_UP_ENTRIES = 5_000;

/**
 * One store member: the raft driver around the consensus core. It persists each Ready (raft log in
 * LevelDB, fsynced), sends its messages over the peer transport, applies committed entries to the
 * MVCC store and lessor (persisting them with the consistent index), answers proposals and
 * linearizable reads, takes snapshots and compacts the log.
 */
export class Member {
  readonly mvcc = new MvccStore();
  readonly lessor: Lessor;
  readonly registry: MemberRegistry;
  readonly memberId: number;
  clusterId: number;

  private readonly node: RawNode;
  private readonly transport: PeerTransport;
  private readonly applier: Applier;
  private readonly proposals: Waiters<ApplyResult>;
  private readonly appliedWaiters = new AppliedWaiters();
  private readonly reads: ReadIndexBatcher;
  private readonly log: Logger;

  private appliedIndex: number;
  private consistentIndex: number;
  private consistentTerm: number;
  private snapshotIndex: number;
  private leaseDirty = false;
  private leaseRecords: LeaseRecord[] = [];
  private processing = false;
  private again = false;
  private scheduled = false;
  private stopped = false;
  private tickTimer: NodeJS.Timeout | undefined;
  private sizeTimer: NodeJS.Timeout | undefined;
  /** The database size on disk, refreshed every second. */
  private dbSize = 0;
  private leaseTimer: NodeJS.Timeout | undefined;
  private backendChain: Promise<void> = Promise.resolve();
  private snapshotting = false;
  private readonly pendingImages = new Map<number, Uint8Array>();
  /** Peers registered with the transport. */
  private readonly peers = new Set<number>();
  private published = false;
  private publishing = false;
  private readonly leaderWaiters: Array<() => void> = [];
  private leader = 0;
  private readonly leaderListeners: Array<(leader: number, term: number) => void> = [];
  private readonly removedListeners: Array<() => void> = [];
  private readonly restoreListeners: Array<() => void> = [];

  private constructor(
    private readonly opts: MemberOptions,
    private readonly db: Db,
    private readonly backend: Backend,
    private readonly raftStorage: DiskRaftStorage,
    identity: { memberId: number; clusterId: number },
    meta: AppliedMeta | undefined,
  ) {
    this.log = opts.logger;
    this.memberId = identity.memberId;
    this.clusterId = identity.clusterId;
    const electionTick = Math.max(2, Math.round(opts.electionMs / opts.heartbeatMs));
    this.lessor = new Lessor({
      minTtlSeconds: minLeaseTtlSeconds(electionTick, opts.heartbeatMs),
      clock: Date.now,
      expiredRetryIntervalMs: 5000 + 2 * opts.electionMs,
    });
    this.registry = new MemberRegistry(meta?.members ?? []);
    this.consistentIndex = meta?.consistentIndex ?? 0;
    this.consistentTerm = meta?.consistentTerm ?? 0;
    this.lessor.onChange(() => {
      this.leaseDirty = true;
    });
    this.mvcc.onCommit((rev, changes) => this.backend.stageChanges(rev, changes));
    this.applier = new Applier(this.mvcc, this.lessor, storeKeyDeleter(this.mvcc, this.lessor), (id, name, clientUrls) =>
      this.registry.setClientUrls(id, clientUrls, name),
    );

    this.snapshotIndex = raftStorage.snapshot().metadata.index;
    this.appliedIndex = this.snapshotIndex;
    this.node = new RawNode({
      id: this.memberId,
      storage: raftStorage,
      applied: this.snapshotIndex,
      electionTick,
      heartbeatTick: 1,
      preVote: true,
      checkQuorum: true,
      maxSizePerMsgBytes: 1024 * 1024,
      maxInflightMsgs: 512,
      rng: new Prng(Math.floor(Math.random() * 2 ** 32)),
      logger: {
        debug: (f, m) => this.log.debug(f, m),
        info: (f, m) => this.log.info(f, m),
        warn: (f, m) => this.log.warn(f, m),
      },
    });
    const requestTimeoutMs = 5000 + 2 * opts.electionMs;
    this.proposals = new Waiters(requestTimeoutMs);
    this.reads = new ReadIndexBatcher(
      (ctx) => {
        this.node.readIndex(ctx);
        this.schedule();
      },
      Math.max(500, 2 * opts.heartbeatMs),
      requestTimeoutMs,
    );
    this.transport = new PeerTransport({
      clusterId: this.clusterId,
      memberId: this.memberId,
      listenPeerUrls: [...opts.listenPeerUrls],
      advertisePeerUrls: [...opts.advertisePeerUrls],
      logger: this.log.child({ component: 'transport' }),
      handlers: {
        onMessage: (m) => this.step(m),
        onSnapshot: (m, state) => {
          this.pendingImages.set(m.snapshot.metadata.index, state);
          this.step(m);
        },
        onUnreachable: (id) => {
          this.node.reportUnreachable(id);
        },
        onSnapshotStatus: (id, ok) => {
          this.node.reportSnapshot(id, ok);
          this.schedule();
        },
        onClusterId: (id) => {
          this.clusterId = id;
          void this.backend.writeIdentity({ clusterId: id, memberId: this.memberId, name: this.opts.name }).catch((err) => this.fatal(err));
        },
        membership: () => ({
          clusterId: this.clusterId,
          members: this.registry.list().map((m) => ({ id: m.id, name: m.name, peerUrls: m.peerUrls, isLearner: m.isLearner })),
        }),
        onPeerAnnounced: (id, urls) => {
          // A member that joined does not know the cluster yet: it must be able to answer its leader.
          if (id !== this.memberId && !this.peers.has(id) && !this.registry.has(id)) {
            this.transport.addPeer(id, [...urls]);
            this.peers.add(id);
          }
        },
      },
    });
  }

  /** Opens (or creates) the member's data directory and starts it. */
  static async start(opts: MemberOptions): Promise<Member> {
    const dbPath = path.join(opts.dataDir, 'member', 'db');
    const db = await openDb(dbPath);
    try {
      const backend = new Backend(db, opts.logger.child({ component: 'backend' }));
      const identity = await resolveIdentity(opts, backend);
      const raftStorage = await DiskRaftStorage.open(db, dbPath, opts.logger.child({ component: 'raft-log' }), { voters: [], learners: [] });
      if (raftStorage.lastIndex() === 0 && opts.initialClusterState === 'new' && identity.fresh) {
        await bootstrapLog(raftStorage, opts);
      }
      const member = new Member(opts, db, backend, raftStorage, identity, undefined);
      const meta = await backend.load(member.mvcc);
      member.restoreMeta(meta);
      if (identity.fresh && opts.initialClusterState === 'new') {
        for (const m of initialRecords(opts)) member.registry.apply({ type: 'addNode', nodeId: m.id }, m);
      }
      await member.transport.start();
      member.syncPeers();
      member.run();
      member.log.info(
        { memberId: idHex(member.memberId), clusterId: idHex(member.clusterId), peers: member.transport.listenAddresses(), appliedIndex: member.appliedIndex, revision: member.mvcc.currentRevision },
        'member started',
      );
      return member;
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  private restoreMeta(meta: AppliedMeta | undefined): void {
    if (meta === undefined) return;
    this.consistentIndex = meta.consistentIndex;
    this.consistentTerm = meta.consistentTerm;
    this.leaseRecords = meta.leases as unknown as LeaseRecord[];
    this.lessor.restore(this.leaseRecords, leasedKeys(this.mvcc));
    for (const m of meta.members) if (!this.registry.has(m.id)) this.registry.apply({ type: m.isLearner ? 'addLearner' : 'addNode', nodeId: m.id }, m);
  }

  private run(): void {
    this.tickTimer = setInterval(() => {
      this.node.tick();
      this.schedule();
    }, this.opts.heartbeatMs);
    this.leaseTimer = setInterval(() => {
      this.expireLeases();
      if (!this.published && this.leader !== 0) this.publish();
    }, 500);
    const refreshSize = () => {
      void dirSizeBytes(path.join(this.opts.dataDir, 'member', 'db')).then((n) => {
        this.dbSize = n;
      });
    };
    refreshSize();
    this.sizeTimer = setInterval(refreshSize, 1000);
    this.schedule();
  }

  /** Bytes the member's database uses on disk (refreshed every second). */
  dbSizeBytes(): number {
    return this.dbSize;
  }

  /** Whether the backend is over --quota-backend-bytes (etcd raises its NOSPACE alarm then). */
  quotaExceeded(): boolean {
    const quota = this.opts.quotaBackendBytes ?? 0;
    return quota > 0 && this.dbSize > quota;
  }

  // ---------------------------------------------------------------------------------------------
  // The Ready loop
  // ---------------------------------------------------------------------------------------------

  private step(m: Message): void {
    if (this.stopped) return;
    try {
      this.node.step(m);
    } catch (err) {
      this.log.error({ err, type: m.type, from: m.from }, 'raft: failed to step message');
      if (err instanceof RaftError && err.code === RaftErrorCode.INVARIANT) this.fatal(err);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.processReady();
    });
  }

  private async processReady(): Promise<void> {
    if (this.processing) {
      this.again = true;
      return;
    }
    this.processing = true;
    try {
      do {
        this.again = false;
        while (!this.stopped && this.node.hasReady()) await this.handleReady(this.node.ready());
      } while (this.again && !this.stopped);
    } catch (err) {
      this.fatal(err);
    } finally {
      this.processing = false;
    }
  }

  private async handleReady(rd: Ready): Promise<void> {
    if (rd.softState !== undefined) this.onSoftState(rd.softState.lead, rd.softState.role === 'leader');
    const { early, late } = this.splitForParallelWrite(rd);
    this.sendMessages(early);
    await this.raftStorage.persist({ hardState: rd.hardState, entries: rd.entries, snapshot: rd.snapshot }, rd.mustSync);
    if (rd.snapshot !== undefined) await this.installSnapshot(rd.snapshot.metadata.index);
    this.sendMessages(late);
    this.applyEntries(rd.committedEntries);
    if (rd.readStates.length > 0) this.reads.onReadStates(rd.readStates);
    this.node.advance(rd);
    this.flushBackend(false);
    this.maybeSnapshot();
  }

  /**
   * A leader may replicate in parallel with its own disk write (Raft thesis §10.2.1), which takes
   * one fsync off the commit path. Safe here because nothing that reveals a commit of the entries
   * being written can leave before the write completes: the follower acknowledgements are stepped
   * meanwhile, but the next Ready (with the new commit index) is only taken after this one. So
   * only appends and heartbeats whose commit index is already durable on the leader, from a leader
   * whose term and vote are already durable, go early; everything else waits for the write.
   */
  private splitForParallelWrite(rd: Ready): { early: Message[]; late: readonly Message[] } {
    if (this.node.raft.state !== 'leader' || rd.snapshot !== undefined) return { early: [], late: rd.messages };
    const persisted = this.raftStorage.initialState().hardState;
    if (rd.hardState !== undefined && (rd.hardState.term !== persisted.term || rd.hardState.vote !== persisted.vote)) {
      return { early: [], late: rd.messages };
    }
    const durableLast = this.raftStorage.lastIndex();
    const early: Message[] = [];
    const late: Message[] = [];
    for (const m of rd.messages) {
      if ((m.type === 'MsgApp' || m.type === 'MsgHeartbeat') && m.term === persisted.term && m.commit <= durableLast) early.push(m);
      else late.push(m);
    }
    return { early, late };
  }

  private sendMessages(msgs: readonly Message[]): void {
    const normal: Message[] = [];
    for (const m of msgs) {
      if (m.type === 'MsgSnap') void this.sendSnapshot(m);
      else normal.push(m);
    }
    if (normal.length > 0) this.transport.send(normal);
  }

  private async sendSnapshot(m: MsgSnap): Promise<void> {
    try {
      // The image is of the state now, at the applied index, not at the stored snapshot's index.
      // The message is re-stamped to match (etcd's createMergedSnapshotMessage): the applied index,
      // its term and today's membership. A stored snapshot taken before the receiver was (re-)added
      // would otherwise not include it, and it would refuse the snapshot forever.
      const index = this.appliedIndex;
      const stamped: MsgSnap = {
        ...m,
        snapshot: {
          data: m.snapshot.data,
          metadata: { index, term: this.node.raft.raftLog.term(index), confState: this.node.raft.trk.confState() },
        },
      };
      const image = await this.backend.image(this.mvcc, this.currentMeta());
      this.transport.sendSnapshot(stamped, image);
    } catch (err) {
      this.log.error({ err, to: idHex(m.to) }, 'failed to build snapshot image');
      this.node.reportSnapshot(m.to, false);
    }
  }

  private async installSnapshot(index: number): Promise<void> {
    const image = this.pendingImages.get(index);
    this.pendingImages.clear();
    if (image === undefined) throw new StoreError(StoreErrorCode.CORRUPT, `raft snapshot ${index} arrived without its state image`);
    await this.backendChain;
    const meta = await this.backend.installImage(image, this.mvcc);
    this.consistentIndex = meta.consistentIndex;
    this.consistentTerm = meta.consistentTerm;
    this.leaseRecords = meta.leases as unknown as LeaseRecord[];
    this.lessor.restore(this.leaseRecords, leasedKeys(this.mvcc));
    for (const m of this.registry.list()) this.registry.apply({ type: 'removeNode', nodeId: m.id }, undefined);
    for (const m of meta.members) this.registry.apply({ type: m.isLearner ? 'addLearner' : 'addNode', nodeId: m.id }, m);
    this.syncPeers();
    this.appliedIndex = Math.max(index, this.appliedIndex);
    this.snapshotIndex = index;
    this.log.info({ snapshotIndex: index, consistentIndex: meta.consistentIndex, revision: this.mvcc.currentRevision }, 'installed snapshot from leader');
    for (const l of this.restoreListeners) l();
  }

  private applyEntries(entries: readonly Entry[]): void {
    for (const e of entries) {
      if (e.type === 'confChange') this.applyConfChange(e);
      else if (e.index > this.consistentIndex && e.data.length > 0) {
        const result = this.applier.apply(e.data);
        this.proposals.trigger(result.requestId, result);
      }
      if (e.index > this.consistentIndex) {
        this.consistentIndex = e.index;
        this.consistentTerm = e.term;
      }
      this.appliedIndex = e.index;
    }
    if (entries.length > 0) this.appliedWaiters.appliedTo(this.appliedIndex);
  }

  private applyConfChange(e: Entry): void {
    const cc = decodeConfChange(e.data);
    const ctx = decodeConfContext(cc.context);
    this.node.applyConfChange(cc);
    this.registry.apply(cc, ctx?.member);
    this.syncPeers();
    if (ctx !== undefined) this.proposals.trigger(ctx.i, { requestId: ctx.i, revision: this.mvcc.currentRevision, members: this.registry.list() });
    if (cc.type === 'removeNode' && cc.nodeId === this.memberId) {
      this.log.warn({ memberId: idHex(this.memberId) }, 'this member has been permanently removed from the cluster');
      for (const l of this.removedListeners) l();
    }
  }

  private syncPeers(): void {
    const known = new Set<number>();
    for (const m of this.registry.list()) {
      known.add(m.id);
      if (m.id !== this.memberId && !this.peers.has(m.id)) {
        this.transport.addPeer(m.id, m.peerUrls);
        this.peers.add(m.id);
      }
    }
    for (const id of this.peers) {
      if (!known.has(id)) {
        this.transport.removePeer(id);
        this.peers.delete(id);
      }
    }
  }

  private currentMeta(): AppliedMeta {
    if (this.leaseDirty) {
      this.leaseRecords = this.lessor.snapshot();
      this.leaseDirty = false;
    }
    return {
      consistentIndex: this.consistentIndex,
      consistentTerm: this.consistentTerm,
      compactRevision: this.mvcc.compactRevision,
      members: this.registry.list(),
      leases: this.leaseRecords as unknown as AppliedMeta['leases'],
    };
  }

  /** Persists what the apply loop staged, with the consistent index, in order. */
  private flushBackend(sync: boolean): Promise<void> {
    const meta = this.currentMeta();
    const compaction = this.applier.takeCompaction();
    this.backendChain = this.backendChain.then(async () => {
      if (compaction !== undefined) await this.backend.stageCompaction(this.mvcc, compaction);
      await this.backend.flush(meta, sync);
    });
    this.backendChain.catch((err) => this.fatal(err));
    return this.backendChain;
  }

  private maybeSnapshot(): void {
    if (this.snapshotting || this.appliedIndex - this.snapshotIndex < this.opts.snapshotCount) return;
    this.snapshotting = true;
    const index = this.appliedIndex;
    const confState: ConfState = this.node.raft.trk.confState();
    void (async () => {
      try {
        // The log may only be compacted behind state that is durable in the backend.
        await this.flushBackend(true);
        const compactTo = index - (this.opts.snapshotCatchUpEntries ?? CATCH_UP_ENTRIES);
        await this.raftStorage.snapshotAndCompact(index, confState, new Uint8Array(0), compactTo);
        this.snapshotIndex = index;
        this.log.info({ snapshotIndex: index, compactedTo: Math.max(0, compactTo) }, 'saved snapshot and compacted the raft log');
      } catch (err) {
        this.fatal(err);
      } finally {
        this.snapshotting = false;
      }
    })();
  }

  private onSoftState(lead: number, isLeader: boolean): void {
    const wasLeader = this.lessor.isPrimary();
    if (isLeader && !wasLeader) this.lessor.promote(this.opts.electionMs);
    else if (!isLeader && wasLeader) this.lessor.demote();
    if (lead !== this.leader) {
      this.leader = lead;
      this.log.info({ leader: idHex(lead), term: this.node.raft.term }, lead === 0 ? 'lost leader' : 'leader elected');
      for (const l of this.leaderListeners) l(lead, this.node.raft.term);
      if (lead !== 0) {
        for (const w of this.leaderWaiters.splice(0)) w();
        this.publish();
      }
    }
  }

  /** Announces this member's name and client URLs through raft, until it succeeds once (etcd's publish). */
  private publish(): void {
    if (this.published || this.publishing) return;
    const mine = this.registry.get(this.memberId);
    const urls = [...this.opts.advertiseClientUrls];
    if (mine !== undefined && mine.name === this.opts.name && mine.clientUrls.join(',') === urls.join(',')) {
      this.published = true;
      return;
    }
    this.publishing = true;
    this.propose({ op: 'publish', id: this.memberId, name: this.opts.name, clientUrls: urls })
      .then((res) => {
        if (res.error === undefined) this.published = true;
      })
      .catch((err) => this.log.debug({ err }, 'publish failed; will retry'))
      .finally(() => {
        this.publishing = false;
      });
  }

  private expireLeases(): void {
    if (!this.lessor.isPrimary()) return;
    for (const id of this.lessor.expiredLeases(500)) {
      this.propose({ op: 'leaseRevoke', id }).catch((err) => this.log.debug({ err, lease: id }, 'lease revoke proposal failed'));
    }
  }

  private fatal(err: unknown): void {
    if (this.stopped) return;
    this.log.fatal({ err }, 'member cannot continue');
    void this.stop().finally(() => process.exit(1));
  }

  // ---------------------------------------------------------------------------------------------
  // The API used by kvstore/server
  // ---------------------------------------------------------------------------------------------

  /** Proposes a command and resolves with its result once it is applied on this member. */
  async propose(r: InternalRequest): Promise<ApplyResult> {
    if (this.stopped) throw new StoreError(StoreErrorCode.STOPPED, 'etcdserver: server stopped');
    // As etcd: over quota, only requests that free space (delete, compact, revoke) are accepted.
    if (this.quotaExceeded() && (r.op === 'put' || r.op === 'leaseGrant' || (r.op === 'txn' && !txnOnlyDeletes(r.req)))) {
      throw new StoreError(StoreErrorCode.NO_SPACE, 'etcdserver: mvcc: database space exceeded');
    }
    await this.waitForLeader();
    const id = this.proposals.newId();
    const data = encodeRequest(id, r);
    if (data.length > this.opts.maxRequestBytes) throw new StoreError(StoreErrorCode.REQUEST_TOO_LARGE, 'etcdserver: request is too large');
    const done = this.proposals.wait(id);
    try {
      this.node.propose(data);
    } catch (err) {
      this.proposals.fail(id, translateRaftError(err));
    }
    this.schedule();
    return done;
  }

  /** Proposes a membership change and resolves with the members after it is applied. */
  /**
   * During an election there is no leader to forward to. Rather than fail at once, a request waits
   * up to two election timeouts for one, as clients of a cluster that just started expect.
   */
  private async waitForLeader(): Promise<void> {
    if (this.leader !== 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2 * this.opts.electionMs);
      this.leaderWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async proposeMemberChange(type: ConfChange['type'], record: MemberRecord): Promise<ApplyResult> {
    await this.waitForLeader();
    const id = this.proposals.newId();
    const done = this.proposals.wait(id);
    try {
      this.node.proposeConfChange({ type, nodeId: record.id, context: encodeConfContext({ i: id, member: record }) });
    } catch (err) {
      this.proposals.fail(id, translateRaftError(err));
    }
    this.schedule();
    return done;
  }

  /** Waits until a read on this member would be linearizable (ReadIndex, then apply catch-up). */
  async linearizableRead(): Promise<void> {
    if (this.opts.unsafe?.staleReads) return;
    const index = await this.reads.read();
    await this.appliedWaiters.wait(index, this.appliedIndex);
  }

  /** Asks the leader to hand leadership to `target` and waits for it (etcd's MoveLeader). */
  async moveLeader(target: number, timeoutMs: number): Promise<void> {
    if (this.node.raft.state !== 'leader') throw new StoreError(StoreErrorCode.MEMBER, 'etcdserver: not leader');
    if (!this.node.raft.trk.isVoter(target)) throw new StoreError(StoreErrorCode.MEMBER, 'etcdserver: bad leader transferee');
    this.node.transferLeadership(target);
    this.schedule();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.leader === target) return;
      await new Promise((r) => setTimeout(r, this.opts.heartbeatMs));
    }
    throw new StoreError(StoreErrorCode.TIMEOUT, 'etcdserver: request timed out, leader transfer took too long');
  }

  onLeaderChange(listener: (leader: number, term: number) => void): void {
    this.leaderListeners.push(listener);
  }

  /** Called after the state was replaced by a snapshot from the leader. */
  onRestored(listener: () => void): void {
    this.restoreListeners.push(listener);
  }

  onRemoved(listener: () => void): void {
    this.removedListeners.push(listener);
  }

  /** On the leader: how far a member's log matches, against the leader's last index. */
  learnerProgress(id: number): { match: number; leaderLastIndex: number } | undefined {
    const pr = this.node.raft.trk.progress.get(id);
    if (pr === undefined || this.node.raft.state !== 'leader') return undefined;
    return { match: pr.match, leaderLastIndex: this.node.raft.raftLog.lastIndex() };
  }

  isLeader(): boolean {
    return this.node.raft.state === 'leader';
  }

  leaderId(): number {
    return this.leader;
  }

  term(): number {
    return this.node.raft.term;
  }

  status(): MemberStatus {
    const r = this.node.raft;
    return {
      memberId: this.memberId,
      clusterId: this.clusterId,
      leader: this.leader,
      term: r.term,
      commitIndex: r.raftLog.committed,
      appliedIndex: this.appliedIndex,
      isLearner: r.trk.learners().includes(this.memberId),
      revision: this.mvcc.currentRevision,
      compactRevision: this.mvcc.compactRevision,
    };
  }

  peerAddresses(): string[] {
    return this.transport.listenAddresses();
  }

  /** Compacts the database files (etcd's defragment). */
  async defragment(): Promise<void> {
    await this.backendChain;
    const db = this.db as unknown as { compactRange?: (start: Buffer, end: Buffer) => Promise<void> };
    if (typeof db.compactRange === 'function') await db.compactRange(Buffer.from([0x00]), Buffer.from([0xff]));
  }

  /** A consistent image of the backend, for Maintenance.Snapshot (etcdctl snapshot save). */
  async backendImage(): Promise<Uint8Array> {
    await this.backendChain;
    return this.backend.image(this.mvcc, this.currentMeta());
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.tickTimer);
    clearInterval(this.leaseTimer);
    clearInterval(this.sizeTimer);
    const err = new StoreError(StoreErrorCode.STOPPED, 'etcdserver: server stopped');
    this.proposals.failAll(err);
    this.reads.stop(err);
    await this.transport.stop();
    try {
      await this.backendChain;
      await this.backend.flush(this.currentMeta(), true);
    } catch (e) {
      this.log.error({ err: e }, 'final backend flush failed');
    }
    await this.db.close();
    this.log.info({ memberId: idHex(this.memberId) }, 'member stopped');
  }
}

function txnOnlyDeletes(t: TxnRequest): boolean {
  return [...t.success, ...t.failure].every((op) => op.type === 'deleteRange' || op.type === 'range' || (op.type === 'txn' && txnOnlyDeletes(op.request)));
}

async function dirSizeBytes(dir: string): Promise<number> {
  let total = 0;
  try {
    for (const f of await readdir(dir)) total += (await stat(path.join(dir, f))).size;
  } catch {
    return total;
  }
  return total;
}

function translateRaftError(err: unknown): Error {
  if (err instanceof RaftError) {
    switch (err.code) {
      case RaftErrorCode.NO_LEADER:
        return new StoreError(StoreErrorCode.NO_LEADER, 'etcdserver: no leader', { cause: err });
      case RaftErrorCode.PROPOSAL_DROPPED:
        return new StoreError(StoreErrorCode.LEADER_CHANGED, 'etcdserver: leader changed', { cause: err });
      case RaftErrorCode.CONF_CHANGE_PENDING:
        return new StoreError(StoreErrorCode.MEMBER, 'etcdserver: unhealthy cluster', { cause: err });
      case RaftErrorCode.CONF_CHANGE_INVALID:
        return new StoreError(StoreErrorCode.MEMBER, `etcdserver: ${err.message}`, { cause: err });
      default:
        return err;
    }
  }
  return err instanceof Error ? err : new Error(String(err));
}

function initialRecords(opts: MemberOptions): MemberRecord[] {
  return opts.initialCluster.map((m) => ({
    id: computeMemberId(m.peerUrls, opts.initialClusterToken),
    name: m.name,
    peerUrls: m.peerUrls,
    // Client URLs are announced through raft once the member runs (publish), never assumed.
    clientUrls: [],
    isLearner: false,
  }));
}

/**
 * Works out who this member is: from its data directory if it has one (the flags describing the
 * initial cluster are then ignored, as etcd ignores them), or from the flags for a new member.
 */
async function resolveIdentity(opts: MemberOptions, backend: Backend): Promise<{ memberId: number; clusterId: number; fresh: boolean }> {
  const stored = await backend.readIdentity();
  if (stored !== undefined) {
    if (stored.name !== opts.name) {
      throw new StoreError(StoreErrorCode.DATA_DIR_MISMATCH, `data dir ${opts.dataDir} belongs to member "${stored.name}", not "${opts.name}"`);
    }
    return { memberId: stored.memberId, clusterId: stored.clusterId, fresh: false };
  }
  const me = opts.initialCluster.find((m) => m.name === opts.name);
  if (me === undefined) {
    throw new StoreError(StoreErrorCode.BAD_CONFIG, `couldn't find local name "${opts.name}" in the initial cluster configuration`);
  }
  const advertised = [...opts.advertisePeerUrls].sort();
  if (advertised.join(',') !== [...me.peerUrls].sort().join(',')) {
    throw new StoreError(
      StoreErrorCode.BAD_CONFIG,
      `--initial-cluster has ${opts.name}=${me.peerUrls.join(',')} but missing from --initial-advertise-peer-urls=${advertised.join(',')}`,
    );
  }
  let memberId: number;
  let clusterId: number;
  if (opts.initialClusterState === 'new') {
    const ids = opts.initialCluster.map((m) => computeMemberId(m.peerUrls, opts.initialClusterToken));
    memberId = computeMemberId(me.peerUrls, opts.initialClusterToken);
    clusterId = computeClusterId(ids);
  } else {
    // A member joining an existing cluster was given its id by `member add`: ask the cluster (as
    // etcd asks a peer's /members) which member has this member's peer URLs.
    ({ memberId, clusterId } = await learnIdentity(opts, me));
  }
  await backend.writeIdentity({ clusterId, memberId, name: opts.name });
  return { memberId, clusterId, fresh: true };
}

/**
 * How long a joining member keeps asking the members of --initial-cluster who it is: while none
 * answers, and once one has answered without it (a member may not have applied the add yet).
 */
const JOIN_LOOKUP_MS = 10_000;
const JOIN_LOOKUP_ANSWERED_MS = 2000;

/**
 * The id `member add` gave this member, and the cluster's id, from the first other member of
 * --initial-cluster that answers with a member list holding this member's peer URLs.
 */
async function learnIdentity(opts: MemberOptions, me: InitialMember): Promise<{ memberId: number; clusterId: number }> {
  const mine = [...me.peerUrls].sort().join(',');
  const others = opts.initialCluster.filter((m) => m.name !== opts.name).flatMap((m) => m.peerUrls);
  if (others.length === 0) {
    throw new StoreError(StoreErrorCode.BAD_CONFIG, `--initial-cluster-state existing needs the cluster's other members in --initial-cluster, which names only "${opts.name}"`);
  }
  const start = Date.now();
  let deadline = start + JOIN_LOOKUP_MS;
  const problems = new Map<string, string>();
  for (;;) {
    for (const url of others) {
      try {
        const reply = await queryMembers(parsePeerUrl(url), 2000, 4 * 1024 * 1024);
        const found = reply.members.find((m) => [...m.peerUrls].sort().join(',') === mine);
        if (found !== undefined && reply.clusterId !== 0) return { memberId: found.id, clusterId: reply.clusterId };
        problems.set(url, `its member list has no member with peer URLs ${mine}`);
        deadline = Math.min(deadline, start + JOIN_LOOKUP_ANSWERED_MS);
      } catch (err) {
        problems.set(url, (err as Error).message);
      }
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const why = [...problems].map(([url, p]) => `${url}: ${p}`).join('; ');
  throw new StoreError(
    StoreErrorCode.BAD_CONFIG,
    `member "${opts.name}" (peer URLs ${mine}) could not learn its id from the cluster: add it with \`member add\` first (${why})`,
  );
}

/**
 * A new cluster's log starts with one membership entry per initial member, at term 1, already
 * committed, as etcd bootstraps it. Every initial member writes the same entries, so their logs
 * agree, and a member that joins later learns the initial membership by replaying them.
 */
async function bootstrapLog(storage: DiskRaftStorage, opts: MemberOptions): Promise<void> {
  const records = initialRecords(opts).sort((a, b) => a.id - b.id);
  const entries: Entry[] = records.map((m, i) => ({
    term: 1,
    index: i + 1,
    type: 'confChange',
    data: encodeConfChange({ type: 'addNode', nodeId: m.id, context: encodeConfContext({ i: 0, member: { ...m, clientUrls: [] } }) }),
  }));
  await storage.persist({ entries, hardState: { term: 1, vote: 0, commit: entries.length } }, true);
}
