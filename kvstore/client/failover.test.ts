import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalMember } from '../cluster/index.js';
import { ClientErrorCode, KetchClient, KetchClientError, type WatchEvent } from './index.js';
import { eventually, rejection, startTestCluster, type TestCluster } from './testing.js';

/**
 * The client against failures of real members: reads fail over, watches resume without gaps or
 * duplicates, writes that may have reached a member that then failed are UNKNOWN_OUTCOME, and
 * writes that never left are definite failures. Each test restarts the member it killed.
 */

let tc: TestCluster;
const clients: KetchClient[] = [];

function newClient(endpoints: readonly string[], requestTimeoutMs = 5000): KetchClient {
  const c = new KetchClient({ endpoints, requestTimeoutMs, dialTimeoutMs: 1000 });
  clients.push(c);
  return c;
}

function memberAt(endpoint: string): LocalMember {
  const m = tc.cluster.members.find((x) => `127.0.0.1:${x.clientPort}` === endpoint);
  if (m === undefined) throw new Error(`no member at ${endpoint}`);
  return m;
}

function endpointOf(m: LocalMember): string {
  return `127.0.0.1:${m.clientPort}`;
}

async function restart(m: LocalMember): Promise<void> {
  // LocalCluster.start() skips a member whose old process object is still set.
  delete m.process;
  await tc.cluster.start(m);
  await tc.cluster.waitHealthy(30_000, [m]);
}


beforeAll(async () => {
  tc = await startTestCluster(3);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await tc?.stop();
});

describe('failover', () => {
  it('moves reads, then writes, to another member when the one in use dies', async () => {
    const c = newClient(tc.endpoints);
    await c.put('fo/k', 'v');
    const used = c.currentEndpoint;
    const m = memberAt(used);
    await tc.cluster.kill(m);
    const g = await c.get('fo/k');
    expect(g.kvs[0]?.value.toString()).toBe('v');
    expect(c.currentEndpoint).not.toBe(used);
    await c.put('fo/k', 'w');
    expect((await c.get('fo/k')).kvs[0]?.value.toString()).toBe('w');
    await restart(m);
  });

  it('resumes a watch on another member after its member dies, without gaps or duplicates', async () => {
    const watcherClient = newClient(tc.endpoints);
    const writer = newClient(tc.endpoints);
    const w = watcherClient.watch('wr/', { prefix: true, prevKv: true });
    const createdAt = await w.created;
    const watchedOn = await eventually('the watch endpoint', () => w.endpoint);
    const victim = memberAt(watchedOn);

    const events: WatchEvent[] = [];
    const collecting = (async () => {
      for await (const resp of w) {
        events.push(...resp.events);
        if (resp.events.some((e) => e.kv.key.toString() === 'wr/done')) return;
      }
    })();

    let killed = false;
    for (let i = 0; i < 60; i++) {
      if (i === 20) {
        await eventually('events before the kill', () => (events.length > 0 ? true : undefined));
        await tc.cluster.kill(victim);
        killed = true;
      }
      try {
        await writer.put(`wr/${i % 7}`, `v${i}`);
      } catch (err) {
        // A write lost with the killed member is fine: the check below compares with the store's history.
        if (!(err instanceof KetchClientError)) throw err;
      }
    }
    expect(killed).toBe(true);
    await writer.put('wr/done', 'x');
    await collecting;

    const revisions = events.map((e) => e.kv.modRevision);
    expect(revisions.every((r, i) => i === 0 || r > revisions[i - 1]!)).toBe(true);

    // The same range from the same revision, watched afresh on a live member: the whole history.
    const reference: WatchEvent[] = [];
    for await (const resp of writer.watch('wr/', { prefix: true, prevKv: true, startRevision: createdAt + 1 })) {
      reference.push(...resp.events);
      if (resp.events.some((e) => e.kv.key.toString() === 'wr/done')) break;
    }
    const summary = (e: WatchEvent): string => `${e.type} ${e.kv.key.toString()}=${e.kv.value.toString()}@${e.kv.modRevision} prev=${e.prevKv?.value.toString() ?? '-'}`;
    expect(events.map(summary)).toEqual(reference.map(summary));
    expect(events.length).toBeGreaterThan(50);
    await restart(victim);
  });

  it('surfaces the compacted cancel when the revision to resume from was compacted meanwhile', async () => {
    const m = tc.cluster.members[0]!;
    const lone = newClient([endpointOf(m)]);
    const other = newClient(tc.endpoints.filter((e) => e !== endpointOf(m)));
    const w = lone.watch('wcomp/k');
    await w.created;
    const first = await other.put('wcomp/k', '1');
    const it = w[Symbol.asyncIterator]();
    expect((await it.next()).value?.events[0]?.kv.modRevision).toBe(first.header.revision);

    await tc.cluster.kill(m);
    const second = await other.put('wcomp/k', '2');
    const third = await other.put('wcomp/k', '3');
    await other.compact(third.header.revision);
    await restart(m);

    const last = await it.next();
    if (last.value?.canceled) {
      // The member had caught up (and compacted) when the watch resumed: a compacted cancel.
      expect(last.value.compactRevision).toBeGreaterThanOrEqual(third.header.revision);
      expect(w.err?.code).toBe(ClientErrorCode.COMPACTED);
      expect((await it.next()).done).toBe(true);
    } else {
      // The member had not caught up yet: the resume revision was still in its future, so it took
      // the watch and delivers the missed revisions itself as it applies them (etcd does the same).
      // Either way nothing may be skipped or repeated.
      const revisions: number[] = (last.value?.events ?? []).map((e: WatchEvent) => e.kv.modRevision);
      while (!revisions.includes(third.header.revision)) {
        const next = await it.next();
        revisions.push(...(next.value?.events ?? []).map((e: WatchEvent) => e.kv.modRevision));
      }
      expect(revisions).toEqual([second.header.revision, third.header.revision]);
      await w.cancel();
    }
  });

  it('keeps a lease alive through the death of the member its stream was on', async () => {
    const c = newClient(tc.endpoints);
    const { id } = await c.leaseGrant(6);
    const ka = c.leaseKeepAlive(id);
    let renewals = 0;
    ka.on('keepalive', () => renewals++);
    await eventually('a first renewal', () => (renewals > 0 ? true : undefined));
    const m = memberAt(c.currentEndpoint);
    await tc.cluster.kill(m);
    const before = renewals;
    await eventually('renewals after the kill', () => (renewals >= before + 2 ? true : undefined), 20_000);
    expect(ka.isClosed).toBe(false);
    expect((await c.leaseTimeToLive(id)).ttl).toBeGreaterThan(0);
    ka.close();
    await restart(m);
  });
});

