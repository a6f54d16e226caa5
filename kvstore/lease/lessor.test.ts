import { describe, expect, it } from 'vitest';
import { applyDeleteRange, applyPut, applyTxn, MvccErrorCode, MvccStore, type Change } from '../mvcc/index.js';
import { GrpcStatus, LeaseErrorCode } from './errors.js';
import { MAX_LEASE_TTL_SECONDS } from './grant.js';
import type { LeaseChange } from './lessor.js';
import { leasedKeys, storeKeyDeleter } from './store_bridge.js';
import { testLessor } from './testing.js';

const b = (s: string): Uint8Array => Buffer.from(s);
const s = (u: Uint8Array): string => Buffer.from(u).toString();
const code = (c: string) => expect.objectContaining({ code: c });

describe('Lessor.grant', () => {
  it('grants with the asked TTL and raises a TTL below the minimum', () => {
    const { lessor } = testLessor({ minTtlSeconds: 5 });
    expect(lessor.grant(1, 60)).toEqual({ id: 1, ttlSeconds: 60, remainingTtlSeconds: 0 });
    expect(lessor.grant(2, 1).ttlSeconds).toBe(5);
    expect(lessor.grant(3, -7).ttlSeconds).toBe(5);
    expect(lessor.exists(1)).toBe(true);
    expect(lessor.exists(4)).toBe(false);
    expect(lessor.leases()).toEqual([1, 2, 3]);
  });

  it('accepts the maximum TTL and refuses one above it with etcd\'s error', () => {
    const { lessor } = testLessor();
    expect(lessor.grant(1, MAX_LEASE_TTL_SECONDS).ttlSeconds).toBe(MAX_LEASE_TTL_SECONDS);
    let err: unknown;
    try {
      lessor.grant(2, MAX_LEASE_TTL_SECONDS + 1);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: LeaseErrorCode.TTL_TOO_LARGE, wire: { grpcStatus: GrpcStatus.OUT_OF_RANGE, message: 'etcdserver: too large lease TTL' } });
    expect(() => lessor.grant(3, Number.POSITIVE_INFINITY)).toThrowError(code(LeaseErrorCode.TTL_TOO_LARGE));
    expect(lessor.exists(2)).toBe(false);
  });

  it('refuses an id already granted, and leaves the first lease as it was', () => {
    const { lessor } = testLessor();
    lessor.grant(7, 10);
    expect(() => lessor.grant(7, 20)).toThrowError(code(LeaseErrorCode.EXISTS));
    expect(lessor.get(7)?.ttlSeconds).toBe(10);
  });

  it('refuses ids that are not positive safe integers, and TTLs that are not whole', () => {
    const { lessor } = testLessor();
    for (const id of [0, -1, 1.5, 2 ** 53, Number.NaN]) {
      expect(() => lessor.grant(id, 10)).toThrowError(code(LeaseErrorCode.INVALID_ID));
    }
    expect(() => lessor.grant(1, 1.5)).toThrowError(code(LeaseErrorCode.INVALID_TTL));
    expect(() => lessor.grant(1, Number.NaN)).toThrowError(code(LeaseErrorCode.INVALID_TTL));
    expect(lessor.leases()).toEqual([]);
  });
});

