/** A key's value at one revision, as etcd's mvccpb.KeyValue. */
export interface KeyValue {
  readonly key: Uint8Array;
  readonly createRevision: number;
  readonly modRevision: number;
  /** Number of puts since the key was (re)created; 0 in a delete event. */
  readonly version: number;
  readonly value: Uint8Array;
  /** The lease the key is attached to, or 0. */
  readonly lease: number;
}

/** One change made by a write transaction: a put, or a delete (tombstone). */
export interface Change {
  readonly type: 'put' | 'delete';
  /** For a delete, only key and modRevision are meaningful (as in etcd's delete events). */
  readonly kv: KeyValue;
}

export type SortOrder = 'none' | 'ascend' | 'descend';
export type SortTarget = 'key' | 'version' | 'create' | 'mod' | 'value';

export interface RangeOptions {
  /** Exclusive end. Empty: just `key`. A single zero byte: every key >= `key`. */
  readonly rangeEnd?: Uint8Array;
  /** Read at this store revision (0: current). */
  readonly revision?: number;
  readonly limit?: number;
  readonly sortOrder?: SortOrder;
  readonly sortTarget?: SortTarget;
  readonly countOnly?: boolean;
  readonly keysOnly?: boolean;
  readonly minModRevision?: number;
  readonly maxModRevision?: number;
  readonly minCreateRevision?: number;
  readonly maxCreateRevision?: number;
}

export interface RangeResult {
  readonly kvs: KeyValue[];
  readonly more: boolean;
  /** Keys in the range at the revision read, before limit and revision filters (as etcd counts). */
  readonly count: number;
  /** The revision read at. */
  readonly revision: number;
}

export type CompareTarget = 'version' | 'create' | 'mod' | 'value' | 'lease';
export type CompareResult = 'equal' | 'greater' | 'less' | 'notEqual';

export interface Compare {
  readonly key: Uint8Array;
  readonly rangeEnd?: Uint8Array;
  readonly target: CompareTarget;
  readonly result: CompareResult;
  /** For version/create/mod/lease targets. */
  readonly number?: number;
  /** For the value target. */
  readonly value?: Uint8Array;
}

export interface PutRequest {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly lease?: number;
  readonly prevKv?: boolean;
  readonly ignoreValue?: boolean;
  readonly ignoreLease?: boolean;
}

export interface DeleteRangeRequest {
  readonly key: Uint8Array;
  readonly rangeEnd?: Uint8Array;
  readonly prevKv?: boolean;
}

export interface RangeRequest extends RangeOptions {
  readonly key: Uint8Array;
}

export type RequestOp =
  | { readonly type: 'range'; readonly request: RangeRequest }
  | { readonly type: 'put'; readonly request: PutRequest }
  | { readonly type: 'deleteRange'; readonly request: DeleteRangeRequest }
  | { readonly type: 'txn'; readonly request: TxnRequest };

export interface TxnRequest {
  readonly compare: readonly Compare[];
  readonly success: readonly RequestOp[];
  readonly failure: readonly RequestOp[];
}

export interface PutResponse {
  readonly prevKv?: KeyValue;
}

export interface DeleteRangeResponse {
  readonly deleted: number;
  readonly prevKvs: KeyValue[];
}

export type ResponseOp =
  | { readonly type: 'range'; readonly response: RangeResult }
  | { readonly type: 'put'; readonly response: PutResponse }
  | { readonly type: 'deleteRange'; readonly response: DeleteRangeResponse }
  | { readonly type: 'txn'; readonly response: TxnResponse };

export interface TxnResponse {
  readonly succeeded: boolean;
  readonly responses: ResponseOp[];
}
