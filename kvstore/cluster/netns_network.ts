import { spawn, spawnSync } from 'node:child_process';
import { ClusterError, ClusterErrorCode, UnsupportedFaultError } from './errors.js';
import type { LinkDegradation } from './link_delay.js';

/**
 * A private network for a local cluster, as root on Linux: one network namespace per member,
 * each with its own IP on a veth pair whose other end is on a bridge in the host namespace (which
 * has the bridge's own address, .1, so the harness reaches every member directly). Faults are
 * real packet drops by nftables inside each member's namespace:
 *
 *   table inet ketch_jepsen
 *     chain input { type filter hook input priority 0; jump cut; jump loss }
 *     chain cut   { ip saddr <from> drop, one rule per cut link from→this member }
 *     chain loss  { ip saddr <peers> numgen random mod 100 < N drop }
 *
 * Only traffic from other members is dropped: the harness's clients (from .1) are never cut.
 * A cut from→to drops every packet from `from` at `to`, TCP acknowledgements of to's own
 * connections included, as Jepsen's iptables partitions do. Delay needs tc netem, which some
 * kernels lack (see delayUnsupportedReason).
 *
 * Everything it creates is named with a per-instance tag and removed by destroy(), which is
 * also run when the process exits or is ended by SIGINT, SIGTERM or SIGHUP (never anything this
 * instance did not create).
 */
export interface NetnsNode {
  /** The namespace's name (`ip netns`). */
  readonly ns: string;
  readonly ip: string;
}

const TABLE = 'ketch_jepsen';
const EXIT_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let instances = 0;

/** Runs a command; rejects with its stderr when it exits non-zero. */
function run(cmd: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: ${err.trim() || `exit ${code}`}`))));
    if (input !== undefined) {
      child.stdin?.on('error', () => undefined); // a command that exits early: its exit code says what happened
      child.stdin?.end(input);
    }
  });
}

function runSync(cmd: string, args: readonly string[]): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stderr ?? ''}${r.error?.message ?? ''}`.trim() };
}

