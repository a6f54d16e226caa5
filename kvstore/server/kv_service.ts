import type * as grpc from '@grpc/grpc-js';
import { applyTxn, MvccError, validateKey, validatePut, validateTxn, type LeaseHooks } from '../mvcc/index.js';
import type { ApplyResult } from '../node/apply.js';
import { fromPbDelete, fromPbPut, fromPbRange, fromPbTxn, isReadOnlyTxn, toPbKv, toPbTxnResponse, type PbTxnRequest } from './convert.js';
import { header, unary, type ServiceContext } from './context.js';

/** Reads never attach or detach leases. */
const READ_ONLY_LEASES: LeaseHooks = { exists: () => true, attach() {}, detach() {} };

function check(result: ApplyResult): ApplyResult {
  if (result.error !== undefined) throw result.error;
  return result;
}

/** etcd's KV service: Range, Put, DeleteRange, Txn, Compact. */
export function kvService(ctx: ServiceContext): grpc.UntypedServiceImplementation {
  const { member } = ctx;
  return {
    Range: unary(ctx, 'Range', async (pb: Parameters<typeof fromPbRange>[0]) => {
      const { serializable, key, ...options } = fromPbRange(pb);
      validateKey(key);
      if (!serializable) await member.linearizableRead();
      const r = member.mvcc.range(key, options);
      // Like etcd, the header carries the store's current revision, even for a read in the past.
      return { header: header(ctx), kvs: r.kvs.map(toPbKv), more: r.more, count: r.count };
    }),

    Put: unary(ctx, 'Put', async (pb: Parameters<typeof fromPbPut>[0]) => {
      const req = fromPbPut(pb);
      validatePut(req);
      const res = check(await member.propose({ op: 'put', req }));
      return { header: header(ctx, res.revision), ...(res.prevKv === undefined ? {} : { prev_kv: toPbKv(res.prevKv) }) };
    }),

    DeleteRange: unary(ctx, 'DeleteRange', async (pb: Parameters<typeof fromPbDelete>[0]) => {
      const req = fromPbDelete(pb);
      validateKey(req.key);
      const res = check(await member.propose({ op: 'deleteRange', req }));
      return { header: header(ctx, res.revision), deleted: res.deleted ?? 0, prev_kvs: (res.prevKvs ?? []).map(toPbKv) };
    }),

    Txn: unary(ctx, 'Txn', async (pb: PbTxnRequest) => {
      const req = fromPbTxn(pb);
      validateTxn(req, { maxTxnOps: ctx.maxTxnOps });
      if (isReadOnlyTxn(req)) {
        // etcd serves a read-only txn locally: after a ReadIndex round unless every range is serializable.
        const serializable = (pb.success ?? []).concat(pb.failure ?? []).every((op) => op.request_range?.serializable === true);
        if (!serializable) await member.linearizableRead();
        const t = applyTxn(member.mvcc, req, READ_ONLY_LEASES);
        const h = header(ctx);
        return toPbTxnResponse(t, h);
      }
      const res = check(await member.propose({ op: 'txn', req }));
      const h = header(ctx, res.revision);
      if (res.txn === undefined) throw new MvccError('MVCC_INTERNAL', 'txn applied without a response');
      return toPbTxnResponse(res.txn, h);
    }),

    Compact: unary(ctx, 'Compact', async (pb: { revision: number; physical: boolean }) => {
      const res = check(await member.propose({ op: 'compact', revision: pb.revision ?? 0 }));
      return { header: header(ctx, res.revision) };
    }),
  };
}
