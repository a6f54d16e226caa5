import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeMemberId } from '../node/cluster_id.js';
import { PeerProxy } from './peer_proxy.js';

/** One member of a local cluster: its flags and, while running, its process. */
export interface LocalMember {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly metricsPort: number;
  /** With peerProxy: the port peers reach this member on (the proxy in front of peerPort). */
  readonly proxyPort?: number;
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
}

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
  ) {
    this.members = members;
    this.host = opts.host ?? '127.0.0.1';
  }

  /** Loads the layout saved in dataDir, or makes a new one. */
  static async create(opts: LocalClusterOptions): Promise<LocalCluster> {
    const host = opts.host ?? '127.0.0.1';
    const layoutPath = path.join(opts.dataDir, 'cluster.json');
    await mkdir(opts.dataDir, { recursive: true });
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

  clientUrl(m: LocalMember): string {
    return `http://${this.host}:${m.clientPort}`;
  }

  /** host:port of every member's client URL, as etcdctl's --endpoints takes them. */
  endpoints(): string[] {
    return this.members.map((m) => `${this.host}:${m.clientPort}`);
  }

  member(name: string): LocalMember {
    const m = this.members.find((x) => x.name === name);
    if (m === undefined) throw new Error(`no member ${name}`);
    return m;
  }

  /** The peer URL a member advertises: its proxy's when there is one. */
  private advertisedPeerUrl(m: LocalMember): string {
    return `http://${this.host}:${m.proxyPort ?? m.peerPort}`;
  }

  private initialCluster(): string {
    return this.members.map((m) => `${m.name}=${this.advertisedPeerUrl(m)}`).join(',');
  }

  /** A member's raft id, as the store derives it from its advertised peer URL and the token. */
  memberId(m: LocalMember): number {
    return computeMemberId([this.advertisedPeerUrl(m)], 'etcd-cluster');
  }

  private readonly proxies = new Map<string, PeerProxy>();
  /** Cut links, as "fromId>toId". */
  private readonly cutLinks = new Set<string>();

  private async startProxies(): Promise<void> {
    for (const m of this.members) {
      if (m.proxyPort === undefined || this.proxies.has(m.name)) continue;
      const proxy = new PeerProxy(this.memberId(m), m.peerPort, (from, to) => this.cutLinks.has(`${from}>${to}`), this.host);
      await proxy.listen(m.proxyPort);
      this.proxies.set(m.name, proxy);
    }
  }

  /**
   * Cuts the given one-way links (traffic from the first member to the second), replacing any
   * earlier cut. cut([[a, b], [b, a]]) isolates a from b both ways.
   */
  cut(links: ReadonlyArray<readonly [LocalMember, LocalMember]>): void {
    if (this.proxies.size === 0) throw new Error('LocalCluster.cut needs peerProxy: true');
    this.cutLinks.clear();
    for (const [from, to] of links) this.cutLinks.add(`${this.memberId(from)}>${this.memberId(to)}`);
    for (const p of this.proxies.values()) p.enforce();
  }

  /** Restores every link. */
  heal(): void {
    this.cutLinks.clear();
  }

  /** The flags `ketch store` gets for member m. */
  storeArgs(m: LocalMember): string[] {
    const h = this.host;
    return [
      'store',
      '--name', m.name,
      '--data-dir', m.dataDir,
      '--listen-client-urls', `http://${h}:${m.clientPort}`,
      '--advertise-client-urls', `http://${h}:${m.clientPort}`,
      '--listen-peer-urls', `http://${h}:${m.peerPort}`,
      '--initial-advertise-peer-urls', this.advertisedPeerUrl(m),
      '--listen-metrics-urls', `http://${h}:${m.metricsPort}`,
      '--initial-cluster', this.initialCluster(),
      '--initial-cluster-state', 'new',
      '--heartbeat-interval', String(this.opts.heartbeatMs ?? 100),
      '--election-timeout', String(this.opts.electionMs ?? 1000),
      ...(this.opts.storeArgs ?? []),
    ];
  }

  /** Starts one member's process (its output goes to its log file). */
  async start(m: LocalMember): Promise<void> {
    if (m.process !== undefined && m.process.exitCode === null && m.process.signalCode === null) return;
    const logDir = this.opts.logDir ?? this.opts.dataDir;
    await mkdir(logDir, { recursive: true });
    const log = createWriteStream(path.join(logDir, `${m.name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [ketchBin(), ...this.storeArgs(m)], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    m.process = child;
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
    const p = m.process;
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((resolve) => p.once('exit', resolve));
    p.kill('SIGKILL');
    await exited;
  }

  /** Stops a member with SIGTERM (a clean shutdown), SIGKILL after timeoutMs. */
  async stop(m: LocalMember, timeoutMs = 10_000): Promise<void> {
    const p = m.process;
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((resolve) => p.once('exit', resolve));
    p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.members.map((m) => this.stop(m)));
    for (const p of this.proxies.values()) await p.close();
    this.proxies.clear();
  }

  /** Waits until every running member answers /health with a leader, or throws at the deadline. */
  async waitHealthy(timeoutMs = 30_000, members = this.members): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const m of members) {
      for (;;) {
        if (m.process !== undefined && (m.process.exitCode !== null || m.process.signalCode !== null)) {
          throw new Error(`member ${m.name} exited (${m.process.signalCode ?? m.process.exitCode}); see its log`);
        }
        try {
          const res = await fetch(`http://${this.host}:${m.metricsPort}/health`, { signal: AbortSignal.timeout(2000) });
          if (res.ok) break;
        } catch {
          // not up yet
        }
        if (Date.now() > deadline) throw new Error(`member ${m.name} not healthy within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}
