import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientErrorCode, Compare, KetchClient, KetchClientError, Op, type WatchResponse } from './index.js';
import { eventually, rejection, startTestCluster, type TestCluster } from './testing.js';


let tc: TestCluster;
let client: KetchClient;

beforeAll(async () => {
  tc = await startTestCluster(3);
  client = new KetchClient({ endpoints: tc.endpoints });
});

afterAll(async () => {
  client?.close();
  await tc?.stop();
});

describe('KV', () => {
  it('puts, gets and deletes keys, with prev_kv and revisions', async () => {
    const p1 = await client.put('crud/a', 'one');
    expect(p1.prevKv).toBeUndefined();
    const p2 = await client.put('crud/a', Buffer.from('two'), { prevKv: true });
    expect(p2.prevKv?.value.toString()).toBe('one');
    expect(p2.header.revision).toBe(p1.header.revision + 1);

    const g = await client.get('crud/a');
    expect(g.count).toBe(1);
    expect(g.kvs[0]).toMatchObject({ key: Buffer.from('crud/a'), value: Buffer.from('two'), version: 2, createRevision: p1.header.revision, modRevision: p2.header.revision, lease: 0n });

    const old = await client.get('crud/a', { revision: p1.header.revision });
    expect(old.kvs[0]?.value.toString()).toBe('one');

    const d = await client.delete('crud/a', { prevKv: true });
    expect(d.deleted).toBe(1);
    expect(d.prevKvs[0]?.value.toString()).toBe('two');
    expect((await client.get('crud/a')).kvs).toHaveLength(0);
  });

  it('reads ranges: prefix, range end, from key, limit, sort, keys only, count only, serializable', async () => {
    for (const k of ['r/b', 'r/a', 'r/c']) await client.put(k, `v-${k}`);
    await client.put('s', 'outside');
    const all = await client.get('r/', { prefix: true });
    expect(all.kvs.map((kv) => kv.key.toString())).toEqual(['r/a', 'r/b', 'r/c']);
    expect((await client.get('r/a', { rangeEnd: 'r/c' })).count).toBe(2);
    expect((await client.get('r/b', { fromKey: true })).kvs.map((kv) => kv.key.toString())).toEqual(['r/b', 'r/c', 's']);
    const limited = await client.get('r/', { prefix: true, limit: 2 });
    expect(limited).toMatchObject({ more: true, count: 3 });
    expect(limited.kvs).toHaveLength(2);
    const desc = await client.get('r/', { prefix: true, sort: { target: 'create', order: 'descend' } });
    expect(desc.kvs.map((kv) => kv.key.toString())).toEqual(['r/c', 'r/a', 'r/b']);
    const keys = await client.get('r/', { prefix: true, keysOnly: true });
    expect(keys.kvs.every((kv) => kv.value.length === 0)).toBe(true);
    const count = await client.get('r/', { prefix: true, countOnly: true });
    expect(count).toMatchObject({ count: 3, kvs: [] });
    expect((await client.get('r/a', { serializable: true })).count).toBe(1);
  });

  it('runs transactions with the builder and as a spec, including nested txns', async () => {
    await client.put('t/x', '1');
    const ok = await client
      .txn()
      .when(Compare.value('t/x', '=', '1'), Compare.version('t/x', '>', 0))
      .andThen(Op.put('t/x', '2', { prevKv: true }), Op.get('t/x'), Op.delete('t/none'))
      .orElse(Op.put('t/x', 'failed'))
      .commit();
    expect(ok.succeeded).toBe(true);
    expect(ok.responses.map((r) => r.type)).toEqual(['put', 'range', 'delete']);
    const [put, range] = ok.responses;
    expect(put?.type === 'put' && put.response.prevKv?.value.toString()).toBe('1');
    expect(range?.type === 'range' && range.response.kvs[0]?.value.toString()).toBe('2');

    const failed = await client.txn({
      compare: [Compare.modRevision('t/x', '<', 1)],
      success: [Op.put('t/x', 'never')],
      failure: [Op.txn({ compare: [Compare.createRevision('t/missing', '=', 0)], success: [Op.put('t/y', 'nested')] })],
    });
    expect(failed.succeeded).toBe(false);
    expect(failed.responses[0]?.type).toBe('txn');
    expect((await client.get('t/y')).kvs[0]?.value.toString()).toBe('nested');
  });

  it('carries etcd codes and messages in its errors', async () => {
    const empty = await rejection(client.put('', 'x'));
    expect(empty.code).toBe(ClientErrorCode.KEY_NOT_PROVIDED);
    expect(empty.message).toBe('etcdserver: key is not provided');
    expect(empty.definite).toBe(true);

    const future = await rejection(client.get('x', { revision: 1_000_000 }));
    expect(future.code).toBe(ClientErrorCode.FUTURE_REVISION);
    expect(future.message).toBe('etcdserver: mvcc: required revision is a future revision');

    const noLease = await rejection(client.put('x', 'y', { lease: 0x1234n }));
    expect(noLease.code).toBe(ClientErrorCode.LEASE_NOT_FOUND);
    expect(noLease.message).toBe('etcdserver: requested lease not found');

    const dup = await rejection(client.txn({ success: [Op.put('d', '1'), Op.put('d', '2')] }));
    expect(dup.code).toBe(ClientErrorCode.DUPLICATE_KEY);
  });

  it('compacts, after which old revisions fail with COMPACTED', async () => {
    const first = await client.put('c/k', '1');
    await client.put('c/k', '2');
    await client.compact(first.header.revision + 1, { physical: true });
    const err = await rejection(client.get('c/k', { revision: first.header.revision }));
    expect(err.code).toBe(ClientErrorCode.COMPACTED);
    expect(err.message).toBe('etcdserver: mvcc: required revision has been compacted');
    const again = await rejection(client.compact(first.header.revision));
    expect(again.code).toBe(ClientErrorCode.COMPACTED);
  });
});

