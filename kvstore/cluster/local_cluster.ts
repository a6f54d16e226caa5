import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeMemberId } from '../node/cluster_id.js';
import type { LinkDegradation } from './link_delay.js';
import { isRunning, killProcess, memberFlagsOnHost, spawnLogged, stopProcess, waitMembersHealthy } from './member_process.js';
import { NetnsNetwork } from './netns_network.js';
import { PeerProxy } from './peer_proxy.js';
import { ProxyFaults } from './proxy_faults.js';

/** One member of a local cluster: its flags and, while running, its process. */
export interface LocalMember {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly metricsPort: number;
  /** With peerProxy: the port peers reach this member on (the proxy in front of peerPort). */
  readonly proxyPort?: number;
  /** The member's own address (net: 'netns'); otherwise the cluster's host. */
  readonly host?: string;
  readonly dataDir: string;
  process?: ChildProcess;
}

export interface LocalClusterOptions {
  readonly nodes: number;
  /** Where the cluster lives: member data directories and cluster.json. */
  readonly dataDir: string;
  readonly host?: string;
  /** First client port; peer and metrics ports follow (see layout). 0: pick free ports. */
  readonly basePort?: number;
  /** Extra flags for every `ketch store` (e.g. --snapshot-count 100, --unsafe-stale-reads). */
  readonly storeArgs?: readonly string[];
  readonly heartbeatMs?: number;
  readonly electionMs?: number;
  /** Where member logs go; default <dataDir>/<name>.log. */
  readonly logDir?: string;
  /**
   * Put a fault-injecting proxy in front of every member's peer port (in this process), so that
   * partitions can be made without root: see cut() and heal().
   */
  readonly peerProxy?: boolean;
  /**
   * 'loopback' (default): every member on `host`, faults through the peer proxies. 'netns' (root
   * on Linux): each member in its own network namespace with its own IP, faults as packet drops
   * (see NetnsNetwork); the layout is never reused, since the namespaces go with the cluster.
   */
  readonly net?: 'loopback' | 'netns';
}

/** The ports of every member in netns mode, where each has an address of its own (etcd's defaults). */
const NETNS_PORTS = { clientPort: 2379, peerPort: 2380, metricsPort: 2381 } as const;

/** The ketch entry point, found from this file (dist/… when built). */
export function ketchBin(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'dist', 'cli', 'ketch.js');
    if (existsSync(candidate)) return candidate;
    const sibling = path.join(dir, 'cli', 'ketch.js');
    if (existsSync(sibling) && dir.endsWith('dist')) return sibling;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find dist/cli/ketch.js: run `npm run build` first');
}

/** Ports this process has handed out, so that one layout never gets the same port twice. */
const handedOut = new Set<number>();

/** A port that was free a moment ago, and not handed out before by this process. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await ephemeralPort(host);
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('freePort: no unused port found');
}

function ephemeralPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A cluster of `ketch store` processes on one machine, started the way users start them. The
 * layout (names, ports) is saved in <dataDir>/cluster.json, so a second start of the same data
 * directory restarts the same cluster from its data.
 */
export class LocalCluster {
  readonly members: LocalMember[];
  private readonly host: string;

  private constructor(
    private readonly opts: LocalClusterOptions,
    members: LocalMember[],
    /** In netns mode: the namespaces, and the faults as packet drops. */
    private readonly netns?: NetnsNetwork,
  ) {
    this.members = members;
    this.host = opts.host ?? '127.0.0.1';
    this.faults = new ProxyFaults(opts.peerProxy === true && netns === undefined);
  }

