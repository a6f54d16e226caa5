import type { Logger } from 'pino';
import { encodeRevision, type Change, type MvccStore } from '../mvcc/index.js';
import { codec, keyName, keyU64, prefixEnd, PREFIX, readU64, type Db } from './db.js';
import { StoreError, StoreErrorCode } from './errors.js';

type Op = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };

/** A member of the cluster as recorded in the replicated state. */
export interface MemberRecord {
  readonly id: number;
  readonly name: string;
  readonly peerUrls: string[];
  readonly clientUrls: string[];
  readonly isLearner: boolean;
}

/** Everything besides the MVCC history that the apply loop keeps, persisted with it. */
export interface AppliedMeta {
  /** The last raft index whose effects are in this state. */
  consistentIndex: number;
  /** The raft term of that entry. */
  consistentTerm: number;
  compactRevision: number;
  members: MemberRecord[];
  /** Lease id → granted TTL in seconds. */
  leases: Array<[number, number]>;
}

/** The state image shipped to a follower that is too far behind to catch up from the log. */
interface StateImage {
  meta: AppliedMeta;
  /** [main revision, changes (null where compaction dropped a sub revision)] in revision order. */
  history: Array<[number, Array<SerializedChange | null>]>;
}

type SerializedChange = [type: 0 | 1, key: Buffer, value: Buffer, create: number, mod: number, version: number, lease: number];

const KV_LO = Buffer.from([PREFIX.kv]);

function kvKey(main: number, sub: number): Buffer {
  return Buffer.concat([KV_LO, encodeRevision({ main, sub })]);
}

function serializeChange(c: Change): SerializedChange {
  const kv = c.kv;
  return [c.type === 'put' ? 0 : 1, Buffer.from(kv.key), Buffer.from(kv.value), kv.createRevision, kv.modRevision, kv.version, kv.lease];
}

function deserializeChange(s: SerializedChange): Change {
  const [type, key, value, createRevision, modRevision, version, lease] = s;
  return { type: type === 0 ? 'put' : 'delete', kv: { key: new Uint8Array(key), value: new Uint8Array(value), createRevision, modRevision, version, lease } };
}

/**
 * The MVCC backend: the applied state, durable in LevelDB. Writes are staged by the apply loop and
 * flushed in one batch together with the consistent index, so that the stored state and the index
 * it corresponds to always agree. After a crash the member replays the raft log from the
 * consistent index.
 */
export class Backend {
  private staged: Op[] = [];
  private approxBytes = 0;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  /** Stages a committed write transaction (called from MvccStore.onCommit). */
  stageChanges(revision: number, changes: readonly Change[]): void {
    changes.forEach((c, sub) => {
      const value = codec.pack(serializeChange(c));
      this.approxBytes += value.length + 17;
      this.staged.push({ type: 'put', key: kvKey(revision, sub), value });
    });
  }

  /** Stages the removal of compacted history (revisions <= compactRevision not kept by the store). */
  async stageCompaction(store: MvccStore, compactRevision: number): Promise<void> {
    for await (const key of this.db.keys({ gte: KV_LO, lt: kvKey(compactRevision + 1, 0) })) {
      const main = Number(key.readBigUInt64BE(1));
      const sub = Number(key.readBigUInt64BE(9));
      if (!store.hasChange({ main, sub })) this.staged.push({ type: 'del', key });
    }
  }

  /** Writes everything staged plus the metadata, atomically. */
  async flush(meta: AppliedMeta, sync: boolean): Promise<void> {
    const ops = this.staged;
    this.staged = [];
    ops.push({ type: 'put', key: keyName(PREFIX.meta, 'applied'), value: codec.pack(meta) });
    await this.db.batch(ops as never, { sync } as never);
  }