describe('leases', () => {
  it('grants, attaches keys, reports time to live and lists, revokes with the keys', async () => {
    const grant = await client.leaseGrant(30);
    expect(grant.ttl).toBe(30);
    expect(grant.id).toBeTypeOf('bigint');
    await client.put('l/a', 'v', { lease: grant.id });
    expect((await client.get('l/a')).kvs[0]?.lease).toBe(grant.id);
    const ttl = await client.leaseTimeToLive(grant.id, { keys: true });
    expect(ttl.grantedTtl).toBe(30);
    expect(ttl.ttl).toBeGreaterThan(0);
    expect(ttl.keys.map((k) => k.toString())).toEqual(['l/a']);
    expect((await client.leaseLeases()).leases).toContain(grant.id);
    await client.leaseRevoke(grant.id);
    expect((await client.get('l/a')).count).toBe(0);
    expect((await client.leaseTimeToLive(grant.id)).ttl).toBe(-1);
    const err = await rejection(client.leaseRevoke(grant.id));
    expect(err.code).toBe(ClientErrorCode.LEASE_NOT_FOUND);
  });

  it('grants a lease with a chosen id; a second grant of it fails with LEASE_EXISTS', async () => {
    const id = 0x7e57_0001n;
    expect((await client.leaseGrant(30, id)).id).toBe(id);
    expect((await rejection(client.leaseGrant(30, id))).code).toBe(ClientErrorCode.LEASE_EXISTS);
    await client.leaseRevoke(id);
  });

  it('keeps a lease alive past its TTL, and reports it lost once revoked', async () => {
    const { id } = await client.leaseGrant(2);
    await client.put('ka/k', 'v', { lease: id });
    const ka = client.leaseKeepAlive(id);
    const seen: number[] = [];
    ka.on('keepalive', (r) => seen.push(r.ttl));
    // Renewals every ~TTL/3: after several, the lease has lived longer than its TTL.
    await eventually('four renewals', () => (seen.length >= 4 ? true : undefined), 10_000);
    expect((await client.get('ka/k')).count).toBe(1);
    expect((await client.leaseKeepAliveOnce(id)).ttl).toBe(2);

    const lost = new Promise<KetchClientError>((resolve) => ka.once('lost', resolve));
    await client.leaseRevoke(id);
    expect((await lost).code).toBe(ClientErrorCode.LEASE_EXPIRED);
    await ka.done;
    expect(ka.isClosed).toBe(true);
    const once = await rejection(client.leaseKeepAliveOnce(id));
    expect(once.code).toBe(ClientErrorCode.LEASE_NOT_FOUND);
  });
});