export class NetnsNetwork {
  private destroyed = false;
  private delayApplied = false;
  /** Why delay cannot be injected (tc netem missing), or undefined when it can; found by create(). */
  private netemReason: string | undefined;
  private readonly onExit = (): void => this.destroySync();
  /**
   * Ctrl-C or a kill: Node's default handling ends the process without an 'exit' event, so the
   * namespaces are removed here first, and then the signal is raised again for its default effect
   * (unless someone else handles it).
   */
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.destroySync();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };

  private constructor(
    /** Prefix of every name this instance creates. */
    private readonly tag: string,
    readonly nodes: readonly NetnsNode[],
    /** The host's address on the bridge: where the members see the harness's clients come from. */
    readonly hostIp: string,
  ) {
    process.once('exit', this.onExit);
    for (const sig of EXIT_SIGNALS) process.once(sig, this.onSignal);
  }

  /**
   * Why this machine cannot run a netns cluster (not Linux, not root, no `ip netns`, no nft), or
   * undefined when it can. Makes and removes one probe namespace.
   */
  static unavailableReason(): string | undefined {
    if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
    if (process.getuid?.() !== 0) return 'network namespaces need root (run as root, or use --net loopback)';
    const probe = `kjprobe${process.pid}`;
    const add = runSync('ip', ['netns', 'add', probe]);
    if (!add.ok) return `\`ip netns add\` failed: ${add.output || 'is iproute2 installed?'}`;
    runSync('ip', ['netns', 'del', probe]);
    const nft = runSync('nft', ['--version']);
    if (!nft.ok) return `nftables is missing (\`nft --version\`: ${nft.output}); install the nftables package`;
    return undefined;
  }

  /** Makes the bridge, one namespace per member, and the (empty) rule chains. */
  static async create(nodeCount: number): Promise<NetnsNetwork> {
    const reason = NetnsNetwork.unavailableReason();
    if (reason !== undefined) throw new UnsupportedFaultError('netns mode', reason);
    const tag = `kj${(process.pid % 46656).toString(36)}${(instances++).toString(36)}`;
    const subnet = await freeSubnet();
    const nodes = Array.from({ length: nodeCount }, (_, i) => ({ ns: `${tag}-m${i + 1}`, ip: `${subnet}.${11 + i}` }));
    const net = new NetnsNetwork(tag, nodes, `${subnet}.1`);
    try {
      const bridge = `${tag}br`;
      await run('ip', ['link', 'add', bridge, 'type', 'bridge']);
      await run('ip', ['addr', 'add', `${net.hostIp}/24`, 'dev', bridge]);
      await run('ip', ['link', 'set', bridge, 'up']);
      for (const [i, n] of nodes.entries()) {
        const veth = `${tag}v${i + 1}`;
        await run('ip', ['netns', 'add', n.ns]);
        await run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', n.ns]);
        await run('ip', ['link', 'set', veth, 'master', bridge, 'up']);
        await run('ip', ['-n', n.ns, 'addr', 'add', `${n.ip}/24`, 'dev', 'eth0']);
        await run('ip', ['-n', n.ns, 'link', 'set', 'eth0', 'up']);
        await run('ip', ['-n', n.ns, 'link', 'set', 'lo', 'up']);
        await run('ip', ['netns', 'exec', n.ns, 'nft', '-f', '-'], [
          `table inet ${TABLE} {`,
          '  chain cut { }',
          '  chain loss { }',
          '  chain input { type filter hook input priority 0; policy accept; jump cut; jump loss; }',
          '}',
        ].join('\n'));
      }
      net.netemReason = await probeNetem(nodes[0] as NetnsNode);
      return net;
    } catch (err) {
      await net.destroy();
      throw new ClusterError(ClusterErrorCode.SETUP_FAILED, `setting up the network namespaces failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The command line that runs `argv` inside node i's namespace. */
  inside(i: number, argv: readonly string[]): [string, string[]] {
    return ['ip', ['netns', 'exec', (this.nodes[i] as NetnsNode).ns, ...argv]];
  }

  /** Drops, at each `to`, every packet from `from` (indexes into nodes), replacing any earlier cut. */
  async cut(links: ReadonlyArray<readonly [number, number]>): Promise<void> {
    await this.flush('cut');
    for (const [from, to] of links) {
      await this.nft(to, ['add', 'rule', 'inet', TABLE, 'cut', 'ip', 'saddr', (this.nodes[from] as NetnsNode).ip, 'counter', 'drop']);
    }
  }

  unsupportedReason(d: LinkDegradation): string | undefined {
    if ((d.delayMs ?? 0) > 0) return this.netemReason;
    return undefined;
  }

  /** Loss through nftables, delay through tc netem, on every member's link, until heal(). */
  async degrade(d: LinkDegradation): Promise<void> {
    const reason = this.unsupportedReason(d);
    if (reason !== undefined) throw new UnsupportedFaultError('delay', reason);
    const loss = Math.round(d.lossPercent ?? 0);
    for (const [i, n] of this.nodes.entries()) {
      if (loss > 0) {
        const peers = this.nodes.filter((p) => p !== n).map((p) => p.ip);
        await this.nft(i, ['add', 'rule', 'inet', TABLE, 'loss', 'ip', 'saddr', `{ ${peers.join(', ')} }`, 'numgen', 'random', 'mod', '100', '<', String(loss), 'counter', 'drop']);
      }
      if ((d.delayMs ?? 0) > 0) {
        const [cmd, args] = this.inside(i, ['tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'netem', 'delay', `${d.delayMs}ms`, `${d.jitterMs ?? 0}ms`]);
        await run(cmd, args);
        this.delayApplied = true;
      }
    }
  }

  /** Removes every cut, loss and delay. */
  async heal(): Promise<void> {
    await this.flush('cut');
    await this.flush('loss');
    if (this.delayApplied) {
      for (const i of this.nodes.keys()) {
        const [cmd, args] = this.inside(i, ['tc', 'qdisc', 'del', 'dev', 'eth0', 'root']);
        await run(cmd, args).catch(() => undefined);
      }
      this.delayApplied = false;
    }
  }

  /** Packets dropped so far by node i's rules in `chain` (the rules' counters). */
  async dropped(i: number, chain: 'cut' | 'loss'): Promise<number> {
    const [cmd, args] = this.inside(i, ['nft', 'list', 'chain', 'inet', TABLE, chain]);
    const text = await run(cmd, args);
    return [...text.matchAll(/counter packets (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  }

  /** Names of the namespaces and links this instance made that still exist (for tests of cleanup). */
  leftovers(): string[] {
    const ns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
    const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout ?? '';
    const mine = (s: string): string[] => s.split('\n').flatMap((l) => l.match(new RegExp(`\\b${this.tag}[\\w-]*`, 'g')) ?? []);
    return [...new Set([...mine(ns), ...mine(links)])];
  }

  /** Removes every namespace (their veths and rules go with them) and the bridge. Idempotent. */
  async destroy(): Promise<void> {
    this.destroySync();
  }

  private destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    process.off('exit', this.onExit);
    for (const sig of EXIT_SIGNALS) process.off(sig, this.onSignal);
    // The host ends of the veths first (which removes both ends): a deleted namespace can live on
    // for a while in the kernel (until its last socket is gone), and its veth with it.
    for (const i of this.nodes.keys()) runSync('ip', ['link', 'del', `${this.tag}v${i + 1}`]);
    for (const n of this.nodes) runSync('ip', ['netns', 'del', n.ns]);
    runSync('ip', ['link', 'del', `${this.tag}br`]);
  }

  private async flush(chain: 'cut' | 'loss'): Promise<void> {
    for (const i of this.nodes.keys()) await this.nft(i, ['flush', 'chain', 'inet', TABLE, chain]);
  }

  private async nft(i: number, args: readonly string[]): Promise<void> {
    const [cmd, argv] = this.inside(i, ['nft', ...args]);
    await run(cmd, argv);
  }
}

/** A 10.213.x.0/24 that no interface or route of the host uses yet. */
async function freeSubnet(): Promise<string> {
  const used = (await run('ip', ['-4', '-o', 'addr', 'show'])) + (await run('ip', ['-4', 'route', 'show']));
  for (let attempt = 0; attempt < 256; attempt++) {
    const candidate = `10.213.${(process.pid + attempt * 37 + instances) % 256}`;
    if (!used.includes(`${candidate}.`)) return candidate;
  }
  throw new ClusterError(ClusterErrorCode.SETUP_FAILED, 'no free 10.213.x.0/24 subnet for the network namespaces');
}

/** Why tc netem cannot delay here, or undefined when it can (tried on the node's eth0, then removed). */
async function probeNetem(n: NetnsNode): Promise<string | undefined> {
  try {
    await run('ip', ['netns', 'exec', n.ns, 'tc', 'qdisc', 'add', 'dev', 'eth0', 'root', 'netem', 'delay', '1ms']);
    await run('ip', ['netns', 'exec', n.ns, 'tc', 'qdisc', 'del', 'dev', 'eth0', 'root']);
    return undefined;
  } catch (err) {
    const said = (err as Error).message.split(': ').slice(1).join(': ');
    return `delay in netns mode needs tc netem, and this kernel has no netem qdisc (\`tc qdisc add ... netem\` said "${said}"); run with --net loopback to delay peer links through the peer proxy`;
  }
}
