import { describe, expect, it } from 'vitest';
import { MvccErrorCode } from './errors.js';
import { MvccStore } from './store.js';
import { applyDeleteRange, applyPut, applyTxn, NO_LEASES, validateTxn, type LeaseHooks } from './txn.js';
import type { Change, KeyValue, RequestOp, TxnRequest } from './types.js';

const b = (s: string): Uint8Array => Buffer.from(s);
const s = (u: Uint8Array): string => Buffer.from(u).toString();
const keys = (kvs: KeyValue[]): string[] => kvs.map((kv) => s(kv.key));
const put = (st: MvccStore, k: string, v: string, lease = 0, leases: LeaseHooks = NO_LEASES) => applyPut(st, { key: b(k), value: b(v), lease }, leases);
const ALL = new Uint8Array([0]);

function seeded(): MvccStore {
  const st = new MvccStore();
  put(st, 'a', '1'); // rev 2 after... see below
  return st;
}

describe('MvccStore put and range', () => {
  it('gives each write transaction one revision and tracks create/mod/version', () => {
    const st = new MvccStore();
    expect(put(st, 'foo', 'bar').revision).toBe(2);
    expect(put(st, 'foo', 'baz').revision).toBe(3);
    put(st, 'other', 'x');
    const [kv] = st.range(b('foo')).kvs;
    expect(kv).toMatchObject({ createRevision: 2, modRevision: 3, version: 2, lease: 0 });
    expect(s(kv!.value)).toBe('baz');
    expect(st.currentRevision).toBe(4);
  });

  it('reads at past revisions', () => {
    const st = new MvccStore();
    put(st, 'k', 'v1');
    put(st, 'k', 'v2');
    applyDeleteRange(st, { key: b('k') }, NO_LEASES);
    put(st, 'k', 'v3');
    // A new store is at revision 1 (as etcd's): nothing exists there.
    expect(st.range(b('k'), { revision: 1 }).kvs).toEqual([]);
    expect(st.range(b('k'), { revision: 2 }).kvs.map((kv) => s(kv.value))).toEqual(['v1']);
    expect(st.range(b('k'), { revision: 3 }).kvs.map((kv) => s(kv.value))).toEqual(['v2']);
    expect(st.range(b('k'), { revision: 4 }).kvs).toEqual([]);
    const [kv] = st.range(b('k'), { revision: 5 }).kvs;
    expect(kv).toMatchObject({ createRevision: 5, modRevision: 5, version: 1 });
  });

  it('fails reads at future and compacted revisions with etcd errors', () => {
    const st = new MvccStore();
    for (let i = 0; i < 5; i++) put(st, 'k', `v${i}`);
    expect(() => st.range(b('k'), { revision: 7 })).toThrowError(expect.objectContaining({ code: MvccErrorCode.FUTURE_REVISION, message: 'mvcc: required revision is a future revision' }));
    st.compact(4);
    expect(() => st.range(b('k'), { revision: 3 })).toThrowError(expect.objectContaining({ code: MvccErrorCode.COMPACTED }));
    // Reading exactly at the compaction revision still works.
    expect(s(st.range(b('k'), { revision: 4 }).kvs[0]!.value)).toBe('v2');
    expect(() => st.compact(4)).toThrowError(expect.objectContaining({ code: MvccErrorCode.COMPACTED }));
    expect(() => st.compact(99)).toThrowError(expect.objectContaining({ code: MvccErrorCode.FUTURE_REVISION }));
  });

  it('ranges over [key, rangeEnd), a prefix, and all keys from key', () => {
    const st = new MvccStore();
    for (const k of ['a', 'b', 'b1', 'b2', 'c', 'd']) put(st, k, 'v');
    expect(keys(st.range(b('b'), { rangeEnd: b('c') }).kvs)).toEqual(['b', 'b1', 'b2']);
    expect(keys(st.range(b('c'), { rangeEnd: ALL }).kvs)).toEqual(['c', 'd']);
    expect(keys(st.range(ALL, { rangeEnd: ALL }).kvs)).toEqual(['a', 'b', 'b1', 'b2', 'c', 'd']);
    expect(keys(st.range(b('c'), { rangeEnd: b('a') }).kvs)).toEqual([]);
    expect(keys(st.range(b('zz')).kvs)).toEqual([]);
  });

  it('applies limit with more and count', () => {
    const st = new MvccStore();
    for (const k of ['a', 'b', 'c', 'd']) put(st, k, 'v');
    const r = st.range(b('a'), { rangeEnd: ALL, limit: 2 });
    expect(keys(r.kvs)).toEqual(['a', 'b']);
    expect(r.more).toBe(true);
    expect(r.count).toBe(4);
    const all = st.range(b('a'), { rangeEnd: ALL, limit: 4 });
    expect(all.more).toBe(false);
  });

  it('sorts by each target, both orders, stably', () => {
    const st = new MvccStore();
    put(st, 'a', 'z');
    put(st, 'b', 'y');
    put(st, 'c', 'x');
    put(st, 'a', 'w'); // a: version 2, mod 4
    const range = (sortTarget: 'key' | 'version' | 'create' | 'mod' | 'value', sortOrder: 'ascend' | 'descend' | 'none') =>
      keys(st.range(b('a'), { rangeEnd: ALL, sortTarget, sortOrder }).kvs);
    expect(range('key', 'descend')).toEqual(['c', 'b', 'a']);
    expect(range('value', 'ascend')).toEqual(['a', 'c', 'b']);
    expect(range('mod', 'descend')).toEqual(['a', 'c', 'b']);
    expect(range('create', 'ascend')).toEqual(['a', 'b', 'c']);
    // Equal versions (b, c) keep key order; a has version 2.
    expect(range('version', 'ascend')).toEqual(['b', 'c', 'a']);
    expect(range('version', 'descend')).toEqual(['a', 'b', 'c']);
    // A non-key target with no order sorts ascending, as etcd does.
    expect(range('mod', 'none')).toEqual(['b', 'c', 'a']);
  });

  it('sorts before applying the limit', () => {
    const st = new MvccStore();
    for (const k of ['a', 'b', 'c']) put(st, k, 'v');
    const r = st.range(b('a'), { rangeEnd: ALL, sortOrder: 'descend', limit: 1 });
    expect(keys(r.kvs)).toEqual(['c']);
    expect(r.more).toBe(true);
  });

  it('supports count_only, keys_only and revision filters', () => {
    const st = new MvccStore();
    put(st, 'a', 'v'); // 2
    put(st, 'b', 'v'); // 3
    put(st, 'c', 'v'); // 4
    put(st, 'a', 'v2'); // 5
    const c = st.range(b('a'), { rangeEnd: ALL, countOnly: true });
    expect(c).toMatchObject({ kvs: [], count: 3, more: false });
    const k = st.range(b('a'), { rangeEnd: ALL, keysOnly: true });
    expect(k.kvs.every((kv) => kv.value.length === 0)).toBe(true);
    expect(keys(st.range(b('a'), { rangeEnd: ALL, minModRevision: 4 }).kvs)).toEqual(['a', 'c']);
    expect(keys(st.range(b('a'), { rangeEnd: ALL, maxModRevision: 3 }).kvs)).toEqual(['b']);
    expect(keys(st.range(b('a'), { rangeEnd: ALL, minCreateRevision: 3, maxCreateRevision: 3 }).kvs)).toEqual(['b']);
    // count is the number of keys in the range, before filters (as etcd reports it).
    expect(st.range(b('a'), { rangeEnd: ALL, minModRevision: 4 }).count).toBe(3);
  });
});

