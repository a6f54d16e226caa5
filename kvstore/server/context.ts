import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Member } from '../node/member.js';
import type { PbHeader } from './convert.js';
import { toServiceError } from './errors.js';

/** What every service handler needs: the member, limits, logging. */
export interface ServiceContext {
  readonly member: Member;
  readonly logger: Logger;
  readonly maxTxnOps: number;
  readonly maxRequestBytes: number;
  /** The etcd API version ketch reports (Status, /version). */
  readonly version: string;
}

export function header(ctx: ServiceContext, revision = ctx.member.mvcc.currentRevision): PbHeader {
  return { cluster_id: ctx.member.clusterId, member_id: ctx.member.memberId, revision, raft_term: ctx.member.term() };
}

/** Adapts an async handler to grpc-js: errors become etcd's status and message. */
export function unary<Req, Res>(ctx: ServiceContext, method: string, fn: (req: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    fn(call.request).then(
      (res) => callback(null, res),
      (err: unknown) => {
        ctx.logger.debug({ err, method }, 'request failed');
        callback(toServiceError(err) as grpc.ServiceError);
      },
    );
  };
}
