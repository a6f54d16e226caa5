import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KetchClient } from '../client/index.js';
import { ClusterErrorCode, UnsupportedFaultError } from './errors.js';
import { LocalCluster, type LocalMember } from './local_cluster.js';
import { NetnsNetwork } from './netns_network.js';

/**
 * netns mode, for real: namespaces, veths, a bridge, nftables drops. It needs root on Linux with
 * `ip netns` and nft; elsewhere the whole suite is skipped and its title says why.
 */
const unavailable = NetnsNetwork.unavailableReason();

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(unavailable !== undefined)(`netns mode${unavailable !== undefined ? ` (skipped: ${unavailable})` : ''}`, () => {
  let dir: string;
  let cluster: LocalCluster;
  let client: KetchClient;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ketch-netns-'));
    cluster = await LocalCluster.create({ nodes: 3, dataDir: dir, net: 'netns' });
    await cluster.startAll();
    await cluster.waitHealthy(30_000);
    client = new KetchClient({ endpoints: cluster.endpoints(), requestTimeoutMs: 10_000 });
  }, 60_000);
  afterAll(async () => {
    client?.close();
    const net = cluster?.network;
    await cluster?.stopAll();
    await rm(dir, { recursive: true, force: true });
    // Nothing this cluster made is left behind: no namespace, no veth, no bridge.
    expect(net?.leftovers()).toEqual([]);
  });

  const isLeader = async (m: LocalMember): Promise<boolean> =>
    (await (await fetch(`${cluster.metricsUrl(m)}/metrics`, { signal: AbortSignal.timeout(1000) })).text()).includes('\netcd_server_is_leader 1');
  const leaderOf = async (ms: readonly LocalMember[]): Promise<LocalMember | undefined> => {
    for (const m of ms) if (await isLeader(m).catch(() => false)) return m;
    return undefined;
  };

  it('gives every member its own namespace and address', () => {
    const hosts = cluster.members.map((m) => m.host);
    expect(new Set(hosts).size).toBe(3);
    expect(cluster.endpoints()).toEqual(hosts.map((h) => `${h}:2379`));
  });

  it('an isolated leader (packets dropped by nftables) is replaced, and the cluster reunites when healed', async () => {
    const leader = await waitFor('a leader', () => leaderOf(cluster.members));
    const others = cluster.members.filter((m) => m !== leader);
    await cluster.cut(others.flatMap((o) => [[leader, o] as const, [o, leader] as const]));
    const successor = await waitFor('a new leader among the majority', () => leaderOf(others));
    expect(others).toContain(successor);
    expect(await cluster.network!.dropped(cluster.members.indexOf(leader), 'cut')).toBeGreaterThan(0);
    await cluster.heal();
    await waitFor('the old leader follows again', async () => ((await isLeader(leader)) ? undefined : true));
    await cluster.waitHealthy(30_000);
  });

  it('loses packets on every peer link, and writes still commit', async () => {
    await cluster.degrade({ lossPercent: 10 });
    let committed = 0;
    try {
      // Loss stalls TCP (retransmissions), and a stall can cost a request its deadline or the
      // leader its term: retry until enough writes are acknowledged.
      await waitFor('writes acknowledged under loss', async () => {
        await client.put(`netns-loss-${committed}`, String(committed));
        return ++committed >= 10 ? true : undefined;
      }, 60_000);
      const drops = await Promise.all(cluster.members.map((_, i) => cluster.network!.dropped(i, 'loss')));
      expect(drops.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    } finally {
      await cluster.heal();
    }
    expect(await Promise.all(cluster.members.map((_, i) => cluster.network!.dropped(i, 'loss')))).toEqual([0, 0, 0]);
    expect((await client.get('netns-loss-9')).kvs[0]?.value.toString()).toBe('9');
  }, 90_000);

  it('delays through tc netem where the kernel has it, and otherwise says why', async () => {
    const reason = cluster.unsupportedReason({ delayMs: 50 });
    if (reason === undefined) {
      await cluster.degrade({ delayMs: 50, jitterMs: 10 });
      await client.put('netns-delay', 'x');
      await cluster.heal();
      return;
    }
    expect(reason).toContain('netem');
    await expect(Promise.resolve().then(() => cluster.degrade({ delayMs: 50 }))).rejects.toMatchObject({ code: ClusterErrorCode.FAULT_UNSUPPORTED });
    await expect(Promise.resolve().then(() => cluster.degrade({ delayMs: 50 }))).rejects.toBeInstanceOf(UnsupportedFaultError);
  });

  /**
   * Runs a child process that sets up a 2-member network and then ends as `ending` says, without
   * calling destroy(); returns how it ended and the namespaces it had made, after checking that
   * none of them is left.
   */
  function childThatEnds(ending: string): { status: number | null; signal: NodeJS.Signals | null; stderr: string } {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const moduleUrl = new URL(`file://${path.join(here, '..', '..', 'dist', 'kvstore', 'cluster', 'netns_network.js')}`).href;
    const script = `
      const { NetnsNetwork } = await import(${JSON.stringify(moduleUrl)});
      const net = await NetnsNetwork.create(2);
      console.log(JSON.stringify(net.nodes.map((n) => n.ns)));
      ${ending}
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const made = JSON.parse(r.stdout.trim().split('\n')[0] as string) as string[];
    expect(made).toHaveLength(2);
    const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    for (const ns of made) expect(left).not.toContain(ns);
    return { status: r.status, signal: r.signal, stderr: r.stderr };
  }

  it('removes its namespaces when the process dies of an exception, without stopAll', () => {
    const r = childThatEnds("throw new Error('the harness crashed');");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('the harness crashed');
  });

  it('removes its namespaces when the process is ended by SIGTERM (as by Ctrl-C), and still dies of it', () => {
    const r = childThatEnds("process.kill(process.pid, 'SIGTERM'); setTimeout(() => {}, 60_000);");
    expect(r.signal).toBe('SIGTERM');
  });
});