describe('Lessor with the MVCC apply layer', () => {
  it('refuses a put naming an unknown lease', () => {
    const { lessor } = testLessor();
    const store = new MvccStore();
    expect(() => applyPut(store, { key: b('k'), value: b('v'), lease: 9 }, lessor)).toThrowError(code(MvccErrorCode.LEASE_NOT_FOUND));
    expect(store.currentRevision).toBe(1); // still a new store's revision: nothing was written
    expect(store.range(b('k')).kvs).toEqual([]);
  });

  it('revoke deletes every attached key in ONE revision, in key order, with delete events', () => {
    const { lessor } = testLessor();
    const store = new MvccStore();
    const commits: Array<{ revision: number; changes: readonly Change[] }> = [];
    store.onCommit((revision, changes) => commits.push({ revision, changes }));
    lessor.grant(1, 10);
    for (const k of ['c', 'a', 'b']) applyPut(store, { key: b(k), value: b('v'), lease: 1 }, lessor);
    applyPut(store, { key: b('free'), value: b('v') }, lessor);
    const before = store.currentRevision;
    commits.length = 0;

    lessor.revoke(1, storeKeyDeleter(store, lessor));

    expect(store.currentRevision).toBe(before + 1);
    expect(commits).toHaveLength(1);
    expect(commits[0]!.revision).toBe(before + 1);
    expect(commits[0]!.changes.map((c) => [c.type, s(c.kv.key)])).toEqual([
      ['delete', 'a'],
      ['delete', 'b'],
      ['delete', 'c'],
    ]);
    expect(store.range(b('a'), { rangeEnd: b('z') }).kvs.map((kv) => s(kv.key))).toEqual(['free']);
    expect(lessor.exists(1)).toBe(false);
    expect(() => lessor.revoke(1, storeKeyDeleter(store, lessor))).toThrowError(code(LeaseErrorCode.NOT_FOUND));
  });

  it('revoking a lease with no keys does not touch the store', () => {
    const { lessor } = testLessor();
    lessor.grant(1, 10);
    let calls = 0;
    lessor.revoke(1, () => calls++);
    expect(calls).toBe(0);
    expect(lessor.leases()).toEqual([]);
  });

  it('detaches keys that are deleted, overwritten without the lease, or moved to another lease', () => {
    const { lessor } = testLessor();
    lessor.promote(0);
    const store = new MvccStore();
    lessor.grant(1, 10);
    lessor.grant(2, 10);
    for (const k of ['del', 'plain', 'moved', 'kept', 'txn']) applyPut(store, { key: b(k), value: b('v'), lease: 1 }, lessor);
    applyDeleteRange(store, { key: b('del') }, lessor);
    applyPut(store, { key: b('plain'), value: b('v2') }, lessor);
    applyPut(store, { key: b('moved'), value: b('v2'), lease: 2 }, lessor);
    applyTxn(store, { compare: [], success: [{ type: 'deleteRange', request: { key: b('txn') } }], failure: [] }, lessor);

    const keysOf = (id: number) => lessor.timeToLive(id, true).keys?.map(s);
    expect(keysOf(1)).toEqual(['kept']);
    expect(keysOf(2)).toEqual(['moved']);

    lessor.revoke(1, storeKeyDeleter(store, lessor));
    expect(store.range(b('moved')).kvs).toHaveLength(1);
    expect(store.range(b('plain')).kvs).toHaveLength(1);
    expect(store.range(b('kept')).kvs).toHaveLength(0);
  });

  it('ignore_lease keeps a key on its lease', () => {
    const { lessor } = testLessor();
    lessor.promote(0);
    const store = new MvccStore();
    lessor.grant(1, 10);
    applyPut(store, { key: b('k'), value: b('v'), lease: 1 }, lessor);
    applyPut(store, { key: b('k'), value: b('v2'), ignoreLease: true }, lessor);
    expect(lessor.timeToLive(1, true).keys?.map(s)).toEqual(['k']);
  });

  it('attach to an unknown lease is a broken invariant and throws', () => {
    const { lessor } = testLessor();
    expect(() => lessor.attach(3, b('k'))).toThrowError(code(LeaseErrorCode.NOT_FOUND));
    expect(() => lessor.detach(3, b('k'))).not.toThrow();
  });
});

describe('Lessor.timeToLive', () => {
  it('reports remaining seconds rounded down, the granted TTL, and keys in byte order', () => {
    const { lessor, clock } = testLessor();
    lessor.promote(0);
    const store = new MvccStore();
    lessor.grant(5, 10);
    for (const k of ['zz', 'a', 'm']) applyPut(store, { key: b(k), value: b('v'), lease: 5 }, lessor);
    clock.advance(2_500);
    expect(lessor.timeToLive(5)).toEqual({ id: 5, ttlSeconds: 7, grantedTtlSeconds: 10 });
    expect(lessor.timeToLive(5, true).keys?.map(s)).toEqual(['a', 'm', 'zz']);
  });

  it('reports -1 once expired, and NOT_FOUND for an unknown lease', () => {
    const { lessor, clock } = testLessor();
    lessor.promote(0);
    lessor.grant(5, 10);
    clock.advance(10_000);
    expect(lessor.timeToLive(5).ttlSeconds).toBe(-1);
    expect(() => lessor.timeToLive(6)).toThrowError(code(LeaseErrorCode.NOT_FOUND));
  });

  it('is refused on a member that is not primary', () => {
    const { lessor } = testLessor();
    lessor.grant(5, 10);
    expect(() => lessor.timeToLive(5)).toThrowError(code(LeaseErrorCode.NOT_PRIMARY));
  });
});