  /** Loads the layout saved in dataDir, or makes a new one (in netns mode: always a new one). */
  static async create(opts: LocalClusterOptions): Promise<LocalCluster> {
    const host = opts.host ?? '127.0.0.1';
    const layoutPath = path.join(opts.dataDir, 'cluster.json');
    await mkdir(opts.dataDir, { recursive: true });
    if (opts.net === 'netns') {
      const netns = await NetnsNetwork.create(opts.nodes);
      const members = netns.nodes.map((n, i) => ({ name: `ketch${i + 1}`, ...NETNS_PORTS, host: n.ip, dataDir: path.join(opts.dataDir, `ketch${i + 1}`) }));
      await writeFile(layoutPath, JSON.stringify({ members, netns: netns.nodes }, null, 2));
      return new LocalCluster(opts, members, netns);
    }
    if (existsSync(layoutPath)) {
      const saved = JSON.parse(await readFile(layoutPath, 'utf8')) as { members: Array<Omit<LocalMember, 'process'>> };
      return new LocalCluster(opts, saved.members.map((m) => ({ ...m })));
    }
    const members: LocalMember[] = [];
    for (let i = 0; i < opts.nodes; i++) {
      const name = `ketch${i + 1}`;
      const base = opts.basePort ?? 0;
      const [clientPort, peerPort, metricsPort, proxyPort] =
        base > 0
          ? [base + i * 10, base + i * 10 + 1, base + i * 10 + 2, base + i * 10 + 3]
          : [await freePort(host), await freePort(host), await freePort(host), await freePort(host)];
      members.push({ name, clientPort, peerPort, metricsPort, dataDir: path.join(opts.dataDir, name), ...(opts.peerProxy ? { proxyPort } : {}) });
    }
    await writeFile(layoutPath, JSON.stringify({ members }, null, 2));
    return new LocalCluster(opts, members);
  }

  private hostOf(m: LocalMember): string {
    return m.host ?? this.host;
  }

  clientUrl(m: LocalMember): string {
    return `http://${this.hostOf(m)}:${m.clientPort}`;
  }

  /** host:port of every member's client URL, as etcdctl's --endpoints takes them. */
  endpoints(): string[] {
    return this.members.map((m) => `${this.hostOf(m)}:${m.clientPort}`);
  }

  member(name: string): LocalMember {
    const m = this.members.find((x) => x.name === name);
    if (m === undefined) throw new Error(`no member ${name}`);
    return m;
  }

  /** The peer URL a member advertises (its proxy's when there is one): what MemberAdd is given for it. */
  peerUrl(m: LocalMember): string {
    return `http://${this.hostOf(m)}:${m.proxyPort ?? m.peerPort}`;
  }

  /** Where the member answers /health and /metrics. */
  metricsUrl(m: LocalMember): string {
    return `http://${this.hostOf(m)}:${m.metricsPort}`;
  }

  private initialCluster(): string {
    return this.members.map((m) => `${m.name}=${this.peerUrl(m)}`).join(',');
  }

  /** Raft ids given by MemberAdd to members re-added at runtime (by name); see rejoin(). */
  private readonly addedIds = new Map<string, number>();

  /** A member's raft id: as the store derives it from its advertised peer URL and the token, or as MemberAdd gave it. */
  memberId(m: LocalMember): number {
    return this.addedIds.get(m.name) ?? computeMemberId([this.peerUrl(m)], 'etcd-cluster');
  }

  private readonly proxies = new Map<string, PeerProxy>();
  private readonly faults: ProxyFaults;

  private nameOf(id: number): string | undefined {
    return this.members.find((m) => this.memberId(m) === id)?.name;
  }

  private async startProxies(): Promise<void> {
    for (const m of this.members) {
      if (m.proxyPort === undefined || this.proxies.has(m.name)) continue;
      const isCut = (from: number, to: number): boolean => this.faults.isCut(this.nameOf(from), this.nameOf(to));
      const proxy = new PeerProxy(() => this.memberId(m), m.peerPort, isCut, this.host, () => this.faults.delayMs());
      await proxy.listen(m.proxyPort);
      this.proxies.set(m.name, proxy);
    }
  }

  /**
   * Cuts exactly these one-way links (from, to), replacing any earlier cut: through the proxies
   * (live connections on a cut link are closed; needs peerProxy), or in netns mode as drops.
   */
  cut(links: ReadonlyArray<readonly [LocalMember, LocalMember]>): void | Promise<void> {
    if (this.netns !== undefined) return this.netns.cut(links.map(([from, to]) => [this.members.indexOf(from), this.members.indexOf(to)] as const));
    this.faults.cut(links);
    for (const p of this.proxies.values()) p.enforce();
  }