describe('outcome of writes', () => {
  it('reports UNKNOWN_OUTCOME for a write sent to a member that stopped answering or died', async () => {
    const leader = await newClient(tc.endpoints).leader();
    const follower = tc.cluster.members.find((m) => endpointOf(m) !== leader.endpoint)!;
    const c = newClient([endpointOf(follower)], 1500);
    await c.get('uo/warm-up');

    // Paused: the request is in the member's socket, no answer comes before the deadline.
    tc.cluster.signal(follower, 'SIGSTOP');
    try {
      const timedOut = await rejection(c.put('uo/a', '1'));
      expect(timedOut.code).toBe(ClientErrorCode.UNKNOWN_OUTCOME);
      expect(timedOut.definite).toBe(false);
      expect(timedOut.reason).toBe('DEADLINE_EXCEEDED');

      // Died while the request was in flight: the connection drops under it.
      const slow = newClient([endpointOf(follower)], 20_000);
      tc.cluster.signal(follower, 'SIGCONT');
      await slow.get('uo/warm-up');
      tc.cluster.signal(follower, 'SIGSTOP');
      const inFlight = rejection(slow.put('uo/b', '1'));
      // Let the event loop start the call on its (connected) channel before the member dies.
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
      await tc.cluster.kill(follower);
      const dropped = await inFlight;
      expect(dropped.code).toBe(ClientErrorCode.UNKNOWN_OUTCOME);
      expect(dropped.reason).toBe('CONNECTION_LOST');
    } finally {
      tc.cluster.signal(follower, 'SIGCONT');
    }

    // Dead: nothing can be sent, so the failure is definite.
    const refused = await rejection(newClient([endpointOf(follower)], 800).put('uo/c', '1'));
    expect(refused.code).toBe(ClientErrorCode.UNAVAILABLE);
    expect(refused.definite).toBe(true);
    expect(refused.message).toBe('context deadline exceeded');

    // Reads through the live members still work, and the definite write really did not happen.
    const other = newClient(tc.endpoints);
    expect((await other.get('uo/c')).count).toBe(0);
    await restart(follower);
  });
});
