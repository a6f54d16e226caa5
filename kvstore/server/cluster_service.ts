import * as grpc from '@grpc/grpc-js';
import type { MemberRecord } from '../node/backend.js';
import { computeMemberId } from '../node/cluster_id.js';
import type { ApplyResult } from '../node/apply.js';
import { header, unary, type ServiceContext } from './context.js';
import { GrpcStatusError } from './errors.js';
import type { LeaderClients } from './leader_client.js';

const Status = grpc.status;

function toPbMember(m: MemberRecord): Record<string, unknown> {
  return { ID: m.id, name: m.name, peerURLs: m.peerUrls, clientURLs: m.clientUrls, isLearner: m.isLearner };
}

function check(result: ApplyResult): ApplyResult {
  if (result.error !== undefined) throw result.error;
  return result;
}

/** A learner is ready to be promoted once it has 90% of the leader's log (etcd's rule). */
const LEARNER_READY_PERCENT = 0.9;

/** etcd's Cluster service: list, add (as voter or learner), remove, promote. */
export function clusterService(ctx: ServiceContext, leader: LeaderClients): grpc.UntypedServiceImplementation {
  const { member } = ctx;
  const members = () => member.registry.list().map(toPbMember);

  return {
    MemberList: unary(ctx, 'MemberList', async (pb: { linearizable: boolean }) => {
      if (pb.linearizable) await member.linearizableRead();
      // As etcd: membership calls do not touch the key-value store, so their header has no revision.
      return { header: header(ctx, 0), members: members() };
    }),

    MemberAdd: unary(ctx, 'MemberAdd', async (pb: { peerURLs: string[]; isLearner: boolean }) => {
      const peerUrls = pb.peerURLs ?? [];
      if (peerUrls.length === 0 || !peerUrls.every(isValidUrl)) throw new GrpcStatusError(Status.INVALID_ARGUMENT, 'etcdserver: given member URLs are invalid');
      if (member.registry.findByPeerUrls(peerUrls) !== undefined) throw new GrpcStatusError(Status.FAILED_PRECONDITION, 'etcdserver: Peer URLs already exists');
      // As etcd, the id mixes in the time, so a member removed and added again at the same URLs
      // gets a new id (the old one is in the log as removed); the joiner asks the cluster for it.
      const id = computeMemberId(peerUrls, 'added', String(Date.now()));
      if (member.registry.has(id)) throw new GrpcStatusError(Status.FAILED_PRECONDITION, 'etcdserver: member ID already exist');
      const record: MemberRecord = { id, name: '', peerUrls: [...peerUrls].sort(), clientUrls: [], isLearner: pb.isLearner ?? false };
      check(await member.proposeMemberChange(record.isLearner ? 'addLearner' : 'addNode', record));
      return { header: header(ctx), member: toPbMember(record), members: members() };
    }),

    MemberRemove: unary(ctx, 'MemberRemove', async (pb: { ID: number }) => {
      const target = member.registry.get(pb.ID);
      if (target === undefined) throw new GrpcStatusError(Status.NOT_FOUND, 'etcdserver: member not found');
      check(await member.proposeMemberChange('removeNode', target));
      return { header: header(ctx), members: members() };
    }),

    MemberPromote: unary(ctx, 'MemberPromote', async (pb: { ID: number }) => {
      if (!member.isLeader()) return leader.call('Cluster', 'MemberPromote', pb, 10_000);
      const target = member.registry.get(pb.ID);
      if (target === undefined) throw new GrpcStatusError(Status.NOT_FOUND, 'etcdserver: member not found');
      if (!target.isLearner) throw new GrpcStatusError(Status.FAILED_PRECONDITION, 'etcdserver: can only promote a learner member');
      const progress = member.learnerProgress(pb.ID);
      if (progress === undefined || progress.match < progress.leaderLastIndex * LEARNER_READY_PERCENT) {
        throw new GrpcStatusError(Status.FAILED_PRECONDITION, 'etcdserver: can only promote a learner member which is in sync with leader');
      }
      check(await member.proposeMemberChange('addNode', target));
      return { header: header(ctx), members: members() };
    }),
  };
}

function isValidUrl(u: string): boolean {
  try {
    const url = new URL(u);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.port !== '';
  } catch {
    return false;
  }
}
