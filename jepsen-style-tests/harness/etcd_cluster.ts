import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {
  freePort,
  isRunning,
  killProcess,
  memberFlagsOnHost,
  pipeWithDelay,
  ProxyFaults,
  spawnLogged,
  stopProcess,
  waitMembersHealthy,
  type LinkDegradation,
  type LocalMember,
} from '../../kvstore/cluster/index.js';
import type { ClusterControl } from './cluster.js';

export interface EtcdClusterOptions {
  readonly nodes: number;
  readonly dataDir: string;
  /** Extra flags for every etcd. */
  readonly etcdArgs?: readonly string[];
  /** Put a fault-injecting proxy in front of every member's peer port, for partitions. */
  readonly peerProxy?: boolean;
  /** The etcd binary; default: `etcd` on PATH. */
  readonly bin?: string;
}

/** The etcd binary to use, or undefined when there is none (then `--target etcd` cannot run). */
export function findEtcd(bin = process.env['ETCD_BIN'] ?? 'etcd'): string | undefined {
  if (bin.includes('/')) return existsSync(bin) ? bin : undefined;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? bin : undefined;
}

type Link = readonly [LocalMember, LocalMember];

/**
 * A real etcd cluster on loopback, controlled like LocalCluster (kill -9 and restart from the
 * data directory, SIGSTOP/SIGCONT, partitions), so the same workloads, nemeses and checkers run
 * against the reference system.
 *
 * Partitions go through a proxy in front of each member's peer port, as for ketch, but etcd's
 * peer protocol is HTTP: the proxy reads a connection's first request to learn the sender (its
 * X-PeerURLs header) and which way the raft messages flow (a GET /raft/stream/... carries them
 * from the member dialed to the dialer; every other request, from the dialer), and cuts the
 * connection when that one-way link is cut.
 */
export class EtcdCluster implements ClusterControl {
  readonly members: LocalMember[] = [];
  private readonly proxies: EtcdPeerProxy[] = [];
  private readonly host = '127.0.0.1';
  private readonly faults: ProxyFaults;
  /** Members re-added at runtime, which start with `--initial-cluster-state existing`. */
  private readonly joining = new Set<string>();

  private constructor(
    private readonly opts: EtcdClusterOptions,
    private readonly bin: string,
  ) {
    this.faults = new ProxyFaults(opts.peerProxy === true);
  }

  static async create(opts: EtcdClusterOptions): Promise<EtcdCluster> {
    const bin = opts.bin ?? findEtcd();
    if (bin === undefined) throw new Error('no etcd binary found (install etcd-server, or set ETCD_BIN)');
    const c = new EtcdCluster(opts, bin);
    for (let i = 0; i < opts.nodes; i++) {
      const [clientPort, peerPort, metricsPort, proxyPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
      c.members.push({ name: `etcd${i + 1}`, clientPort, peerPort, metricsPort, dataDir: path.join(opts.dataDir, `etcd${i + 1}`), ...(opts.peerProxy ? { proxyPort } : {}) });
    }
    return c;
  }

  endpoints(): string[] {
    return this.members.map((m) => `${this.host}:${m.clientPort}`);
  }

  peerUrl(m: LocalMember): string {
    return `http://${this.host}:${m.proxyPort ?? m.peerPort}`;
  }

  metricsUrl(m: LocalMember): string {
    return `http://${this.host}:${m.metricsPort}`;
  }

  private args(m: LocalMember): string[] {
    return memberFlagsOnHost(this.host, m, {
      advertisePeerUrl: this.peerUrl(m),
      initialCluster: this.members.map((x) => `${x.name}=${this.peerUrl(x)}`).join(','),
      state: this.joining.has(m.name) ? 'existing' : 'new',
      token: 'ketch-jepsen',
      extra: this.opts.etcdArgs ?? [],
    });
  }

  async start(m: LocalMember): Promise<void> {
    if (isRunning(m.process)) return;
    await mkdir(this.opts.dataDir, { recursive: true });
    m.process = spawnLogged(this.bin, this.args(m), path.join(this.opts.dataDir, `${m.name}.log`));
  }

  async startAll(): Promise<void> {
    if (this.opts.peerProxy && this.proxies.length === 0) {
      const byUrl = new Map(this.members.map((m) => [this.peerUrl(m), m]));
      for (const m of this.members) {
        const isCut = (from: LocalMember | undefined, to: LocalMember | undefined): boolean =>
          from !== undefined && to !== undefined ? this.faults.isCut(from.name, to.name) : this.faults.touches((from ?? to)?.name);
        const p = new EtcdPeerProxy(m, m.peerPort, byUrl, isCut, this.host, () => this.faults.delayMs());
        await p.listen(m.proxyPort as number);
        this.proxies.push(p);
      }
    }
    for (const m of this.members) await this.start(m);
  }

  signal(m: LocalMember, sig: NodeJS.Signals): void {
    m.process?.kill(sig);
  }

  async kill(m: LocalMember): Promise<void> {
    await killProcess(m.process);
  }

  cut(links: readonly Link[]): void {
    this.faults.cut(links);
    for (const p of this.proxies) p.enforce();
  }

  unsupportedReason(d: LinkDegradation): string | undefined {
    return this.faults.unsupportedReason(d);
  }

  degrade(d: LinkDegradation): void {
    this.faults.degrade(d);
  }

  heal(): void {
    this.faults.heal();
  }

  /** etcd learns a re-added member's id from the cluster; it only needs empty data and `existing`. */
  async rejoin(m: LocalMember): Promise<void> {
    if (isRunning(m.process)) throw new Error(`rejoin: member ${m.name} is still running`);
    await rm(m.dataDir, { recursive: true, force: true });
    this.joining.add(m.name);
  }

  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    await waitMembersHealthy(this.members, (m) => `${this.metricsUrl(m)}/health`, timeoutMs);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.members.map((m) => stopProcess(m.process)));
    for (const p of this.proxies) await p.close();
    this.proxies.length = 0;
  }
}