  /**
   * Why `d` cannot be applied here, or undefined when it can: on loopback, loss (a TCP stream
   * through a proxy has no packets to lose) or no proxies; in netns mode, delay without tc netem.
   */
  unsupportedReason(d: LinkDegradation): string | undefined {
    return this.netns !== undefined ? this.netns.unsupportedReason(d) : this.faults.unsupportedReason(d);
  }

  /** Degrades every peer link until heal(); throws UnsupportedFaultError for what this mode cannot do. */
  degrade(d: LinkDegradation): void | Promise<void> {
    if (this.netns !== undefined) return this.netns.degrade(d);
    this.faults.degrade(d);
  }

  /** Restores every link: no cut, no delay, no loss. */
  heal(): void | Promise<void> {
    if (this.netns !== undefined) return this.netns.heal();
    this.faults.heal();
  }

  /** In netns mode: the network (its namespaces, rules and drop counters); undefined on loopback. */
  get network(): NetnsNetwork | undefined {
    return this.netns;
  }

  /** Members that start as joining a running cluster (re-added with MemberAdd), by name. */
  private readonly joining = new Set<string>();

  /**
   * Prepares a stopped member to come back as a new member, after it was removed with
   * MemberRemove and added again with MemberAdd (which gave it `id`): deletes its data directory,
   * and from now on starts it with `--initial-cluster-state existing`.
   */
  async rejoin(m: LocalMember, id: string): Promise<void> {
    if (isRunning(m.process)) throw new Error(`rejoin: member ${m.name} is still running`);
    await rm(m.dataDir, { recursive: true, force: true });
    this.addedIds.set(m.name, Number(id));
    this.joining.add(m.name);
  }

  /** The flags `ketch store` gets for member m. */
  storeArgs(m: LocalMember): string[] {
    return [
      'store',
      ...memberFlagsOnHost(this.hostOf(m), m, {
        advertisePeerUrl: this.peerUrl(m),
        initialCluster: this.initialCluster(),
        state: this.joining.has(m.name) ? 'existing' : 'new',
        ...(this.opts.heartbeatMs !== undefined ? { heartbeatMs: this.opts.heartbeatMs } : {}),
        ...(this.opts.electionMs !== undefined ? { electionMs: this.opts.electionMs } : {}),
        extra: this.opts.storeArgs ?? [],
      }),
    ];
  }

  /** Starts one member's process (its output goes to its log file). */
  async start(m: LocalMember): Promise<void> {
    if (isRunning(m.process)) return;
    const logDir = this.opts.logDir ?? this.opts.dataDir;
    await mkdir(logDir, { recursive: true });
    const argv = [process.execPath, ketchBin(), ...this.storeArgs(m)];
    // `ip netns exec` execs the command in place: the process is the member itself, signals reach it.
    const [cmd, args] = this.netns !== undefined ? this.netns.inside(this.members.indexOf(m), argv) : [argv[0] as string, argv.slice(1)];
    m.process = spawnLogged(cmd, args, path.join(logDir, `${m.name}.log`));
  }

  async startAll(): Promise<void> {
    await this.startProxies();
    for (const m of this.members) await this.start(m);
  }

  /** Sends a signal to a member (SIGKILL for a crash, SIGSTOP/SIGCONT to pause). */
  signal(m: LocalMember, sig: NodeJS.Signals): void {
    m.process?.kill(sig);
  }

  /** Kills a member with SIGKILL and waits for its process to be gone. */
  async kill(m: LocalMember): Promise<void> {
    await killProcess(m.process);
  }

  /** Stops a member cleanly (SIGTERM, SIGKILL after timeoutMs). */
  async stop(m: LocalMember, timeoutMs = 10_000): Promise<void> {
    await stopProcess(m.process, timeoutMs);
  }

  /** Stops every member, closes the proxies, and in netns mode removes the namespaces. */
  async stopAll(): Promise<void> {
    await Promise.all(this.members.map((m) => this.stop(m)));
    for (const p of this.proxies.values()) await p.close();
    this.proxies.clear();
    await this.netns?.destroy();
  }

  /** Waits until every running member answers /health with a leader, or throws at the deadline. */
  async waitHealthy(timeoutMs = 30_000, members = this.members): Promise<void> {
    await waitMembersHealthy(members, (m) => `${this.metricsUrl(m)}/health`, timeoutMs);
  }
}
