import type * as grpc from '@grpc/grpc-js';
import type { WatchCreateRequest, WatchFilter, WatchHub, WatchRequest, WatchResponse } from '../watch/index.js';
import { header, type ServiceContext } from './context.js';
import { toPbKv } from './convert.js';
import { toServiceError } from './errors.js';
import { StoreError, StoreErrorCode } from '../node/errors.js';

interface PbWatchRequest {
  request_union?: 'create_request' | 'cancel_request' | 'progress_request';
  create_request?: {
    key: Buffer;
    range_end: Buffer;
    start_revision: number;
    progress_notify: boolean;
    filters: string[];
    prev_kv: boolean;
    watch_id: number;
    fragment: boolean;
  };
  cancel_request?: { watch_id: number };
  progress_request?: Record<string, never>;
}

function fromPbWatch(pb: PbWatchRequest): WatchRequest | undefined {
  if (pb.create_request != null) {
    const c = pb.create_request;
    const request: WatchCreateRequest = {
      key: c.key ?? Buffer.alloc(0),
      ...(c.range_end !== undefined && c.range_end.length > 0 ? { rangeEnd: c.range_end } : {}),
      startRevision: c.start_revision ?? 0,
      progressNotify: c.progress_notify ?? false,
      filters: (c.filters ?? []).filter((f): f is WatchFilter => f === 'NOPUT' || f === 'NODELETE'),
      prevKv: c.prev_kv ?? false,
      watchId: c.watch_id ?? 0,
      fragment: c.fragment ?? false,
    };
    return { type: 'create', request };
  }
  if (pb.cancel_request != null) return { type: 'cancel', request: { watchId: pb.cancel_request.watch_id ?? 0 } };
  if (pb.progress_request != null) return { type: 'progress' };
  return undefined;
}

const MAX_PENDING_RESPONSES = 128;

/** etcd's Watch service: one bidirectional stream per client, many watches on it. */
/**
 * Tells require-leader streams when this member has been without a leader for a while (etcd
 * cancels them once the leader is lost; a short grace period avoids doing so during a transfer).
 */
class LeaderLossWatch {
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(member: ServiceContext['member'], graceMs: number) {
    member.onLeaderChange((leader) => {
      clearTimeout(this.timer);
      if (leader !== 0) return;
      this.timer = setTimeout(() => {
        if (member.leaderId() === 0) for (const l of [...this.listeners]) l();
      }, graceMs);
      this.timer.unref();
    });
  }

  onLost(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function watchService(ctx: ServiceContext, hub: WatchHub, leaderLossGraceMs = 1000): grpc.UntypedServiceImplementation {
  const leaderWatch = new LeaderLossWatch(ctx.member, leaderLossGraceMs);
  const toPb = (r: WatchResponse): Record<string, unknown> => ({
    header: { ...header(ctx), revision: r.header.revision },
    watch_id: r.watchId,
    created: r.created,
    canceled: r.canceled,
    compact_revision: r.compactRevision,
    cancel_reason: r.cancelReason,
    fragment: r.fragment,
    events: r.events.map((e) => ({ type: e.type, kv: toPbKv(e.kv), ...(e.prevKv === undefined ? {} : { prev_kv: toPbKv(e.prevKv) }) })),
  });

  return {
    Watch: (call: grpc.ServerDuplexStream<PbWatchRequest, unknown>) => {
      // etcd's require-leader streams (clients send hasleader=true): without a leader the stream
      // ends with "no leader", so that the client moves to a member that has one.
      const requireLeader = call.metadata.get('hasleader').some((v) => String(v) === 'true');
      if (requireLeader && ctx.member.leaderId() === 0) {
        call.emit('error', toServiceError(new StoreError(StoreErrorCode.NO_LEADER, 'etcdserver: no leader')));
        return;
      }
      let closed = false;
      const stream = hub.openStream({
        send: (r) => (closed ? false : call.write(toPb(r))),
        onError: (err) => ctx.logger.warn({ err }, 'watch stream failed'),
      });
      // Stop reading a client's requests while its responses are backed up (etcd bounds this at 128).
      let paused = false;
      call.on('drain', () => {
        stream.resume();
        if (paused && stream.pendingResponses < MAX_PENDING_RESPONSES) {
          paused = false;
          call.resume();
        }
      });
      call.on('data', (pb: PbWatchRequest) => {
        const req = fromPbWatch(pb);
        if (req !== undefined) stream.handle(req);
        if (!paused && stream.pendingResponses >= MAX_PENDING_RESPONSES) {
          paused = true;
          call.pause();
        }
      });
      const close = () => {
        if (closed) return;
        closed = true;
        stream.close();
      };
      call.on('end', () => {
        close();
        call.end();
      });
      if (requireLeader) {
        const stop = leaderWatch.onLost(() => {
          if (closed) return;
          close();
          call.emit('error', toServiceError(new StoreError(StoreErrorCode.NO_LEADER, 'etcdserver: no leader')));
        });
        call.on('close', stop);
      }
      call.on('cancelled', close);
      call.on('error', close);
      call.on('close', close);
    },
  };
}
