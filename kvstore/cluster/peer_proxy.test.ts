import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCluster, type LocalMember } from './local_cluster.js';

async function metric(m: LocalMember, name: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${m.metricsPort}/metrics`, { signal: AbortSignal.timeout(1000) })).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  } catch {
    return undefined;
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function leaderOf(members: readonly LocalMember[]): Promise<LocalMember | undefined> {
  for (const m of members) if ((await metric(m, 'etcd_server_is_leader')) === 1) return m;
  return undefined;
}

describe('partitions through the peer proxies', () => {
  let dir: string;
  let cluster: LocalCluster;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ketch-proxy-'));
    cluster = await LocalCluster.create({ nodes: 3, dataDir: dir, peerProxy: true });
    await cluster.startAll();
    await cluster.waitHealthy(30_000);
  });
  afterAll(async () => {
    await cluster?.stopAll();
    await rm(dir, { recursive: true, force: true });
  });

  it('an isolated leader is replaced by the majority, and the cluster reunites when healed', async () => {
    const leader = await waitFor('a leader', () => leaderOf(cluster.members));
    const others = cluster.members.filter((m) => m !== leader);
    const before = await metric(leader, 'etcd_server_term');
    cluster.cut(others.flatMap((o) => [[leader, o] as const, [o, leader] as const]));
    const successor = await waitFor('a new leader among the majority', () => leaderOf(others));
    expect(others).toContain(successor);
    // The old leader cannot stay leader: CheckQuorum makes it step down.
    await waitFor('the isolated member steps down', async () => ((await metric(leader, 'etcd_server_is_leader')) === 0 ? true : undefined));
    cluster.heal();
    await waitFor('every member agrees on one leader', async () => {
      const terms = await Promise.all(cluster.members.map((m) => metric(m, 'etcd_server_term')));
      const leaders = await Promise.all(cluster.members.map((m) => metric(m, 'etcd_server_is_leader')));
      return new Set(terms).size === 1 && leaders.filter((l) => l === 1).length === 1 ? true : undefined;
    });
    expect((await metric(leader, 'etcd_server_term'))!).toBeGreaterThan(before!);
  });
});
