/**
 * The client's public request options and results. Keys and values go in as string | Uint8Array
 * and come out as Buffers. Revisions, versions and counts are numbers; 64-bit ids (lease, member,
 * cluster) are bigints, exact on a real etcd too.
 */

export type Bytes = string | Uint8Array;

/** A lease id as callers may pass it; results always carry bigints. */
export type LeaseId = bigint | number;

/** A member id as callers may pass it. */
export type MemberId = bigint | number;

export interface ResponseHeader {
  readonly clusterId: bigint;
  readonly memberId: bigint;
  readonly revision: number;
  readonly raftTerm: number;
}

export interface KeyValue {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  /** 0n: no lease. */
  readonly lease: bigint;
}

/** Which keys a request covers: one key, [key, rangeEnd), a prefix, or every key >= key. */
export interface RangeOptions {
  readonly prefix?: boolean;
  readonly rangeEnd?: Bytes;
  readonly fromKey?: boolean;
}

export type SortTarget = 'key' | 'version' | 'create' | 'mod' | 'value';
export type SortOrder = 'none' | 'ascend' | 'descend';

export interface GetOptions extends RangeOptions {
  /** Read at this revision (0: the latest). */
  readonly revision?: number;
  readonly limit?: number;
  readonly sort?: { readonly target?: SortTarget; readonly order?: SortOrder };
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
  /** Serve from the member's local state without a ReadIndex round (may be stale). */
  readonly serializable?: boolean;
  readonly minModRevision?: number;
  readonly maxModRevision?: number;
  readonly minCreateRevision?: number;
  readonly maxCreateRevision?: number;
}

export interface PutOptions {
  readonly lease?: LeaseId;
  readonly prevKv?: boolean;
  readonly ignoreValue?: boolean;
  readonly ignoreLease?: boolean;
}

export interface DeleteOptions extends RangeOptions {
  readonly prevKv?: boolean;
}

export interface GetResponse {
  readonly header: ResponseHeader;
  readonly kvs: readonly KeyValue[];
  readonly more: boolean;
  readonly count: number;
}

export interface PutResponse {
  readonly header: ResponseHeader;
  readonly prevKv?: KeyValue;
}

export interface DeleteResponse {
  readonly header: ResponseHeader;
  readonly deleted: number;
  readonly prevKvs: readonly KeyValue[];
}

export type ResponseOp =
  | { readonly type: 'range'; readonly response: GetResponse }
  | { readonly type: 'put'; readonly response: PutResponse }
  | { readonly type: 'delete'; readonly response: DeleteResponse }
  | { readonly type: 'txn'; readonly response: TxnResponse };

export interface TxnResponse {
  readonly header: ResponseHeader;
  readonly succeeded: boolean;
  readonly responses: readonly ResponseOp[];
}

export interface CompactResponse {
  readonly header: ResponseHeader;
}

export interface LeaseGrantResponse {
  readonly header: ResponseHeader;
  readonly id: bigint;
  readonly ttl: number;
}

export interface LeaseRevokeResponse {
  readonly header: ResponseHeader;
}

export interface LeaseKeepAliveResponse {
  readonly header: ResponseHeader;
  readonly id: bigint;
  /** Seconds; 0 or less means the lease is gone. */
  readonly ttl: number;
}

export interface LeaseTimeToLiveResponse {
  readonly header: ResponseHeader;
  readonly id: bigint;
  /** Remaining seconds; -1 when the lease does not exist (or has expired). */
  readonly ttl: number;
  readonly grantedTtl: number;
  readonly keys: readonly Buffer[];
}

export interface LeaseLeasesResponse {
  readonly header: ResponseHeader;
  readonly leases: readonly bigint[];
}

export interface Member {
  readonly id: bigint;
  /** Empty until the member has started and published its name. */
  readonly name: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
  readonly isLearner: boolean;
}

export interface MemberListResponse {
  readonly header: ResponseHeader;
  readonly members: readonly Member[];
}

export interface MemberAddResponse {
  readonly header: ResponseHeader;
  readonly member: Member;
  readonly members: readonly Member[];
}

export interface StatusResponse {
  readonly header: ResponseHeader;
  readonly version: string;
  readonly dbSize: number;
  readonly leader: bigint;
  readonly raftIndex: number;
  readonly raftTerm: number;
  readonly raftAppliedIndex: number;
  readonly errors: readonly string[];
  readonly dbSizeInUse: number;
  readonly isLearner: boolean;
}

export type WatchFilter = 'noPut' | 'noDelete';

export interface WatchOptions extends RangeOptions {
  /** First revision to report (inclusive). 0 or absent: changes after the watch is created. */
  readonly startRevision?: number;
  readonly prevKv?: boolean;
  readonly filters?: readonly WatchFilter[];
  /** Ask the server for periodic progress notifications while there are no events. */
  readonly progressNotify?: boolean;
  /** Let the server split large responses; the client reassembles them. */
  readonly fragment?: boolean;
}

export interface WatchEvent {
  readonly type: 'put' | 'delete';
  readonly kv: KeyValue;
  readonly prevKv?: KeyValue;
}

export interface WatchResponse {
  readonly header: ResponseHeader;
  readonly watchId: number;
  readonly events: readonly WatchEvent[];
  /** No events and not a cancel: every event up to header.revision has been delivered. */
  readonly progressNotify: boolean;
  readonly canceled: boolean;
  /** With canceled: the watch's start revision was compacted; watch again from compactRevision. */
  readonly compactRevision: number;
  readonly cancelReason: string;
}
