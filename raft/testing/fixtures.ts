import type { RaftConfig } from '../config.js';
import { Raft } from '../raft.js';
import { Prng } from '../rand.js';
import { MemoryStorage } from '../storage.js';
import type {
  ConfState,
  Entry,
  HardState,
  Message,
  MsgApp,
  MsgAppResp,
  MsgHeartbeat,
  MsgHeartbeatResp,
  MsgVote,
  MsgVoteResp,
  NodeId,
  Snapshot,
} from '../types.js';

/**
 * Small builders for unit tests of the consensus core: logs written as lists of terms, members
 * built over a MemoryStorage, and messages with sensible defaults. They drive Raft through its
 * public surface only (step, tick, hup), so a test reads like the scenario it checks.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/** The data of entries, decoded as text. */
export function texts(ents: readonly Entry[]): string[] {
  return ents.map((e) => decoder.decode(e.data));
}

/** A normal entry. */
export function entry(index: number, term: number, data = ''): Entry {
  return { index, term, type: 'normal', data: bytes(data) };
}

/** Consecutive empty entries starting at `firstIndex`, one per term given (etcd's index(i).terms(...)). */
export function entriesOfTerms(firstIndex: number, terms: readonly number[]): Entry[] {
  return terms.map((term, i) => entry(firstIndex + i, term));
}

