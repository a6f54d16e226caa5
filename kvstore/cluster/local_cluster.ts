import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One member of a local cluster: its flags and, while running, its process. */
export interface LocalMember {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly metricsPort: number;
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

/** A port that was free a moment ago. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
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
      const [clientPort, peerPort, metricsPort] =
        base > 0 ? [base + i * 10, base + i * 10 + 1, base + i * 10 + 2] : [await freePort(host), await freePort(host), await freePort(host)];
      members.push({ name, clientPort, peerPort, metricsPort, dataDir: path.join(opts.dataDir, name) });
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

  private initialCluster(): string {
    return this.members.map((m) => `${m.name}=http://${this.host}:${m.peerPort}`).join(',');
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
      '--initial-advertise-peer-urls', `http://${h}:${m.peerPort}`,
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