describe('MvccStore delete', () => {
  it('deletes a range in one revision and returns prev kvs', () => {
    const st = new MvccStore();
    for (const k of ['a', 'b', 'c']) put(st, k, k);
    const res = applyDeleteRange(st, { key: b('a'), rangeEnd: b('c'), prevKv: true }, NO_LEASES);
    expect(res.deleted).toBe(2);
    expect(res.revision).toBe(5);
    expect(keys(res.prevKvs)).toEqual(['a', 'b']);
    expect(keys(st.range(b('a'), { rangeEnd: ALL }).kvs)).toEqual(['c']);
  });

  it('deleting nothing does not move the revision', () => {
    const st = new MvccStore();
    put(st, 'a', '1');
    expect(applyDeleteRange(st, { key: b('zz') }, NO_LEASES)).toMatchObject({ deleted: 0, revision: 2 });
    expect(st.currentRevision).toBe(2);
  });

  it('recreates a deleted key with a new create revision and version 1', () => {
    const st = new MvccStore();
    put(st, 'k', '1');
    put(st, 'k', '2');
    applyDeleteRange(st, { key: b('k') }, NO_LEASES);
    put(st, 'k', '3');
    expect(st.range(b('k')).kvs[0]).toMatchObject({ createRevision: 5, version: 1 });
  });
});

