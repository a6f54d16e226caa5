import type { Entry, HardState, Message, ReadState, Snapshot, SoftState } from './types.js';

/**
 * A batch of work the consensus core hands to its driver. Handle one Ready at a time, in this order:
 *
 * 1. **Persist** `snapshot` (if any), then `entries`, then `hardState` (if any) to stable storage.
 *    When `mustSync` is true the write must be durable (fsync) before step 2.
 * 2. **Send** `messages`. Every message may depend on the state persisted in step 1 (a vote on the
 *    persisted vote, an append acknowledgement on the persisted entries), so none may leave before
 *    step 1 is durable. A driver must not reorder messages to the same peer.
 *    One exception a driver may take (Raft thesis §10.2.1): a leader's MsgApp and MsgHeartbeat may
 *    be sent while step 1 is in progress, provided the leader's term and vote are already durable
 *    and each message's commit index is at most the leader's durable last index — and provided the
 *    next Ready is not taken before step 1 completes, so that no commit of the entries being
 *    written is revealed before they are durable on the leader.
 * 3. **Apply** `committedEntries` to the state machine, in order. They are always durable already:
 *    an entry is only committed once it is in this member's stable log. If `snapshot` is set, apply
 *    it (restore the state machine from it) before the committed entries.
 *    For a `confChange` entry, call applyConfChange() on the core.
 * 4. Call `advance(ready)` with this same object.
 *
 * The driver may call step(), tick() and propose() between ready() and advance(); it must not call
 * ready() again before advance().
 *
 * Two obligations beyond a single Ready, both found by the simulator (raft/sim/regressions.test.ts):
 * - **Bootstrap through the log.** A new cluster's initial membership must be written as committed
 *   `addNode` entries at term 1 (as etcd does), not only as the confState of an index-0 snapshot
 *   (MemoryStorage.withConfState): a member that joins later replays the log from index 1 and would
 *   otherwise never learn the initial voters. withConfState is for fixed-membership tests only.
 * - **Re-stamp outgoing snapshots.** Before sending a MsgSnap, set its metadata to the applied
 *   index, that entry's term and the current membership, and ship the state at that index (etcd's
 *   createMergedSnapshotMessage). A stored snapshot taken before the recipient was (re-)added does
 *   not list it, and the recipient refuses it forever.
 */
export interface Ready {
  /** Set when the leader or role changed since the previous Ready. Not persisted. */
  readonly softState?: SoftState;
  /** Set when term, vote or commit changed. Persist before sending messages. */
  readonly hardState?: HardState;
  /** Answers to readIndex() requests; see ReadState. */
  readonly readStates: readonly ReadState[];
  /** New log entries to append to stable storage (replacing any conflicting suffix). */
  readonly entries: readonly Entry[];
  /** A snapshot to persist and install (a follower that fell too far behind). */
  readonly snapshot?: Snapshot;
  /** Entries that are committed and must now be applied, in order. */
  readonly committedEntries: readonly Entry[];
  /** Messages to send once step 1 is durable. */
  readonly messages: readonly Message[];
  /** Whether step 1 must be fsynced (false when only the commit index changed). */
  readonly mustSync: boolean;
}
