import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';
import { freePort, memberFlags, UnsupportedFaultError, waitMembersHealthy, type LinkDegradation, type LocalMember } from '../../kvstore/cluster/index.js';
import type { ClusterControl } from './cluster.js';

/**
 * Docker mode: every member is a container of the image built from the project's Dockerfile
 * (`ketch store`), on a Docker network of its own where members reach each other by name
 * (ketch1:2380, …), driven through testcontainers. Each member's data directory is a host
 * directory mounted at /var/lib/ketch, so a member killed with SIGKILL (its container removed)
 * restarts from its data in a new container, on the same host ports.
 *
 * Process faults work as in the other modes (kill -9 and restart, SIGSTOP/SIGCONT through the
 * engine, membership changes). Network faults are not injected in this mode: see
 * DOCKER_NETWORK_FAULTS_UNSUPPORTED.
 */
export const DOCKER_NETWORK_FAULTS_UNSUPPORTED =
  'docker mode injects process faults only (kill, pause, member): partitions, delay and loss between containers would need iptables or tc inside them (root, NET_ADMIN); use --net loopback or --net netns for network faults';

export const DOCKER_IMAGE = 'ketch-jepsen:local';

/** The checkout's root (where the Dockerfile is), found from this file (dist/… when built). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'Dockerfile')) && existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the Dockerfile of the ketch checkout');
}

/**
 * Why docker mode cannot run here, or undefined when it can: no container engine (DOCKER_HOST
 * unset and no /var/run/docker.sock), testcontainers failing to load, or testcontainers finding
 * no working engine.
 */
export async function dockerUnavailableReason(): Promise<string | undefined> {
  const host = process.env['DOCKER_HOST'];
  if ((host === undefined || host === '') && !existsSync('/var/run/docker.sock')) {
    return 'no container engine: DOCKER_HOST is unset and there is no /var/run/docker.sock (docker mode needs a running Docker or Podman engine)';
  }
  let tc: typeof import('testcontainers');
  try {
    tc = await import('testcontainers');
  } catch (err) {
    const hint = Number(process.versions.node.split('.')[0]) < 22 ? ' (testcontainers 12 needs Node 22 or later, for its undici 8; testcontainers 11 runs on Node 20)' : '';
    return `testcontainers does not load on Node ${process.versions.node}: ${firstLine(err)}${hint}`;
  }
  try {
    await tc.getContainerRuntimeClient();
    return undefined;
  } catch (err) {
    return `testcontainers found no working container engine: ${firstLine(err)}`;
  }
}

function firstLine(err: unknown): string {
  return ((err as Error | undefined)?.message ?? String(err)).split('\n')[0] as string;
}

export interface DockerClusterOptions {
  readonly nodes: number;
  /** Host directory for the members' data directories (mounted into their containers) and logs. */
  readonly dataDir: string;
  readonly storeArgs?: readonly string[];
  /** The image tag to build and run. */
  readonly image?: string;
}

export class DockerCluster implements ClusterControl {
  readonly members: LocalMember[] = [];
  private readonly containers = new Map<string, StartedTestContainer>();
  private readonly joining = new Set<string>();

  private constructor(
    private readonly opts: DockerClusterOptions,
    private readonly tc: typeof import('testcontainers'),
    private readonly network: StartedNetwork,
    private readonly image: string,
  ) {}

  /** Builds the image from the Dockerfile, and makes the network and the members' layout. */
  static async create(opts: DockerClusterOptions): Promise<DockerCluster> {
    const reason = await dockerUnavailableReason();
    if (reason !== undefined) throw new UnsupportedFaultError('docker mode', reason);
    const tc = await import('testcontainers');
    const image = opts.image ?? DOCKER_IMAGE;
    await tc.GenericContainer.fromDockerfile(repoRoot()).build(image, { deleteOnExit: false });
    const network = await new tc.Network().start();
    const c = new DockerCluster(opts, tc, network, image);
    for (let i = 0; i < opts.nodes; i++) {
      const name = `ketch${i + 1}`;
      // Client and metrics ports are published on fixed host ports, so that endpoints stay the
      // same across a member's restarts (a new container each time).
      c.members.push({ name, clientPort: await freePort(), peerPort: 2380, metricsPort: await freePort(), dataDir: path.join(opts.dataDir, name) });
    }
    return c;
  }