/** The ids 1..n. */
export function idsBySize(n: number): NodeId[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

export interface StorageSpec {
  readonly voters: readonly NodeId[];
  readonly learners?: readonly NodeId[];
  /** Entries already durable, starting at index 1 (or after `snapshot`). */
  readonly entries?: readonly Entry[];
  readonly hardState?: HardState;
  /** A snapshot the storage starts from; its confState replaces voters/learners. */
  readonly snapshot?: { readonly index: number; readonly term: number; readonly data?: string };
}

export function newStorage(spec: StorageSpec): MemoryStorage {
  const confState: ConfState = { voters: [...spec.voters], learners: [...(spec.learners ?? [])] };
  const s = MemoryStorage.withConfState(confState);
  if (spec.snapshot !== undefined) {
    s.applySnapshot({
      data: bytes(spec.snapshot.data ?? ''),
      metadata: { index: spec.snapshot.index, term: spec.snapshot.term, confState },
    });
  }
  if (spec.entries !== undefined) s.append(spec.entries);
  if (spec.hardState !== undefined) s.setHardState(spec.hardState);
  return s;
}

export type TestRaftOptions = Partial<Omit<RaftConfig, 'id' | 'storage' | 'rng'>> & { readonly seed?: number };

/**
 * A member over `storage` with etcd's test defaults: electionTick 10, heartbeatTick 1, and PreVote
 * and CheckQuorum off unless asked for (ketch turns both on by default).
 */
export function newTestRaft(id: NodeId, storage: MemoryStorage, opts: TestRaftOptions = {}): Raft {
  const { seed, ...config } = opts;
  return new Raft({
    id,
    storage,
    electionTick: 10,
    heartbeatTick: 1,
    preVote: false,
    checkQuorum: false,
    rng: new Prng(seed ?? id),
    ...config,
  });
}

/** Takes the messages a member has queued. */
export function readMessages(r: Raft): Message[] {
  const msgs = r.msgs;
  r.msgs = [];
  return msgs;
}

/** Messages of one type, narrowed. */
export function ofType<T extends Message['type']>(msgs: readonly Message[], type: T): Array<Extract<Message, { type: T }>> {
  return msgs.filter((m): m is Extract<Message, { type: T }> => m.type === type);
}

/** Sorts messages by recipient, then type, so that a test can compare them with a fixed list. */
export function byRecipient(msgs: readonly Message[]): Message[] {
  return [...msgs].sort((a, b) => a.to - b.to || a.type.localeCompare(b.type));
}

/**
 * Makes `r` the leader of term `r.term + 1` by campaigning and granting it the votes of the other
 * voters. Drops the vote requests; the leader's first MsgApp round (probes carrying its empty entry)
 * stays queued in `r.msgs`, for commitNoopEntry or the test to answer or drop.
 */
export function electLeader(r: Raft): void {
  r.hup('election');
  for (const id of r.voters()) {
    if (r.state !== 'candidate') break;
    if (id !== r.id) r.step(voteResp(id, r.id, r.term));
  }
  if (r.state !== 'leader') throw new Error(`member ${r.id} did not become leader (state ${r.state})`);
  r.msgs = r.msgs.filter((m) => m.type === 'MsgApp');
}

/**
 * Delivers the messages of `rafts` among them until none is left (a perfect network, no storage
 * round trip). Messages to members that are not in the list are dropped.
 */
export function exchange(rafts: readonly Raft[], maxRounds = 1000): void {
  const byId = new Map(rafts.map((r) => [r.id, r] as const));
  for (let round = 0; round < maxRounds; round++) {
    const batch = rafts.flatMap((r) => readMessages(r));
    if (batch.length === 0) return;
    for (const m of batch) byId.get(m.to)?.step(m);
  }
  throw new Error('exchange: did not settle');
}

/**
 * Does what a driver does with a Ready of a bare Raft: persists the unstable entries and the hard
 * state, and applies everything committed.
 */
export function persistAndApply(r: Raft, storage: MemoryStorage): void {
  const log = r.raftLog;
  const snap = log.unstable.snapshot;
  if (snap !== undefined) {
    storage.applySnapshot(snap);
    log.stableSnapTo(snap.metadata.index);
    log.applied = Math.max(log.applied, snap.metadata.index);
  }
  const unstable = log.unstableEntries().slice();
  storage.append(unstable);
  const last = unstable[unstable.length - 1];
  if (last !== undefined) log.stableTo(last.index, last.term);
  storage.setHardState(r.hardState());
  if (log.committed > log.applied) log.appliedTo(log.committed);
}

/**
 * On a leader fresh from electLeader: acknowledges its first MsgApp round (its empty entry) from
 * every follower, so that the entry commits and the followers move to replicate state, then
 * persists and applies it (etcd's commitNoopEntry).
 */
export function commitNoopEntry(r: Raft, storage: MemoryStorage): void {
  if (r.state !== 'leader') throw new Error('commitNoopEntry: not the leader');
  for (const m of readMessages(r)) {
    if (m.type !== 'MsgApp' || m.entries.length !== 1 || m.entries[0]?.data.length !== 0) {
      throw new Error(`commitNoopEntry: unexpected message ${m.type}`);
    }
    r.step(acceptAndReply(m));
  }
  readMessages(r);
  persistAndApply(r, storage);
}

/**
 * A leader of `voters` (member 1 of a fresh cluster) whose followers acknowledged its empty entry:
 * they are in replicate state and the entry is committed and applied.
 */
export function newReplicatingLeader(voters: readonly NodeId[], opts: TestRaftOptions = {}): { r: Raft; storage: MemoryStorage } {
  const storage = newStorage({ voters });
  const r = newTestRaft(1, storage, opts);
  electLeader(r);
  commitNoopEntry(r, storage);
  return { r, storage };
}

// ---------------------------------------------------------------------------------------------
// Message builders. Each takes the fields that matter and fills the rest with neutral values.
// ---------------------------------------------------------------------------------------------

export function app(from: NodeId, to: NodeId, term: number, p: Partial<Pick<MsgApp, 'index' | 'logTerm' | 'entries' | 'commit'>> = {}): MsgApp {
  return { type: 'MsgApp', from, to, term, index: 0, logTerm: 0, entries: [], commit: 0, ...p };
}

export function appResp(from: NodeId, to: NodeId, term: number, index: number, p: Partial<Pick<MsgAppResp, 'reject' | 'rejectHint' | 'logTerm'>> = {}): MsgAppResp {
  return { type: 'MsgAppResp', from, to, term, index, reject: false, rejectHint: 0, logTerm: 0, ...p };
}

/** The successful answer of a follower that appended everything in `m`. */
export function acceptAndReply(m: MsgApp): MsgAppResp {
  return appResp(m.to, m.from, m.term, m.index + m.entries.length);
}

export function vote(from: NodeId, to: NodeId, term: number, p: Partial<Pick<MsgVote, 'type' | 'index' | 'logTerm' | 'transfer'>> = {}): MsgVote {
  return { type: 'MsgVote', from, to, term, index: 0, logTerm: 0, transfer: false, ...p };
}

export function voteResp(from: NodeId, to: NodeId, term: number, p: Partial<Pick<MsgVoteResp, 'type' | 'reject'>> = {}): MsgVoteResp {
  return { type: 'MsgVoteResp', from, to, term, reject: false, ...p };
}

export function heartbeat(from: NodeId, to: NodeId, term: number, commit = 0): MsgHeartbeat {
  return { type: 'MsgHeartbeat', from, to, term, commit };
}

export function heartbeatResp(from: NodeId, to: NodeId, term: number, context?: Uint8Array): MsgHeartbeatResp {
  return context === undefined ? { type: 'MsgHeartbeatResp', from, to, term } : { type: 'MsgHeartbeatResp', from, to, term, context };
}

/** A snapshot at (index, term) whose membership is `voters` (and `learners`). */
export function snapshotAt(index: number, term: number, voters: readonly NodeId[], learners: readonly NodeId[] = [], data = ''): Snapshot {
  return { data: bytes(data), metadata: { index, term, confState: { voters: [...voters], learners: [...learners] } } };
}

/** The RaftError code a function throws, or undefined if it does not throw one. */
export function thrownCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err !== null && typeof err === 'object' && 'code' in err) return String((err as { code: unknown }).code);
    throw err;
  }
  return undefined;
}
