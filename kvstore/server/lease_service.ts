import * as grpc from '@grpc/grpc-js';
import { LeaseError, LeaseErrorCode, MAX_LEASE_TTL_SECONDS, randomLeaseId } from '../lease/index.js';
import type { ApplyResult } from '../node/apply.js';
import { header, unary, type ServiceContext } from './context.js';
import { toServiceError } from './errors.js';
import type { LeaderClients } from './leader_client.js';

function check(result: ApplyResult): ApplyResult {
  if (result.error !== undefined) throw result.error;
  return result;
}

interface KeepAliveRequest {
  ID: number;
}

/**
 * etcd's Lease service. Grant and revoke go through raft. Keep-alive and time-to-live are answered
 * by the leader's lessor, the only one tracking expiry; a follower forwards them to the leader.
 */
export function leaseService(ctx: ServiceContext, leader: LeaderClients): grpc.UntypedServiceImplementation {
  const { member } = ctx;
  const forwardTimeoutMs = 5000;

  return {
    LeaseGrant: unary(ctx, 'LeaseGrant', async (pb: { TTL: number; ID: number }) => {
      if ((pb.TTL ?? 0) > MAX_LEASE_TTL_SECONDS) throw new LeaseError(LeaseErrorCode.TTL_TOO_LARGE, 'too large lease TTL');
      const id = pb.ID !== 0 && pb.ID !== undefined ? pb.ID : randomLeaseId();
      const res = check(await member.propose({ op: 'leaseGrant', id, ttl: pb.TTL ?? 0 }));
      return { header: header(ctx, res.revision), ID: res.leaseId, TTL: res.ttl, error: '' };
    }),

    LeaseRevoke: unary(ctx, 'LeaseRevoke', async (pb: { ID: number }) => {
      const res = check(await member.propose({ op: 'leaseRevoke', id: pb.ID ?? 0 }));
      return { header: header(ctx, res.revision) };
    }),

    LeaseTimeToLive: unary(ctx, 'LeaseTimeToLive', async (pb: { ID: number; keys: boolean }) => {
      if (!member.isLeader()) return leader.call('Lease', 'LeaseTimeToLive', pb, forwardTimeoutMs);
      try {
        const t = member.lessor.timeToLive(pb.ID, pb.keys ?? false);
        return { header: header(ctx), ID: t.id, TTL: t.ttlSeconds, grantedTTL: t.grantedTtlSeconds, keys: (t.keys ?? []).map((k) => Buffer.from(k)) };
      } catch (err) {
        // As etcd: an unknown lease is not an error here, it answers TTL -1.
        if (err instanceof LeaseError && (err.code === LeaseErrorCode.NOT_FOUND || err.code === LeaseErrorCode.EXPIRED)) {
          return { header: header(ctx), ID: pb.ID, TTL: -1, grantedTTL: 0, keys: [] };
        }
        throw err;
      }
    }),

    LeaseLeases: unary(ctx, 'LeaseLeases', async () => {
      await member.linearizableRead();
      return { header: header(ctx), leases: member.lessor.leases().map((ID) => ({ ID })) };
    }),

    LeaseKeepAlive: (call: grpc.ServerDuplexStream<KeepAliveRequest, unknown>) => {
      let upstream: grpc.ClientDuplexStream<KeepAliveRequest, unknown> | undefined;
      const closeUpstream = () => {
        upstream?.end();
        upstream = undefined;
      };
      call.on('data', (req: KeepAliveRequest) => {
        if (member.isLeader()) {
          closeUpstream();
          try {
            const ttl = member.lessor.renew(req.ID);
            call.write({ header: header(ctx), ID: req.ID, TTL: ttl });
          } catch (err) {
            if (err instanceof LeaseError && (err.code === LeaseErrorCode.NOT_FOUND || err.code === LeaseErrorCode.EXPIRED)) {
              // As etcd: keep-alive of an unknown or expired lease answers TTL 0.
              call.write({ header: header(ctx), ID: req.ID, TTL: 0 });
            } else {
              call.emit('error', toServiceError(err));
            }
          }
          return;
        }
        try {
          if (upstream === undefined) {
            const client = leader.get().Lease as unknown as { LeaseKeepAlive(): grpc.ClientDuplexStream<KeepAliveRequest, unknown> };
            upstream = client.LeaseKeepAlive();
            upstream.on('data', (res) => call.write(res));
            upstream.on('error', () => {
              upstream = undefined;
            });
          }
          upstream.write(req);
        } catch (err) {
          call.emit('error', toServiceError(err));
        }
      });
      call.on('end', () => {
        closeUpstream();
        call.end();
      });
      call.on('error', closeUpstream);
      call.on('cancelled', closeUpstream);
    },
  };
}
