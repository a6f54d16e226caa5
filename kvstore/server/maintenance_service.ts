import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { MvccError, MvccErrorCode } from '../mvcc/index.js';
import { header, unary, type ServiceContext } from './context.js';
import { toServiceError } from './errors.js';

const SNAPSHOT_CHUNK_BYTES = 32 * 1024;

/** The first bytes of a ketch snapshot file. */
export const SNAPSHOT_MAGIC = Buffer.from('KETCHSNP', 'latin1');

/**
 * The snapshot stream etcd clients expect: a database padded to whole 512-byte pages, then the
 * SHA-256 of those bytes (etcdctl 3.4 checks `size % 512 == 32` and the hash). ketch's database
 * is its own format: magic, u64 image length, the msgpack state image, zero padding.
 */
export function snapshotFile(image: Uint8Array): Buffer {
  const head = Buffer.alloc(16);
  SNAPSHOT_MAGIC.copy(head, 0);
  head.writeBigUInt64BE(BigInt(image.length), 8);
  const unpadded = head.length + image.length;
  const body = Buffer.concat([head, Buffer.from(image), Buffer.alloc((512 - (unpadded % 512)) % 512)]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** etcd's Maintenance service: Status, Alarm, Defragment, Hash, HashKV, Snapshot, MoveLeader. */
export function maintenanceService(ctx: ServiceContext): grpc.UntypedServiceImplementation {
  const { member } = ctx;

  const hashKv = (revision: number): number => {
    // As etcd: a revision ahead of the store or below its compaction is an error, not a long scan.
    if (revision > member.mvcc.currentRevision) throw new MvccError(MvccErrorCode.FUTURE_REVISION, 'mvcc: required revision is a future revision');
    if (revision > 0 && revision < member.mvcc.compactRevision) throw new MvccError(MvccErrorCode.COMPACTED, 'mvcc: required revision has been compacted');
    let h = 0;
    const upTo = revision > 0 ? revision : member.mvcc.currentRevision;
    for (let rev = member.mvcc.compactRevision; rev <= upTo; rev++) {
      const changes = member.mvcc.changesAt(rev);
      if (changes === undefined) continue;
      for (const c of changes) {
        if (c === undefined) continue;
        h = crc32(c.kv.key, h);
        h = crc32(c.kv.value, h);
        h = crc32(Buffer.from(`${c.type}:${c.kv.modRevision}:${c.kv.createRevision}:${c.kv.version}:${c.kv.lease}`), h);
      }
    }
    return h >>> 0;
  };

  return {
    Status: unary(ctx, 'Status', async () => {
      const s = member.status();
      const size = member.dbSizeBytes();
      return {
        header: header(ctx),
        version: ctx.version,
        dbSize: size,
        leader: s.leader,
        raftIndex: s.commitIndex,
        raftTerm: s.term,
        raftAppliedIndex: s.appliedIndex,
        errors: member.quotaExceeded() ? [`memberID:${member.memberId} alarm:NOSPACE `] : [],
        dbSizeInUse: size,
        isLearner: s.isLearner,
      };
    }),

    // The NOSPACE alarm is raised while this member's backend is over its quota.
    Alarm: unary(ctx, 'Alarm', async () => ({
      header: header(ctx),
      alarms: member.quotaExceeded() ? [{ memberID: member.memberId, alarm: 'NOSPACE' }] : [],
    })),

    Defragment: unary(ctx, 'Defragment', async () => {
      await member.defragment();
      return { header: header(ctx) };
    }),

    Hash: unary(ctx, 'Hash', async () => ({ header: header(ctx), hash: hashKv(0) })),

    HashKV: unary(ctx, 'HashKV', async (pb: { revision: number }) => ({
      header: header(ctx),
      hash: hashKv(pb.revision ?? 0),
      compact_revision: member.mvcc.compactRevision,
    })),

    MoveLeader: unary(ctx, 'MoveLeader', async (pb: { targetID: number }) => {
      await member.moveLeader(pb.targetID, 10_000);
      return { header: header(ctx) };
    }),

    Snapshot: (call: grpc.ServerWritableStream<unknown, unknown>) => {
      void (async () => {
        try {
          const image = snapshotFile(await member.backendImage());
          const h = header(ctx);
          for (let off = 0; off < image.length || off === 0; off += SNAPSHOT_CHUNK_BYTES) {
            const blob = image.subarray(off, off + SNAPSHOT_CHUNK_BYTES);
            const more = call.write({ header: h, remaining_bytes: Math.max(0, image.length - off - blob.length), blob });
            if (!more) await new Promise((resolve) => call.once('drain', resolve));
            if (image.length === 0) break;
          }
          call.end();
        } catch (err) {
          call.emit('error', toServiceError(err));
        }
      })();
    },
  };
}
