import type { Change, CommitObserver, KeyValue, MvccStore } from '../mvcc/index.js';
import type { WatchErrorCode } from './errors.js';

/**
 * The watch API as plain objects mirroring etcd's etcdserverpb Watch messages (rpc.proto), field
 * for field in camelCase, so that the gRPC layer only renames. Bytes stay Uint8Array; int64s are
 * numbers (revisions stay far below 2^53).
 */

/** watch_id 0 in a create request asks the server to choose the id (clientv3.AutoWatchID). */
export const AUTO_WATCH_ID = 0;
/** The watch id of a failed create, and of a progress response for the whole stream (clientv3.InvalidWatchID). */
export const INVALID_WATCH_ID = -1;

/** WatchCreateRequest.FilterType: NOPUT = 0, NODELETE = 1 on the wire. */
export type WatchFilter = 'NOPUT' | 'NODELETE';

export interface WatchCreateRequest {
  /** Empty means "\0", the smallest key (as etcd's recvLoop). */
  readonly key: Uint8Array;
  /** Empty: just `key`. A single zero byte: every key >= `key`. Otherwise [key, rangeEnd). */
  readonly rangeEnd?: Uint8Array;
  /** 0: from the next revision. Otherwise the first revision to report (inclusive). */
  readonly startRevision?: number;
  readonly progressNotify?: boolean;
  readonly filters?: readonly WatchFilter[];
  readonly prevKv?: boolean;
  /** 0 (AUTO_WATCH_ID): the stream assigns the next free id. */
  readonly watchId?: number;
  readonly fragment?: boolean;
}

export interface WatchCancelRequest {
  readonly watchId: number;
}

/** WatchRequest's request_union. */
export type WatchRequest =
  | { readonly type: 'create'; readonly request: WatchCreateRequest }
  | { readonly type: 'cancel'; readonly request: WatchCancelRequest }
  | { readonly type: 'progress' };

/** mvccpb.Event.EventType: PUT = 0, DELETE = 1 on the wire. */
export type WatchEventType = 'PUT' | 'DELETE';

export interface WatchEvent {
  readonly type: WatchEventType;
  /** For a DELETE, only key and modRevision are set (as etcd's tombstone events). */
  readonly kv: KeyValue;
  /** Only when the watch asked for prev_kv, the event is not a creation, and the value is still in history. */
  readonly prevKv?: KeyValue;
}

/** The part of etcdserverpb.ResponseHeader the watch subsystem fills; the server adds cluster, member, term. */
export interface WatchResponseHeader {
  readonly revision: number;
}

export interface WatchResponse {
  readonly header: WatchResponseHeader;
  readonly watchId: number;
  readonly created: boolean;
  readonly canceled: boolean;
  readonly compactRevision: number;
  readonly cancelReason: string;
  readonly fragment: boolean;
  readonly events: readonly WatchEvent[];
  /** Not on the wire: the catalog code behind cancelReason, for logs, metrics and tests. */
  readonly cancelCode?: WatchErrorCode;
}

/**
 * Where a stream's responses go: the transport (a gRPC call, a test). Node's writable contract:
 * `send` always takes the response; it returns false when the transport's buffer is full, and the
 * stream then sends nothing more until the transport calls `WatchStream.resume()` (on 'drain').
 * The one exception: the fragments of one response are always sent together, since clients
 * reassemble them as one contiguous run.
 */
export interface WatchSink {
  send(response: WatchResponse): boolean;
  /** Called once if `send` throws; the stream is closed by then. */
  onError?(error: unknown): void;
}

/** A client's watch stream (one gRPC Watch call): many watches, one ordered response sequence. */
export interface WatchStream {
  readonly id: number;
  /** Events queued and not yet handed to the sink. Bounded by the hub's maxPendingEvents (or one revision's events). */
  readonly pendingEvents: number;
  /**
   * Responses queued and not yet handed to the sink. Events are bounded by maxPendingEvents, but
   * control responses (created, canceled) follow the client's requests: a transport should stop
   * reading requests while this is high (etcd blocks its receive loop at 128).
   */
  readonly pendingResponses: number;
  /** Number of watches open on the stream. */
  readonly watchCount: number;
  /** Handles one WatchRequest as etcd's recvLoop does: every outcome is a response on the sink. */
  handle(request: WatchRequest): void;
  /** Returns the watch id, or INVALID_WATCH_ID if the create failed (the response says why). */
  create(request: WatchCreateRequest): number;
  /** Whether the watch existed; if it did, a canceled response follows. Unknown ids get no response (as etcd). */
  cancel(watchId: number): boolean;
  /** WatchProgressRequest: one response with watch id -1 once every watch on the stream is synced. */
  requestProgress(): void;
  /** The transport can take responses again (its 'drain' event). */
  resume(): void;
  /** The client went away: cancels every watch without responses and frees the stream. */
  close(): void;
}

/** What the watch subsystem needs from the MVCC store; MvccStore satisfies it. */
export interface WatchableStore {
  readonly currentRevision: number;
  readonly compactRevision: number;
  /** Subscribes to commits; returns a function that unsubscribes. */
  onCommit(observer: CommitObserver): () => void;
  changesBetween(fromRev: number, toRev: number, visit: (revision: number, change: Change) => boolean | void): void;
  kvBefore(key: Uint8Array, rev: number): KeyValue | undefined;
}

/** Compile-time check that the MVCC store fits the seam. */
type Watchable<T extends WatchableStore> = T;
export type MvccStoreIsWatchable = Watchable<MvccStore>;

/** clientv3's IsProgressNotify: no events, not created, not canceled, no compaction. */
export function isProgressNotify(resp: WatchResponse): boolean {
  return resp.events.length === 0 && !resp.created && !resp.canceled && resp.compactRevision === 0 && resp.header.revision !== 0;
}