  /** Loads the persisted state into `store`; returns the metadata (undefined for a new member). */
  async load(store: MvccStore): Promise<AppliedMeta | undefined> {
    const metaBytes = await this.db.get(keyName(PREFIX.meta, 'applied'));
    if (metaBytes === undefined) return undefined;
    let meta: AppliedMeta;
    try {
      meta = codec.unpack(metaBytes) as AppliedMeta;
    } catch (err) {
      throw new StoreError(StoreErrorCode.CORRUPT, `backend metadata is corrupt`, { cause: err });
    }
    let main = -1;
    let group: Array<Change | undefined> = [];
    let count = 0;
    for await (const [k, v] of this.db.iterator({ gte: KV_LO, lt: prefixEnd(PREFIX.kv) })) {
      const m = Number(k.readBigUInt64BE(1));
      const sub = Number(k.readBigUInt64BE(9));
      if (m !== main) {
        if (main >= 0) store.restore(main, group, meta.compactRevision);
        main = m;
        group = [];
      }
      let change: Change;
      try {
        change = deserializeChange(codec.unpack(v) as SerializedChange);
      } catch (err) {
        throw new StoreError(StoreErrorCode.CORRUPT, `backend record for revision ${m}.${sub} is corrupt`, { cause: err });
      }
      group[sub] = change;
      count++;
    }
    if (main >= 0) store.restore(main, group, meta.compactRevision);
    // Every change of the last revisions may have been compacted away (deletions); the store is still there.
    store.restore(meta.compactRevision, [], meta.compactRevision);
    this.logger.info({ consistentIndex: meta.consistentIndex, revision: store.currentRevision, compactRevision: meta.compactRevision, records: count }, 'backend: loaded');
    return meta;
  }

  /** A complete image of the applied state, for a follower that needs a snapshot. */
  async image(store: MvccStore, meta: AppliedMeta): Promise<Uint8Array> {
    const history: StateImage['history'] = [];
    for (let rev = 1; rev <= store.currentRevision; rev++) {
      const changes = store.changesAt(rev);
      if (changes === undefined) continue;
      history.push([rev, changes.map((c) => (c === undefined ? null : serializeChange(c)))]);
    }
    return codec.pack({ meta, history } satisfies StateImage);
  }

  /** Replaces the whole persisted state with an image received from the leader. */
  async installImage(image: Uint8Array, store: MvccStore): Promise<AppliedMeta> {
    const { meta, history } = codec.unpack(image) as StateImage;
    await this.db.clear({ gte: KV_LO, lt: prefixEnd(PREFIX.kv) } as never);
    await this.db.clear({ gte: Buffer.from([PREFIX.lease]), lt: prefixEnd(PREFIX.lease) } as never);
    this.staged = [];
    store.reset();
    const ops: Op[] = [];
    for (const [main, changes] of history) {
      const group: Array<Change | undefined> = [];
      changes.forEach((c, sub) => {
        if (c === null) return;
        ops.push({ type: 'put', key: kvKey(main, sub), value: codec.pack(c) });
        group[sub] = deserializeChange(c);
      });
      store.restore(main, group, meta.compactRevision);
    }
    store.restore(meta.compactRevision, [], meta.compactRevision);
    ops.push({ type: 'put', key: keyName(PREFIX.meta, 'applied'), value: codec.pack(meta) });
    await this.db.batch(ops as never, { sync: true } as never);
    return meta;
  }

  /** Approximate bytes written to the key bucket by this process, for dbSize reporting. */
  get stagedBytes(): number {
    return this.approxBytes;
  }

  /** The member's identity, written once when its data directory is created. */
  async readIdentity(): Promise<{ clusterId: number; memberId: number; name: string } | undefined> {
    const v = await this.db.get(keyU64(PREFIX.identity, 0));
    return v === undefined ? undefined : (codec.unpack(v) as { clusterId: number; memberId: number; name: string });
  }

  async writeIdentity(identity: { clusterId: number; memberId: number; name: string }): Promise<void> {
    await this.db.put(keyU64(PREFIX.identity, 0), codec.pack(identity), { sync: true } as never);
  }
}

export { readU64 };
