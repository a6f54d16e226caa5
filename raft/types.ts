/**
 * The data types of the consensus core: log entries, persistent state, snapshots and the messages
 * that peers exchange. Everything here is plain data, so a driver can encode it however it likes
 * (ketch's store uses msgpackr).
 */

/** A member's identity. 0 means "none" (no leader, no vote). */
export type NodeId = number;
export const NONE: NodeId = 0;

export type EntryType = 'normal' | 'confChange';

/** One log entry. Invariant: index > 0, term > 0. */
export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  /** Opaque command bytes; for 'confChange' entries, an encoded ConfChange (see encodeConfChange). */
  readonly data: Uint8Array;
}

/** State that must be on stable storage before any message that depends on it is sent. */
export interface HardState {
  readonly term: number;
  /** Who this member voted for in `term`, or NONE. */
  readonly vote: NodeId;
  /** Highest index known committed. Persisting it is an optimisation; losing it is safe. */
  readonly commit: number;
}

export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: NONE, commit: 0 });

/** The membership of the cluster as of some log index. Voters and learners never overlap. */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

export interface SnapshotMetadata {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
}

/** A point-in-time image of the application state machine, covering the log up to metadata.index. */
export interface Snapshot {
  readonly data: Uint8Array;
  readonly metadata: SnapshotMetadata;
}

export const EMPTY_SNAPSHOT: Snapshot = Object.freeze({
  data: new Uint8Array(0),
  metadata: Object.freeze({ index: 0, term: 0, confState: Object.freeze({ voters: [], learners: [] }) }),
});

/**
 * A single membership change. ketch changes membership one member at a time (see
 * docs/raft.md): each change moves the quorum by at most one voter, so the old and new majorities
 * always overlap, and the leader never has more than one change in flight.
 */
export type ConfChangeType = 'addNode' | 'addLearner' | 'removeNode';

export interface ConfChange {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
  /** Opaque bytes for the application (ketch puts the member's URLs here). */
  readonly context?: Uint8Array;
}

/** The role a member is playing. */
export type StateRole = 'follower' | 'preCandidate' | 'candidate' | 'leader';

/** Volatile state that is useful to log and display, but need not be persisted. */
export interface SoftState {
  readonly lead: NodeId;
  readonly role: StateRole;
}

/**
 * The answer to a readIndex request: once the application has applied up to `index`, a read that
 * observes the state machine is linearizable with respect to the moment the request was made.
 */
export interface ReadState {
  readonly index: number;
  readonly context: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Messages. Every message carries from/to/term. Local-only inputs (tick, propose, ...) are methods
// on Raft/RawNode, not messages, except MsgProp/MsgReadIndex/MsgTransferLeader which are also sent
// between peers when a follower forwards them to the leader.
// ---------------------------------------------------------------------------------------------

interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  /** The sender's term; 0 for a forwarded proposal (it does not take part in term comparison). */
  readonly term: number;
}

/** Leader → follower: append `entries` after (index, logTerm); the leader has committed `commit`. */
export interface MsgApp extends Envelope {
  readonly type: 'MsgApp';
  readonly index: number;
  readonly logTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
}

/**
 * Follower → leader. On success `index` is the follower's last index matching the leader. On
 * rejection `index` is the rejected MsgApp's index, and (`rejectHint`, `logTerm`) tell the leader
 * where to probe next: the follower's largest index <= rejectHint whose term is <= logTerm.
 */
export interface MsgAppResp extends Envelope {
  readonly type: 'MsgAppResp';
  readonly index: number;
  readonly reject: boolean;
  readonly rejectHint: number;
  readonly logTerm: number;
}

/** Candidate → voter. `index`/`logTerm` describe the candidate's last entry. */
export interface MsgVote extends Envelope {
  readonly type: 'MsgVote' | 'MsgPreVote';
  readonly index: number;
  readonly logTerm: number;
  /** Set when the campaign comes from a leadership transfer: voters ignore their leader lease. */
  readonly transfer: boolean;
}

export interface MsgVoteResp extends Envelope {
  readonly type: 'MsgVoteResp' | 'MsgPreVoteResp';
  readonly reject: boolean;
}

/** Leader → follower. `commit` is min(leader commit, follower match). `context` carries a ReadIndex round. */
export interface MsgHeartbeat extends Envelope {
  readonly type: 'MsgHeartbeat';
  readonly commit: number;
  readonly context?: Uint8Array;
}

export interface MsgHeartbeatResp extends Envelope {
  readonly type: 'MsgHeartbeatResp';
  readonly context?: Uint8Array;
}

/** Leader → follower: install this snapshot. */
export interface MsgSnap extends Envelope {
  readonly type: 'MsgSnap';
  readonly snapshot: Snapshot;
}

/** Leader → transferee: campaign now, ignoring election timeouts and leader leases. */
export interface MsgTimeoutNow extends Envelope {
  readonly type: 'MsgTimeoutNow';
}

/** Follower → leader: a forwarded proposal. */
export interface MsgProp extends Envelope {
  readonly type: 'MsgProp';
  readonly entries: readonly Entry[];
}

/** Follower → leader: a forwarded readIndex request. */
export interface MsgReadIndex extends Envelope {
  readonly type: 'MsgReadIndex';
  readonly context: Uint8Array;
}

/** Leader → follower: the read index for a forwarded request. */
export interface MsgReadIndexResp extends Envelope {
  readonly type: 'MsgReadIndexResp';
  readonly index: number;
  readonly context: Uint8Array;
}

/** Follower → leader: a forwarded leadership transfer request. */
export interface MsgTransferLeader extends Envelope {
  readonly type: 'MsgTransferLeader';
  readonly transferee: NodeId;
}

export type Message =
  | MsgApp
  | MsgAppResp
  | MsgVote
  | MsgVoteResp
  | MsgHeartbeat
  | MsgHeartbeatResp
  | MsgSnap
  | MsgTimeoutNow
  | MsgProp
  | MsgReadIndex
  | MsgReadIndexResp
  | MsgTransferLeader;

export type MessageType = Message['type'];

/** Fails to compile when a switch over a discriminated union misses a case. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}

/** The number of payload bytes an entry contributes to flow control and batching limits. */
export function entryPayloadBytes(e: Entry): number {
  return e.data.length;
}

/** True for the messages that answer a request: they never start an election or bump a term alone. */
export function isResponse(type: MessageType): boolean {
  return (
    type === 'MsgAppResp' ||
    type === 'MsgVoteResp' ||
    type === 'MsgPreVoteResp' ||
    type === 'MsgHeartbeatResp' ||
    type === 'MsgReadIndexResp'
  );
}