  endpoints(): string[] {
    return this.members.map((m) => `127.0.0.1:${m.clientPort}`);
  }

  metricsUrl(m: LocalMember): string {
    return `http://127.0.0.1:${m.metricsPort}`;
  }

  /** The URL other containers reach m on (its name on the cluster's network). */
  peerUrl(m: LocalMember): string {
    return `http://${m.name}:2380`;
  }

  private command(m: LocalMember): string[] {
    return [
      'store',
      ...memberFlags({
        name: m.name,
        dataDir: '/var/lib/ketch',
        listenClientUrl: 'http://0.0.0.0:2379',
        advertiseClientUrl: `http://${m.name}:2379`,
        listenPeerUrl: 'http://0.0.0.0:2380',
        advertisePeerUrl: this.peerUrl(m),
        listenMetricsUrl: 'http://0.0.0.0:2381',
        initialCluster: this.members.map((x) => `${x.name}=${this.peerUrl(x)}`).join(','),
        state: this.joining.has(m.name) ? 'existing' : 'new',
        extra: this.opts.storeArgs ?? [],
      }),
    ];
  }

  async start(m: LocalMember): Promise<void> {
    if (this.containers.has(m.name)) return;
    await mkdir(m.dataDir, { recursive: true });
    const container = await new this.tc.GenericContainer(this.image)
      .withNetwork(this.network)
      .withNetworkAliases(m.name)
      .withExposedPorts({ container: 2379, host: m.clientPort }, { container: 2381, host: m.metricsPort })
      .withBindMounts([{ source: path.resolve(m.dataDir), target: '/var/lib/ketch', mode: 'rw' }])
      .withCommand(this.command(m))
      .withStartupTimeout(60_000)
      .start();
    this.containers.set(m.name, container);
  }

  async startAll(): Promise<void> {
    // Together: a member's ports open before it has a leader, but a cluster needs a quorum up.
    await Promise.all(this.members.map((m) => this.start(m)));
  }

  /** SIGKILL: the container is stopped without a grace period and removed; its data stays on the host. */
  async kill(m: LocalMember): Promise<void> {
    const c = this.containers.get(m.name);
    if (c === undefined) return;
    this.containers.delete(m.name);
    await c.stop({ timeout: 0 });
  }

  signal(m: LocalMember, sig: NodeJS.Signals): void {
    const c = this.containers.get(m.name);
    if (c === undefined) return;
    void this.tc
      .getContainerRuntimeClient()
      .then((client) => client.container.getById(c.getId()).kill({ signal: sig }))
      .catch(() => undefined);
  }

  unsupportedReason(_d: LinkDegradation): string | undefined {
    return DOCKER_NETWORK_FAULTS_UNSUPPORTED;
  }

  cut(): void {
    throw new UnsupportedFaultError('partition', DOCKER_NETWORK_FAULTS_UNSUPPORTED);
  }

  degrade(d: LinkDegradation): void {
    throw new UnsupportedFaultError((d.lossPercent ?? 0) > 0 ? 'loss' : 'delay', DOCKER_NETWORK_FAULTS_UNSUPPORTED);
  }

  heal(): void {
    // No network fault is ever injected in this mode.
  }

  /** etcd's flags: a re-added member needs empty data and `existing`; its id comes from the cluster. */
  async rejoin(m: LocalMember): Promise<void> {
    if (this.containers.has(m.name)) throw new Error(`rejoin: member ${m.name} is still running`);
    await rm(m.dataDir, { recursive: true, force: true });
    this.joining.add(m.name);
  }

  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    await waitMembersHealthy(this.members, (m) => `${this.metricsUrl(m)}/health`, timeoutMs);
  }

  async stopAll(): Promise<void> {
    const running = [...this.containers.values()];
    this.containers.clear();
    await Promise.all(running.map((c) => c.stop({ timeout: 10_000 })));
    await this.network.stop();
  }
}