describe('MvccStore txn', () => {
  const op = {
    put: (k: string, v: string): RequestOp => ({ type: 'put', request: { key: b(k), value: b(v) } }),
    get: (k: string): RequestOp => ({ type: 'range', request: { key: b(k) } }),
    del: (k: string, end?: string): RequestOp => ({ type: 'deleteRange', request: { key: b(k), ...(end ? { rangeEnd: b(end) } : {}) } }),
    txn: (t: TxnRequest): RequestOp => ({ type: 'txn', request: t }),
  };

  it('takes the success branch when every compare holds, in one revision', () => {
    const st = new MvccStore();
    put(st, 'k', 'v');
    const res = applyTxn(st, { compare: [{ key: b('k'), target: 'value', result: 'equal', value: b('v') }], success: [op.put('x', '1'), op.put('y', '2'), op.get('x')], failure: [] }, NO_LEASES);
    expect(res.succeeded).toBe(true);
    expect(st.currentRevision).toBe(3);
    expect(st.range(b('x')).kvs[0]!.modRevision).toBe(3);
    expect(st.range(b('y')).kvs[0]!.modRevision).toBe(3);
    // A read inside the txn sees the txn's own earlier write.
    const r = res.responses[2];
    expect(r?.type === 'range' && s(r.response.kvs[0]!.value)).toBe('1');
  });

  it('takes the failure branch otherwise, and a value compare on a missing key fails', () => {
    const st = new MvccStore();
    const res = applyTxn(st, { compare: [{ key: b('missing'), target: 'value', result: 'notEqual', value: b('x') }], success: [op.put('s', '1')], failure: [op.put('f', '1')] }, NO_LEASES);
    expect(res.succeeded).toBe(false);
    expect(keys(st.range(ALL, { rangeEnd: ALL }).kvs)).toEqual(['f']);
  });

  it('compares a missing key as version 0, create 0, mod 0, lease 0', () => {
    const st = new MvccStore();
    const res = applyTxn(st, { compare: [{ key: b('k'), target: 'create', result: 'equal', number: 0 }, { key: b('k'), target: 'version', result: 'less', number: 1 }], success: [op.put('k', 'v')], failure: [] }, NO_LEASES);
    expect(res.succeeded).toBe(true);
  });

  it('compares every key in a range', () => {
    const st = new MvccStore();
    put(st, 'a1', 'x');
    put(st, 'a2', 'y');
    // a1 has mod revision 2, a2 has 3: a compare holds only if it holds for every key in the range.
    const cmp = (result: 'greater' | 'less', number: number) =>
      applyTxn(st, { compare: [{ key: b('a'), rangeEnd: b('b'), target: 'mod', result, number }], success: [], failure: [] }, NO_LEASES).succeeded;
    expect(cmp('greater', 2)).toBe(false);
    expect(cmp('less', 3)).toBe(false);
    expect(cmp('greater', 1)).toBe(true);
    expect(cmp('less', 4)).toBe(true);
  });

  it('evaluates nested compares against the state before the txn', () => {
    const st = new MvccStore();
    const res = applyTxn(
      st,
      {
        compare: [],
        success: [op.put('k', 'v'), op.txn({ compare: [{ key: b('k'), target: 'version', result: 'equal', number: 0 }], success: [op.put('nested', 'yes')], failure: [op.put('nested', 'no')] })],
        failure: [],
      },
      NO_LEASES,
    );
    expect(res.succeeded).toBe(true);
    expect(s(st.range(b('nested')).kvs[0]!.value)).toBe('yes');
    expect(st.currentRevision).toBe(2);
  });

  it('a read-only txn does not move the revision', () => {
    const st = new MvccStore();
    put(st, 'a', '1');
    applyTxn(st, { compare: [], success: [op.get('a')], failure: [] }, NO_LEASES);
    expect(st.currentRevision).toBe(2);
  });

  it('rejects a put to a missing lease before changing anything', () => {
    const st = new MvccStore();
    expect(() => applyTxn(st, { compare: [], success: [op.put('a', '1'), { type: 'put', request: { key: b('b'), value: b('2'), lease: 42 } }], failure: [] }, NO_LEASES)).toThrowError(
      expect.objectContaining({ code: MvccErrorCode.LEASE_NOT_FOUND, message: 'etcdserver: requested lease not found' }),
    );
    expect(st.currentRevision).toBe(1);
  });

  it('validates op counts and duplicate keys as etcd does', () => {
    const limits = { maxTxnOps: 2 };
    const dup = expect.objectContaining({ code: MvccErrorCode.DUPLICATE_KEY, message: 'etcdserver: duplicate key given in txn request' });
    expect(() => validateTxn({ compare: [], success: [op.put('a', '1'), op.put('b', '1'), op.put('c', '1')], failure: [] }, limits)).toThrowError(expect.objectContaining({ code: MvccErrorCode.TOO_MANY_OPS }));
    expect(() => validateTxn({ compare: [], success: [op.put('a', '1'), op.put('a', '2')], failure: [] }, limits)).toThrowError(dup);
    expect(() => validateTxn({ compare: [], success: [op.del('a', 'c'), op.put('b', '2')], failure: [] }, limits)).toThrowError(dup);
    // The same key in both branches is fine: only one branch runs.
    expect(() => validateTxn({ compare: [], success: [op.put('a', '1')], failure: [op.put('a', '2')] }, limits)).not.toThrow();
    // A nested then/else pair writing the same key is fine too.
    expect(() => validateTxn({ compare: [], success: [op.txn({ compare: [], success: [op.put('a', '1')], failure: [op.put('a', '2')] })], failure: [] }, limits)).not.toThrow();
    expect(() => validateTxn({ compare: [], success: [op.put('a', '1'), op.txn({ compare: [], success: [op.put('a', '1')], failure: [] })], failure: [] }, limits)).toThrowError(dup);
    expect(() => validateTxn({ compare: [{ key: new Uint8Array(0), target: 'version', result: 'equal', number: 0 }], success: [], failure: [] }, limits)).toThrowError(
      expect.objectContaining({ code: MvccErrorCode.KEY_NOT_PROVIDED }),
    );
  });

  it('supports ignore_value and ignore_lease, and errors on a missing key', () => {
    const attached: string[] = [];
    const leases: LeaseHooks = { exists: (id) => id === 7, attach: (id, k) => attached.push(`+${id}:${s(k)}`), detach: (id, k) => attached.push(`-${id}:${s(k)}`) };
    const st = new MvccStore();
    put(st, 'k', 'v', 7, leases);
    applyPut(st, { key: b('k'), value: new Uint8Array(0), ignoreValue: true }, leases);
    expect(st.range(b('k')).kvs[0]).toMatchObject({ lease: 0, version: 2 });
    expect(s(st.range(b('k')).kvs[0]!.value)).toBe('v');
    expect(attached).toEqual(['+7:k', '-7:k']);
    applyPut(st, { key: b('k'), value: b('w'), lease: 7 }, leases);
    applyPut(st, { key: b('k'), value: b('x'), ignoreLease: true }, leases);
    expect(st.range(b('k')).kvs[0]).toMatchObject({ lease: 7 });
    expect(() => applyPut(st, { key: b('nope'), value: new Uint8Array(0), ignoreValue: true }, leases)).toThrowError(expect.objectContaining({ code: MvccErrorCode.KEY_NOT_FOUND }));
  });
});