describe('watch', () => {
  it('streams puts and deletes with prev_kv, from a start revision, in order', async () => {
    const start = (await client.put('w/a', '0')).header.revision;
    await client.put('w/a', '1');
    await client.delete('w/a');
    await client.put('w/b', '2');
    const w = client.watch('w/', { prefix: true, startRevision: start, prevKv: true });
    const events: Array<[string, string, string, string | undefined]> = [];
    for await (const resp of w) {
      for (const e of resp.events) events.push([e.type, e.kv.key.toString(), e.kv.value.toString(), e.prevKv?.value.toString()]);
      if (events.length >= 4) break;
    }
    expect(events).toEqual([
      ['put', 'w/a', '0', undefined],
      ['put', 'w/a', '1', '0'],
      ['delete', 'w/a', '', '1'],
      ['put', 'w/b', '2', undefined],
    ]);
    expect(w.isFinished).toBe(true);
  });

  it('watches from now after creation, filters, and answers progress requests', async () => {
    const w = client.watch('f/', { prefix: true, filters: ['noDelete'] });
    const createdAt = await w.created;
    await client.put('f/1', 'a');
    await client.delete('f/1');
    await client.put('f/2', 'b');
    const got: string[] = [];
    const it = w[Symbol.asyncIterator]();
    while (got.length < 2) {
      const r = await it.next();
      for (const e of (r.value as WatchResponse).events) {
        expect(e.kv.modRevision).toBeGreaterThan(createdAt);
        got.push(`${e.type}:${e.kv.key.toString()}`);
      }
    }
    expect(got).toEqual(['put:f/1', 'put:f/2']);
    client.requestProgress();
    const progress = await it.next();
    expect((progress.value as WatchResponse).progressNotify).toBe(true);
    expect(w.resumeRevision).toBe((progress.value as WatchResponse).header.revision + 1);
    await w.cancel();
    expect((await it.next()).done).toBe(true);
  });

  it('reassembles a fragmented response into one', async () => {
    const value = Buffer.alloc(40 * 1024, 0x61);
    const keys = 64;
    for (let i = 0; i < keys; i++) await client.put(`frag/${String(i).padStart(2, '0')}`, value);
    const w = client.watch('frag/', { prefix: true, prevKv: true, fragment: true });
    await w.created;
    // One revision whose events (with their previous values) exceed the server's response size.
    await client.delete('frag/', { prefix: true });
    const it = w[Symbol.asyncIterator]();
    const first = (await it.next()).value as WatchResponse;
    expect(first.events).toHaveLength(keys);
    expect(first.events.every((e) => e.type === 'delete' && e.prevKv?.value.length === value.length)).toBe(true);
    await w.cancel();
  });

  it('surfaces a compacted start revision as a canceled response with compact_revision', async () => {
    const first = await client.put('wc/k', '1');
    const second = await client.put('wc/k', '2');
    await client.compact(second.header.revision);
    const w = client.watch('wc/k', { startRevision: first.header.revision });
    const responses: WatchResponse[] = [];
    for await (const r of w) responses.push(r);
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({ canceled: true, compactRevision: second.header.revision });
    expect(w.err?.code).toBe(ClientErrorCode.COMPACTED);
    await expect(async () => {
      for await (const e of client.watch('wc/k', { startRevision: first.header.revision }).events()) void e;
    }).rejects.toMatchObject({ code: ClientErrorCode.COMPACTED });
  });
});

describe('cluster and maintenance', () => {
  it('lists members, reports status, finds the leader and moves leadership', async () => {
    const members = await client.memberList();
    expect(members.members).toHaveLength(3);
    expect(members.members.every((m) => m.name.startsWith('ketch') && m.clientUrls.length === 1)).toBe(true);
    const leader = await client.leader();
    const status = await client.status(leader.endpoint);
    expect(status.leader).toBe(leader.id);
    expect(status.header.memberId).toBe(leader.id);
    const target = members.members.find((m) => m.id !== leader.id)!;
    await client.moveLeader(target.id);
    await eventually('the new leader', async () => ((await client.leader()).id === target.id ? true : undefined));
  });

  it('sends requests to the leader with preferLeader', async () => {
    const c = new KetchClient({ endpoints: tc.endpoints, preferLeader: true });
    try {
      const leader = await c.leader();
      const put = await c.put('pl/k', 'v');
      expect(put.header.memberId).toBe(leader.id);
      expect((await c.get('pl/k')).header.memberId).toBe(leader.id);
    } finally {
      c.close();
    }
  });

  it('fails member operations with etcd errors', async () => {
    const err = await rejection(client.memberRemove(0x1234n));
    expect(err.code).toBe(ClientErrorCode.MEMBER_NOT_FOUND);
    expect(err.message).toBe('etcdserver: member not found');
  });

  it('streams a snapshot of a member backend', async () => {
    const snap = await client.snapshotBuffer({ endpoint: tc.endpoints[0]! });
    expect(snap.length).toBeGreaterThan(0);
  });

  it('fails with CLOSED once closed', async () => {
    const c = new KetchClient({ endpoints: tc.endpoints });
    await c.get('x');
    c.close();
    expect((await rejection(c.get('x'))).code).toBe(ClientErrorCode.CLOSED);
  });
});