/** The TCP proxy in front of one etcd member's peer port (see EtcdCluster). */
class EtcdPeerProxy {
  private readonly server: net.Server;
  /** Live connections; from and to are undefined for a connection whose first request named no sender. */
  private readonly live = new Set<{ from: LocalMember | undefined; to: LocalMember | undefined; client: net.Socket; upstream: net.Socket }>();

  constructor(
    private readonly member: LocalMember,
    private readonly upstreamPort: number,
    private readonly byUrl: ReadonlyMap<string, LocalMember>,
    /**
     * Whether the one-way link is cut; with one end undefined (a sender the proxy could not
     * name), whether any link to or from the other end is.
     */
    private readonly isCut: (from: LocalMember | undefined, to: LocalMember | undefined) => boolean,
    private readonly host: string,
    /** Asked per chunk, both directions: how long to hold it back (the delay nemesis). */
    private readonly delayMs: () => number,
  ) {
    this.server = net.createServer((client) => this.accept(client));
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => resolve());
    });
  }

  enforce(): void {
    for (const c of [...this.live]) {
      if (this.isCut(c.from, c.to)) {
        c.client.destroy();
        c.upstream.destroy();
        this.live.delete(c);
      }
    }
  }

  close(): Promise<void> {
    for (const c of this.live) {
      c.client.destroy();
      c.upstream.destroy();
    }
    this.live.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const head: Buffer[] = [];
    let size = 0;
    client.on('error', () => client.destroy());
    const onData = (chunk: Buffer): void => {
      head.push(chunk);
      size += chunk.length;
      const text = Buffer.concat(head).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) {
        if (size > 64 * 1024) client.destroy();
        return;
      }
      client.off('data', onData);
      client.pause();
      const [requestLine = '', ...headers] = text.slice(0, end).split('\r\n');
      const peerUrls = headers.find((h) => h.toLowerCase().startsWith('x-peerurls:'))?.slice('x-peerurls:'.length).trim() ?? '';
      const dialer = peerUrls.split(',').map((u) => this.byUrl.get(u.trim())).find((m) => m !== undefined);
      // A stream carries raft messages from the member dialed to the dialer; anything else, the other way.
      const stream = / \/raft\/stream\//.test(requestLine);
      // A request that names no sender (a probe, /version) may share its connection with raft
      // messages later (etcd's prober uses the pipeline's transport): it is cut whenever any link
      // of this member is.
      const link = dialer === undefined ? { from: undefined, to: this.member } : stream ? { from: this.member, to: dialer } : { from: dialer, to: this.member };
      if (this.isCut(link.from, link.to)) {
        client.destroy();
        return;
      }
      this.connect(link, client, Buffer.concat(head));
    };
    client.on('data', onData);
  }

  private connect(link: { from: LocalMember | undefined; to: LocalMember | undefined }, client: net.Socket, head: Buffer): void {
    const upstream = net.connect(this.upstreamPort, this.host);
    const entry = { ...link, client, upstream };
    this.live.add(entry);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      this.live.delete(entry);
    };
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    upstream.on('connect', () => {
      upstream.write(head);
      pipeWithDelay(client, upstream, this.delayMs);
      pipeWithDelay(upstream, client, this.delayMs);
      client.resume();
    });
  }
}