describe('MvccStore history and compaction', () => {
  it('notifies observers with each revision and its changes, and serves history', () => {
    const st = new MvccStore();
    const seen: Array<[number, string[]]> = [];
    st.onCommit((rev, changes) => seen.push([rev, changes.map((c: Change) => `${c.type}:${s(c.kv.key)}`)]));
    put(st, 'a', '1');
    applyTxn(st, { compare: [], success: [{ type: 'put', request: { key: b('b'), value: b('1') } }, { type: 'deleteRange', request: { key: b('a') } }], failure: [] }, NO_LEASES);
    expect(seen).toEqual([
      [2, ['put:a']],
      [3, ['put:b', 'delete:a']],
    ]);
    const replay: string[] = [];
    st.changesBetween(2, 3, (rev, c) => void replay.push(`${rev}:${c.type}:${s(c.kv.key)}`));
    expect(replay).toEqual(['2:put:a', '3:put:b', '3:delete:a']);
    expect(s(st.kvBefore(b('a'), 3)!.value)).toBe('1');
  });

  it('drops history below the compaction revision but keeps what is visible there', () => {
    const st = seeded();
    put(st, 'a', '2');
    put(st, 'b', '1');
    applyDeleteRange(st, { key: b('b') }, NO_LEASES);
    put(st, 'a', '3');
    st.compact(5);
    expect(() => st.changesBetween(5, 6, () => {})).toThrowError(expect.objectContaining({ code: MvccErrorCode.COMPACTED }));
    expect(s(st.range(b('a'), { revision: 5 }).kvs[0]!.value)).toBe('2');
    expect(st.range(b('b'), { revision: 5 }).kvs).toEqual([]);
    expect(st.changesAt(2)).toBeUndefined();
    expect(st.keyCount()).toBe(1);
  });
});
