import type { DeleteRangeRequest, PutRequest, TxnRequest } from '../mvcc/index.js';
import { codec } from './db.js';
import type { MemberRecord } from './backend.js';

/** A replicated command: what a proposal carries in its raft entry. */
export type InternalRequest =
  | { readonly op: 'put'; readonly req: PutRequest }
  | { readonly op: 'deleteRange'; readonly req: DeleteRangeRequest }
  | { readonly op: 'txn'; readonly req: TxnRequest }
  | { readonly op: 'compact'; readonly revision: number }
  | { readonly op: 'leaseGrant'; readonly id: number; readonly ttl: number }
  | { readonly op: 'leaseRevoke'; readonly id: number }
  /** A member announces its name and client URLs once it has joined (etcd's publish). */
  | { readonly op: 'publish'; readonly id: number; readonly name: string; readonly clientUrls: string[] };

export interface Envelope {
  /** Request id, unique per proposing member, to wake the waiter when the entry is applied. */
  readonly i: number;
  readonly r: InternalRequest;
}

export function encodeRequest(id: number, r: InternalRequest): Uint8Array {
  // pack() returns a view into msgpackr's shared buffer; an entry kept in the raft log must own
  // its bytes, or it pins that whole buffer.
  return Buffer.from(codec.pack({ i: id, r } satisfies Envelope));
}

export function decodeRequest(data: Uint8Array): Envelope {
  // msgpackr caches a DataView on the buffer it reads; a throwaway view takes it, not the entry's
  // data, which the raft log keeps until the next snapshot.
  return codec.unpack(Buffer.from(data.buffer, data.byteOffset, data.byteLength)) as Envelope;
}

/** The context of a membership change entry: the member's record and the proposer's request id. */
export interface ConfChangeContext {
  readonly i: number;
  readonly member: MemberRecord;
}

export function encodeConfContext(ctx: ConfChangeContext): Uint8Array {
  return codec.pack(ctx);
}

export function decodeConfContext(data: Uint8Array | undefined): ConfChangeContext | undefined {
  if (data === undefined || data.length === 0) return undefined;
  return codec.unpack(data) as ConfChangeContext;
}
