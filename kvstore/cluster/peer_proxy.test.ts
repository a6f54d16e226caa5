import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack, PROTOCOL_MAGIC, PROTOCOL_VERSION } from '../node/transport_codec.js';
import { encodeFrame, FrameKind } from '../node/transport_frame.js';
import { ClusterErrorCode, UnsupportedFaultError } from './errors.js';
import { freePort, LocalCluster, type LocalMember } from './local_cluster.js';
import { PeerProxy } from './peer_proxy.js';

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

  it('delays the links, and refuses packet loss, saying why', async () => {
    expect(cluster.unsupportedReason({ delayMs: 100 })).toBeUndefined();
    let err: unknown;
    try {
      cluster.degrade({ lossPercent: 10 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedFaultError);
    expect((err as UnsupportedFaultError).code).toBe(ClusterErrorCode.FAULT_UNSUPPORTED);
    expect((err as UnsupportedFaultError).reason).toContain('TCP stream');
    // With every link slowed, the cluster still elects and keeps a leader; healed, it carries on.
    cluster.degrade({ delayMs: 50, jitterMs: 20 });
    await waitFor('a leader under delay', () => leaderOf(cluster.members));
    cluster.heal();
    await cluster.waitHealthy(20_000);
  });
});

/** A peer handshake from member `from`, as the transport sends it first on a connection. */
function hello(from: number): Buffer {
  return encodeFrame(FrameKind.HELLO, pack({ magic: PROTOCOL_MAGIC, version: PROTOCOL_VERSION, clusterId: 0, from, to: 9, channel: 'stream' }));
}

describe('delay through the peer proxy', () => {
  it('holds traffic back: what a delayed link carried first arrives after what an undelayed one carried later', async () => {
    // One upstream "member" behind two proxies: A delays every chunk by an hour, B not at all.
    const seen: string[] = [];
    const upstream = net.createServer((s) => s.on('data', (c: Buffer) => {
      const text = c.toString('latin1');
      for (const word of ['from-a', 'from-b']) if (text.includes(word)) seen.push(word);
    }));
    const upstreamPort = await freePort();
    await new Promise<void>((r) => upstream.listen(upstreamPort, '127.0.0.1', () => r()));
    const a = new PeerProxy(() => 9, upstreamPort, () => false, '127.0.0.1', () => 3_600_000);
    const b = new PeerProxy(() => 9, upstreamPort, () => false, '127.0.0.1', () => 0);
    const [portA, portB] = [await freePort(), await freePort()];
    await a.listen(portA);
    await b.listen(portB);
    const dial = async (port: number, from: number): Promise<net.Socket> => {
      const s = net.connect(port, '127.0.0.1');
      await new Promise((r) => s.once('connect', r));
      s.write(hello(from));
      return s;
    };
    const sa = await dial(portA, 1);
    const sb = await dial(portB, 2);
    try {
      // Let both handshakes through (they open the upstream connection) before the payloads.
      await waitFor('both connections upstream', async () => (await new Promise<number>((r) => upstream.getConnections((_, n) => r(n)))) === 2 || undefined);
      sa.write('from-a');
      await new Promise((r) => setImmediate(r));
      sb.write('from-b');
      await waitFor('the undelayed payload', async () => (seen.includes('from-b') ? true : undefined));
      expect(seen).toEqual(['from-b']);
    } finally {
      sa.destroy();
      sb.destroy();
      await a.close();
      await b.close();
      await new Promise((r) => upstream.close(r));
    }
  });
});
