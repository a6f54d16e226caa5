import type { LocalMember } from '../../kvstore/cluster/index.js';
import type { ClusterControl } from './cluster.js';

/** A fault the nemesis can inject, and how to heal it. */
export type NemesisKind =
  | 'kill'
  | 'kill-leader'
  | 'kill-all'
  | 'pause'
  | 'partition-halves'
  | 'partition-leader'
  | 'partition-bridge'
  | 'partition-asym'
  | 'none';

export const NEMESIS_KINDS: readonly NemesisKind[] = [
  'kill',
  'kill-leader',
  'kill-all',
  'pause',
  'partition-halves',
  'partition-leader',
  'partition-bridge',
  'partition-asym',
  'none',
];

/** Kinds that cut network links (they need the peer proxy). */
export function isPartition(kind: NemesisKind): boolean {
  return kind.startsWith('partition-');
}

type Link = readonly [LocalMember, LocalMember];

/** Every one-way link from a member of `a` to a member of `b`, and back. */
function between(a: readonly LocalMember[], b: readonly LocalMember[]): Link[] {
  const out: Link[] = [];
  for (const x of a) for (const y of b) out.push([x, y], [y, x]);
  return out;
}

/** A nemesis window, for the report: when a fault started and ended (ns since start). */
export interface NemesisWindow {
  readonly kind: NemesisKind;
  readonly targets: string[];
  readonly startNs: number;
  endNs?: number;
}

/** Finds the current leader's member through /metrics (etcd_server_is_leader). */
export async function findLeader(cluster: ClusterControl): Promise<LocalMember | undefined> {
  for (const m of cluster.members) {
    try {
      const res = await fetch(`http://127.0.0.1:${m.metricsPort}/metrics`, { signal: AbortSignal.timeout(1000) });
      if ((await res.text()).includes('\netcd_server_is_leader 1')) return m;
    } catch {
      // down or paused
    }
  }
  return undefined;
}

/**
 * Injects one fault at a time on a schedule: a fault for `faultMs`, then healing for `healMs`.
 * Process faults (crash with SIGKILL and restart from the data directory, pause with SIGSTOP and
 * resume) and network partitions through the cluster's peer proxies.
 */
export class ProcessNemesis {
  readonly windows: NemesisWindow[] = [];
  private stopped = false;

  constructor(
    private readonly cluster: ClusterControl,
    private readonly kinds: readonly NemesisKind[],
    private readonly nowNs: () => number,
    private readonly random: () => number,
    private readonly log: (line: string) => void,
  ) {}

  async run(faultMs: number, healMs: number, untilMs: number): Promise<void> {
    let i = 0;
    while (!this.stopped && Date.now() + faultMs + healMs <= untilMs) {
      await sleep(healMs);
      const kind = this.kinds[i++ % this.kinds.length] as NemesisKind;
      if (kind === 'none') {
        await sleep(faultMs);
        continue;
      }
      if (isPartition(kind)) {
        const { links, targets } = await this.partition(kind);
        const w: NemesisWindow = { kind, targets: targets.map((m) => m.name), startNs: this.nowNs() };
        this.windows.push(w);
        this.log(`nemesis: ${kind} ${w.targets.join(',')} (${links.length} links cut)`);
        this.cluster.cut(links);
        await sleep(faultMs);
        this.cluster.heal();
        w.endNs = this.nowNs();
        this.log(`nemesis: healed ${kind}`);
        await this.waitRecovered(untilMs);
        continue;
      }
      const targets = await this.pickTargets(kind);
      const w: NemesisWindow = { kind, targets: targets.map((m) => m.name), startNs: this.nowNs() };
      this.windows.push(w);
      this.log(`nemesis: ${kind} ${w.targets.join(',')}`);
      await this.inject(kind, targets);
      await sleep(faultMs);
      await this.heal(kind, targets);
      w.endNs = this.nowNs();
      this.log(`nemesis: healed ${kind}`);
      await this.waitRecovered(untilMs);
    }
  }

  /**
   * Waits (until the run's end at most) for every member to be healthy again before the next
   * fault: a restarted 5-member cluster on a busy machine can take longer than the heal interval,
   * and a fault on a cluster that never recovered tests nothing new.
   */
  private async waitRecovered(untilMs: number): Promise<void> {
    const leftMs = untilMs - Date.now();
    if (leftMs <= 0) return;
    try {
      await this.cluster.waitHealthy(Math.min(30_000, leftMs));
    } catch {
      this.log('nemesis: cluster not healthy yet; going on');
    }
  }

  stop(): void {
    this.stopped = true;
  }

  private shuffled(): LocalMember[] {
    const m = [...this.cluster.members];
    for (let i = m.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [m[i], m[j]] = [m[j] as LocalMember, m[i] as LocalMember];
    }
    return m;
  }

  /** The links a partition cuts, and the members it is "about" (for the report). */
  private async partition(kind: NemesisKind): Promise<{ links: Link[]; targets: LocalMember[] }> {
    const m = this.shuffled();
    switch (kind) {
      case 'partition-halves': {
        const half = Math.floor(m.length / 2);
        return { links: between(m.slice(0, half), m.slice(half)), targets: m.slice(0, half) };
      }
      case 'partition-leader': {
        const leader = (await findLeader(this.cluster)) ?? (m[0] as LocalMember);
        return { links: between([leader], m.filter((x) => x !== leader)), targets: [leader] };
      }
      case 'partition-bridge': {
        // One member sees both sides; the sides do not see each other (a majority ring).
        const [bridge, ...rest] = m;
        const half = Math.floor(rest.length / 2);
        return { links: between(rest.slice(0, half), rest.slice(half)), targets: [bridge as LocalMember] };
      }
      case 'partition-asym': {
        // One member can send to everyone but hears from no one.
        const deaf = m[0] as LocalMember;
        return { links: m.filter((x) => x !== deaf).map((x) => [x, deaf] as const), targets: [deaf] };
      }
      default:
        return { links: [], targets: [] };
    }
  }

  private async pickTargets(kind: NemesisKind): Promise<LocalMember[]> {
    const members = this.cluster.members;
    switch (kind) {
      case 'kill-all':
        return [...members];
      case 'kill-leader': {
        const leader = await findLeader(this.cluster);
        return [leader ?? (members[Math.floor(this.random() * members.length)] as LocalMember)];
      }
      default:
        return [members[Math.floor(this.random() * members.length)] as LocalMember];
    }
  }

  private async inject(kind: NemesisKind, targets: LocalMember[]): Promise<void> {
    for (const m of targets) {
      if (kind === 'pause') this.cluster.signal(m, 'SIGSTOP');
      else await this.cluster.kill(m);
    }
  }

  /** Heals a fault: resumes paused members, restarts killed ones from their data. */
  async heal(kind: NemesisKind, targets: LocalMember[]): Promise<void> {
    for (const m of targets) {
      if (kind === 'pause') this.cluster.signal(m, 'SIGCONT');
      else await this.cluster.start(m);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
