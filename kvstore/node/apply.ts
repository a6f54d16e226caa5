import type { Lessor, KeyDeleter } from '../lease/index.js';
import { applyDeleteRange, applyPut, applyTxn, type KeyValue, type MvccStore, type TxnResponse } from '../mvcc/index.js';
import type { MemberRecord } from './backend.js';
import { decodeRequest, type InternalRequest } from './requests.js';

/** The outcome of applying one replicated command, handed to the proposer's waiter. */
export interface ApplyResult {
  readonly requestId: number;
  /** The store revision after the command (the header revision clients see). */
  readonly revision: number;
  readonly error?: Error;
  readonly prevKv?: KeyValue;
  readonly deleted?: number;
  readonly prevKvs?: KeyValue[];
  readonly txn?: TxnResponse;
  readonly leaseId?: number;
  readonly ttl?: number;
  readonly members?: MemberRecord[];
}

/**
 * Applies committed commands to the MVCC store and the lessor. Deterministic: every member applies
 * the same commands in the same order and gets the same state. A command that fails (a put to a
 * missing lease, a compaction of a compacted revision) fails identically everywhere and changes
 * nothing; its error goes back to the proposer.
 */
export class Applier {
  private pendingCompaction: number | undefined;

  constructor(
    private readonly mvcc: MvccStore,
    private readonly lessor: Lessor,
    private readonly deleteKeys: KeyDeleter,
    private readonly onPublish: (id: number, name: string, clientUrls: string[]) => void,
  ) {}

  apply(data: Uint8Array): ApplyResult {
    const { i: requestId, r } = decodeRequest(data);
    try {
      return { requestId, ...this.applyRequest(r) };
    } catch (err) {
      return { requestId, revision: this.mvcc.currentRevision, error: err instanceof Error ? err : new Error(String(err)) };
    }
  }

  private applyRequest(r: InternalRequest): Omit<ApplyResult, 'requestId'> {
    switch (r.op) {
      case 'put': {
        const res = applyPut(this.mvcc, r.req, this.lessor);
        return { revision: res.revision, ...(res.prevKv === undefined ? {} : { prevKv: res.prevKv }) };
      }
      case 'deleteRange': {
        const res = applyDeleteRange(this.mvcc, r.req, this.lessor);
        return { revision: this.mvcc.currentRevision, deleted: res.deleted, prevKvs: res.prevKvs };
      }
      case 'txn': {
        const txn = applyTxn(this.mvcc, r.req, this.lessor);
        return { revision: this.mvcc.currentRevision, txn };
      }
      case 'compact': {
        this.mvcc.compact(r.revision);
        this.pendingCompaction = r.revision;
        return { revision: this.mvcc.currentRevision };
      }
      case 'leaseGrant': {
        const lease = this.lessor.grant(r.id, r.ttl);
        return { revision: this.mvcc.currentRevision, leaseId: lease.id, ttl: lease.ttlSeconds };
      }
      case 'leaseRevoke': {
        this.lessor.revoke(r.id, this.deleteKeys);
        return { revision: this.mvcc.currentRevision };
      }
      case 'publish': {
        this.onPublish(r.id, r.name, r.clientUrls);
        return { revision: this.mvcc.currentRevision };
      }
    }
  }

  /** A compaction applied since the last call, for the backend to drop the history physically. */
  takeCompaction(): number | undefined {
    const c = this.pendingCompaction;
    this.pendingCompaction = undefined;
    return c;
  }
}
