/**
 * The npm `etcd3` client (what Node users of etcd use) against a 3-member ketch cluster: KV,
 * transactions, leases, watches, locks, elections, STM, and fail-over when the leader dies.
 */
import { Etcd3, EtcdLockFailedError, type IKeyValue } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdGrpc, findLeader, memberAddress } from './grpc_client.js';
import { restartMember, startKetch, waitFor, type KetchCluster } from './processes.js';

describe('the etcd3 npm client against a 3-member ketch cluster', () => {
  let ketch: KetchCluster;
  let client: Etcd3;

  beforeAll(async () => {
    ketch = await startKetch('etcd3', 3);
    client = new Etcd3({ hosts: ketch.cluster.endpoints().map((e) => `http://${e}`), dialTimeout: 5000 });
  });

  afterAll(async () => {
    client?.close();
    await ketch?.close();
  });

  it('puts, gets, lists by prefix (sorted, limited, counted) and deletes', async () => {
    await client.put('kv/a').value('1');
    await client.put('kv/b').value('2');
    await client.put('kv/c').value('3');
    await client.put('kw').value('outside');
    expect(await client.get('kv/b').string()).toBe('2');
    expect(await client.get('kv/none').string()).toBeNull();
    expect(await client.getAll().prefix('kv/').strings()).toEqual({ 'kv/a': '1', 'kv/b': '2', 'kv/c': '3' });
    expect(await client.getAll().prefix('kv/').sort('Key', 'Descend').limit(2).keys()).toEqual(['kv/c', 'kv/b']);
    expect(await client.getAll().prefix('kv/').count()).toBe(3);

    const prev = await client.put('kv/a').value('1b').getPrevious();
    expect(prev.value.toString()).toBe('1');
    const del = await client.delete().key('kv/a').exec();
    expect(del.deleted).toBe('1');
    const gone = await client.delete().prefix('kv/').getPrevious();
    expect(gone.map((kv) => kv.key.toString()).sort()).toEqual(['kv/b', 'kv/c']);
    expect(await client.getAll().prefix('kv/').count()).toBe(0);
    expect(await client.get('kw').string()).toBe('outside');
  });

  it('commits if/then/else transactions, taking the branch the comparisons choose', async () => {
    await client.put('tx/k').value('v1');
    const ok = await client.if('tx/k', 'Value', '==', 'v1').and('tx/k', 'Version', '==', 1).then(client.put('tx/k').value('v2')).else(client.put('tx/else').value('x')).commit();
    expect(ok.succeeded).toBe(true);
    const no = await client.if('tx/k', 'Value', '==', 'v1').then(client.put('tx/k').value('v3')).else(client.put('tx/else').value('y'), client.get('tx/k')).commit();
    expect(no.succeeded).toBe(false);
    expect(no.responses[1]?.response_range?.kvs[0]?.value.toString()).toBe('v2');
    expect(await client.get('tx/k').string()).toBe('v2');
    expect(await client.get('tx/else').string()).toBe('y');
    // Create revision 0 means "does not exist": a create-if-absent.
    const absent = await client.if('tx/new', 'Create', '==', 0).then(client.put('tx/new').value('first')).commit();
    const again = await client.if('tx/new', 'Create', '==', 0).then(client.put('tx/new').value('second')).commit();
    expect([absent.succeeded, again.succeeded]).toEqual([true, false]);
    expect(await client.get('tx/new').string()).toBe('first');
  });

  it('keeps a lease alive past its TTL with keep-alives, and revoking it deletes its keys', async () => {
    const lease = client.lease(3);
    let keepalives = 0;
    lease.on('keepaliveSucceeded', () => keepalives++);
    try {
      await lease.put('lease/a').value('1');
      await lease.put('lease/b').value('2');
      const granted = Date.now();
      // Past the 3 s TTL, on keep-alives only.
      await waitFor('keep-alives past the lease TTL', () => (keepalives >= 3 && Date.now() - granted > 4000 ? true : undefined), 20_000);
      expect(await client.getAll().prefix('lease/').keys()).toEqual(['lease/a', 'lease/b']);
    } finally {
      await lease.revoke();
    }
    expect(await client.getAll().prefix('lease/').count()).toBe(0);
  });

  it('expires a lease that is not kept alive, and deletes its keys', async () => {
    const lease = client.lease(2, { autoKeepAlive: false });
    await lease.put('expiring/a').value('1');
    expect(await client.get('expiring/a').string()).toBe('1');
    await waitFor('the lease to expire and its key to go', async () => ((await client.get('expiring/a').string()) === null ? true : undefined), 30_000, 250);
    lease.release();
  });

  it('delivers put and delete events to a watcher, in order, with previous values', async () => {
    const events: string[] = [];
    const watcher = await client.watch().prefix('w/').withPreviousKV().create();
    watcher.on('put', (kv: IKeyValue, prev?: IKeyValue) => events.push(`put ${kv.key.toString()}=${kv.value.toString()} prev=${prev?.value.toString() ?? '-'}`));
    watcher.on('delete', (kv: IKeyValue, prev?: IKeyValue) => events.push(`delete ${kv.key.toString()} prev=${prev?.value.toString() ?? '-'}`));
    try {
      await client.put('w/1').value('a');
      await client.put('w/1').value('b');
      await client.put('x/not-watched').value('z');
      await client.delete().key('w/1');
      await waitFor('three events', () => (events.length >= 3 ? true : undefined), 10_000);
      expect(events).toEqual(['put w/1=a prev=-', 'put w/1=b prev=a', 'delete w/1 prev=b']);
    } finally {
      await watcher.cancel();
    }
  });

  it('replays history to a watcher that starts at an old revision', async () => {
    const first = await client.put('hist/k').value('1');
    await client.put('hist/k').value('2');
    const seen: string[] = [];
    const watcher = await client.watch().key('hist/k').startRevision(first.header.revision).create();
    watcher.on('put', (kv: IKeyValue) => seen.push(kv.value.toString()));
    try {
      await waitFor('the replayed events', () => (seen.length >= 2 ? true : undefined), 10_000);
      expect(seen).toEqual(['1', '2']);
    } finally {
      await watcher.cancel();
    }
  });

  it('locks: a second holder is refused while the first holds the lock, and gets it after release', async () => {
    const first = client.lock('locks/res');
    await first.acquire();
    await expect(client.lock('locks/res').acquire()).rejects.toBeInstanceOf(EtcdLockFailedError);
    await first.release();
    const second = client.lock('locks/res');
    await second.acquire();
    await second.release();
  });

  it('elections: the first candidate leads, the next one takes over when it resigns, observers see both', async () => {
    const election = client.election('elect/x', 5);
    const observer = await election.observe();
    const seen: Array<string | undefined> = [];
    observer.on('change', (v) => seen.push(v));
    const a = election.campaign('a');
    await a.wait();
    const b = client.election('elect/x', 5).campaign('b');
    await waitFor('the observer to see a', () => (seen.includes('a') ? true : undefined), 10_000);
    expect(await election.leader()).toBe('a');
    let bElected = false;
    b.on('elected', () => (bElected = true));
    expect(bElected).toBe(false);
    await a.resign();
    await b.wait();
    await waitFor('the observer to see b', () => (seen.includes('b') ? true : undefined), 10_000);
    expect(await election.leader()).toBe('b');
    await b.resign();
    await observer.cancel();
  });

  it('software transactions: concurrent transfers keep the total and lose no transfer', async () => {
    // The STM reads every key after the first at the first read's revision with serializable reads.
    // etcd3 spreads requests over its hosts, and a member that has not yet applied that revision
    // answers "future revision" (etcd does the same), so the STM client talks to one member.
    const stmClient = new Etcd3({ hosts: `http://${ketch.cluster.endpoints()[0]}`, dialTimeout: 5000 });
    try {
      await stmClient.put('bank/a').value(100);
      await stmClient.put('bank/b').value(100);
      // Isolation 1 is Serializable. etcd3 1.1.2's default, SerializableSnapshot, reports a conflict
      // on every attempt of this transaction against a real etcd 3.4 too (a client bug), so it is not used.
      const transfer = () =>
        stmClient.stm({ retries: 50, isolation: 1 }).transact(async (tx) => {
          const [a, b] = await Promise.all([tx.get('bank/a').number(), tx.get('bank/b').number()]);
          await Promise.all([tx.put('bank/a').value((a ?? 0) - 1), tx.put('bank/b').value((b ?? 0) + 1)]);
        });
      const results = await Promise.allSettled(Array.from({ length: 10 }, transfer));
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
      expect(failures).toEqual([]);
      const a = await client.get('bank/a').number();
      const b = await client.get('bank/b').number();
      expect({ a, b }).toEqual({ a: 90, b: 110 });
    } finally {
      stmClient.close();
    }
  });

  it('keeps working through the death of the leader; the restarted member catches up', async () => {
    const { leader } = await findLeader(ketch.cluster);
    await ketch.cluster.kill(leader);
    const written: string[] = [];
    for (let i = 0; i < 20; i++) {
      const key = `failover/${i}`;
      // The client may see errors while a new leader is elected; it retries until the deadline.
      await waitFor(`put ${key}`, async () => {
        await client.put(key).value(String(i));
        return true;
      }, 30_000, 200);
      written.push(key);
    }
    expect(await client.getAll().prefix('failover/').keys()).toEqual([...written].sort());

    await restartMember(ketch.cluster, leader);
    await ketch.cluster.waitHealthy(30_000);
    const raw = new EtcdGrpc(memberAddress(leader));
    try {
      await waitFor('the restarted member to hold every write (serializable read)', async () => {
        const got = await raw.getPrefix('failover/', { serializable: true });
        return got.size === written.length ? got : undefined;
      }, 30_000);
    } finally {
      raw.close();
    }
  });
});
