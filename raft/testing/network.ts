import type { RaftConfig } from '../config.js';
import { decodeConfChange } from '../confchange.js';
import { Prng } from '../rand.js';
import { RawNode } from '../raw_node.js';
import type { Ready } from '../ready.js';
import { MemoryStorage } from '../storage.js';
import type { ConfState, Entry, Message, MessageType, NodeId, ReadState } from '../types.js';

/** One member of a TestNetwork: the core, its durable storage and what it has applied. */
export interface TestMember {
  readonly id: NodeId;
  node: RawNode;
  readonly storage: MemoryStorage;
  /** Normal entries applied, in order. */
  readonly applied: Entry[];
  readonly readStates: ReadState[];
}

export interface TestNetworkOptions {
  readonly electionTick?: number;
  readonly heartbeatTick?: number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly seed?: number;
  readonly learners?: readonly NodeId[];
  readonly config?: Partial<Omit<RaftConfig, 'id' | 'storage' | 'rng'>>;
}

/**
 * A synchronous in-process network of Raft members, for unit tests (in the spirit of the
 * `network` helper of etcd-io/raft's tests). Messages are queued; deliver() and stabilize()
 * move them. Links can be cut (`cut`, `isolate`) and messages of some types dropped (`ignore`).
 * Every Ready is handled by the book: persist, send, apply, advance.
 */
export class TestNetwork {
  readonly members = new Map<NodeId, TestMember>();
  /** Messages sent and not yet delivered, in order. */
  queue: Message[] = [];
  /** Every message delivered, for assertions and golden traces. */
  readonly delivered: Message[] = [];
  private readonly cutLinks = new Set<string>();
  private readonly ignored = new Set<MessageType>();
  private readonly rng: Prng;

  constructor(
    ids: readonly NodeId[],
    private readonly opts: TestNetworkOptions = {},
  ) {
    this.rng = new Prng(opts.seed ?? 1);
    const confState: ConfState = { voters: ids.filter((id) => !(opts.learners ?? []).includes(id)), learners: [...(opts.learners ?? [])] };
    for (const id of ids) this.addMember(id, MemoryStorage.withConfState(confState));
  }

  /** Adds a member with the given storage (a new node joining, or a restart). */
  addMember(id: NodeId, storage: MemoryStorage, applied = 0): TestMember {
    const node = new RawNode({
      id,
      storage,
      applied,
      electionTick: this.opts.electionTick ?? 10,
      heartbeatTick: this.opts.heartbeatTick ?? 1,
      preVote: this.opts.preVote ?? false,
      checkQuorum: this.opts.checkQuorum ?? false,
      rng: this.rng.fork(),
      ...this.opts.config,
    });
    const m: TestMember = { id, node, storage, applied: [], readStates: [] };
    this.members.set(id, m);
    return m;
  }

  member(id: NodeId): TestMember {
    const m = this.members.get(id);
    if (m === undefined) throw new Error(`no member ${id}`);
    return m;
  }

  raft(id: NodeId) {
    return this.member(id).node.raft;
  }

  /** Simulates a crash and restart: in-memory state is rebuilt from durable storage. */
  restart(id: NodeId): TestMember {
    const old = this.member(id);
    this.queue = this.queue.filter((m) => m.from !== id && m.to !== id);
    const applied = old.storage.snapshot().metadata.index;
    const m = this.addMember(id, old.storage, applied);
    return m;
  }

  cut(a: NodeId, b: NodeId): void {
    this.cutLinks.add(`${a}-${b}`);
    this.cutLinks.add(`${b}-${a}`);
  }

  /** Cuts every link to and from `id`. */
  isolate(id: NodeId): void {
    for (const other of this.members.keys()) if (other !== id) this.cut(id, other);
  }

  /** Drops every message of this type until recover(). */
  ignore(type: MessageType): void {
    this.ignored.add(type);
  }

  recover(): void {
    this.cutLinks.clear();
    this.ignored.clear();
  }

  /** Handles the pending Ready of every member (persist, send, apply, advance). */
  flushReadies(): boolean {
    let any = false;
    for (const m of this.members.values()) {
      while (m.node.hasReady()) {
        any = true;
        this.handleReady(m, m.node.ready());
      }
    }
    return any;
  }

  private handleReady(m: TestMember, rd: Ready): void {
    if (rd.snapshot !== undefined) m.storage.applySnapshot(rd.snapshot);
    m.storage.append(rd.entries);
    if (rd.hardState !== undefined) m.storage.setHardState(rd.hardState);
    for (const msg of rd.messages) this.queue.push(msg);
    for (const e of rd.committedEntries) {
      if (e.type === 'confChange') m.node.applyConfChange(decodeConfChange(e.data));
      else if (e.data.length > 0) m.applied.push(e);
    }
    for (const rs of rd.readStates) m.readStates.push(rs);
    m.node.advance(rd);
  }

  /** Delivers queued messages (and the messages they cause) until nothing is left. */
  stabilize(maxRounds = 10_000): void {
    for (let round = 0; round < maxRounds; round++) {
      this.flushReadies();
      if (this.queue.length === 0) return;
      const batch = this.queue;
      this.queue = [];
      for (const msg of batch) this.deliver(msg);
    }
    throw new Error('TestNetwork.stabilize: did not settle');
  }

  /** Delivers one message unless its link is cut or its type is ignored. Returns whether it arrived. */
  deliver(msg: Message): boolean {
    if (this.cutLinks.has(`${msg.from}-${msg.to}`) || this.ignored.has(msg.type)) return false;
    const to = this.members.get(msg.to);
    if (to === undefined) return false;
    this.delivered.push(msg);
    to.node.step(msg);
    return true;
  }

  /** Ticks a member n times, then stabilizes. */
  tick(id: NodeId, n = 1): void {
    for (let i = 0; i < n; i++) this.member(id).node.tick();
    this.stabilize();
  }

  /** Ticks every member n times (stabilizing after each round). */
  tickAll(n = 1): void {
    for (let i = 0; i < n; i++) {
      for (const m of this.members.values()) m.node.tick();
      this.stabilize();
    }
  }

  campaign(id: NodeId): void {
    this.member(id).node.campaign();
    this.stabilize();
  }

  propose(id: NodeId, data: string): void {
    this.member(id).node.propose(new TextEncoder().encode(data));
    this.stabilize();
  }

  /** The ids of members that believe they are leader. */
  leaders(): NodeId[] {
    return [...this.members.values()].filter((m) => m.node.raft.state === 'leader').map((m) => m.id);
  }

  /** Applied commands of a member, as strings. */
  appliedData(id: NodeId): string[] {
    return this.member(id).applied.map((e) => new TextDecoder().decode(e.data));
  }
}