describe('Lessor snapshot and restore', () => {
  it('round-trips leases, TTLs, checkpoints and attached keys (rebuilt from the store)', () => {
    const { lessor } = testLessor();
    const store = new MvccStore();
    lessor.grant(30, 30);
    lessor.grant(10, 10);
    lessor.grant(20, 20);
    lessor.checkpoint(30, 12);
    applyPut(store, { key: b('x'), value: b('v'), lease: 10 }, lessor);
    applyPut(store, { key: b('y'), value: b('v'), lease: 10 }, lessor);
    applyPut(store, { key: b('z'), value: b('v'), lease: 30 }, lessor);
    applyPut(store, { key: b('free'), value: b('v') }, lessor);

    const snap = JSON.parse(JSON.stringify(lessor.snapshot())) as ReturnType<typeof lessor.snapshot>;
    expect(snap).toEqual([
      { id: 10, ttlSeconds: 10, remainingTtlSeconds: 0 },
      { id: 20, ttlSeconds: 20, remainingTtlSeconds: 0 },
      { id: 30, ttlSeconds: 30, remainingTtlSeconds: 12 },
    ]);

    const { lessor: restored } = testLessor();
    restored.grant(99, 5); // replaced by the restore
    restored.restore(snap, leasedKeys(store));
    expect(restored.snapshot()).toEqual(snap);
    restored.promote(0);
    expect(restored.timeToLive(10, true).keys?.map(s)).toEqual(['x', 'y']);
    expect(restored.timeToLive(20, true).keys).toEqual([]);
    expect(restored.timeToLive(30, true).keys?.map(s)).toEqual(['z']);
    // A checkpointed lease restarts from its remaining TTL, others from the full TTL.
    expect(restored.timeToLive(30).ttlSeconds).toBe(12);
    expect(restored.timeToLive(20).ttlSeconds).toBe(20);

    restored.revoke(10, storeKeyDeleter(store, restored));
    expect(store.range(b('x')).kvs).toEqual([]);
  });

  it('raises TTLs below the minimum and skips keys whose lease is unknown, with a warning', () => {
    const warnings: string[] = [];
    const { lessor } = testLessor({
      minTtlSeconds: 5,
      logger: { debug() {}, info() {}, warn: (_f, msg) => warnings.push(msg) },
    });
    lessor.restore([{ id: 1, ttlSeconds: 2, remainingTtlSeconds: 0 }], [
      { key: b('a'), lease: 1 },
      { key: b('b'), lease: 2 },
      { key: b('c'), lease: 0 },
    ]);
    expect(lessor.get(1)?.ttlSeconds).toBe(5);
    lessor.promote(0);
    expect(lessor.timeToLive(1, true).keys?.map(s)).toEqual(['a']);
    expect(warnings).toHaveLength(1);
  });

  it('does not expire restored leases until promoted', () => {
    const { lessor, clock } = testLessor();
    lessor.restore([{ id: 1, ttlSeconds: 5, remainingTtlSeconds: 0 }], []);
    clock.advance(60_000);
    expect(lessor.expiredLeases(10)).toEqual([]);
    lessor.promote(0);
    expect(lessor.expiredLeases(10)).toEqual([]);
    clock.advance(5_000);
    expect(lessor.expiredLeases(10)).toEqual([1]);
  });
});

describe('Lessor.onChange', () => {
  it('reports grants, checkpoints and revokes for the backend to persist', () => {
    const { lessor } = testLessor();
    const changes: LeaseChange[] = [];
    lessor.onChange((c) => changes.push(c));
    lessor.grant(1, 10);
    lessor.checkpoint(1, 4);
    lessor.checkpoint(2, 4); // unknown: ignored
    lessor.revoke(1, () => {});
    expect(changes).toEqual([
      { type: 'grant', lease: { id: 1, ttlSeconds: 10, remainingTtlSeconds: 0 } },
      { type: 'checkpoint', lease: { id: 1, ttlSeconds: 10, remainingTtlSeconds: 4 } },
      { type: 'revoke', id: 1 },
    ]);
  });
});
