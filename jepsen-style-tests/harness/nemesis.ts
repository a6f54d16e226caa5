import type { LinkDegradation, LocalMember } from '../../kvstore/cluster/index.js';
import type { ClusterControl } from './cluster.js';
import { MembershipChanger } from './member_change.js';

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
  | 'delay'
  | 'loss'
  | 'member'
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
  'delay',
  'loss',
  'member',
  'none',
];

/**
 * What the network nemeses do to every peer link: `delay` adds 100 ms ± 50 ms one way (several
 * heartbeats, a tenth of an election timeout: slow, not partitioned), `loss` drops 20% of packets
 * (TCP retransmits them, so raft sees stalls and reordering of its timers, not lost messages).
 */
export const DEGRADATIONS = {
  delay: { delayMs: 100, jitterMs: 50 },
  loss: { lossPercent: 20 },
} as const satisfies Record<string, LinkDegradation>;

/** Kinds that cut network links (they need the peer proxy). */
export function isPartition(kind: NemesisKind): boolean {
  return kind.startsWith('partition-');
}

/** Kinds that slow or drop traffic on every peer link (delay, loss). */
export function isDegradation(kind: NemesisKind): kind is keyof typeof DEGRADATIONS {
  return kind in DEGRADATIONS;
}

/** Kinds that act on the network between members (in loopback mode, through the peer proxies). */
export function needsNetwork(kind: NemesisKind): boolean {
  return isPartition(kind) || isDegradation(kind);
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
      const res = await fetch(`${cluster.metricsUrl(m)}/metrics`, { signal: AbortSignal.timeout(1000) });
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
 * resume), a membership change (remove a member, add it back as a new one), network partitions,
 * and delay or loss on every peer link (each as the cluster's mode can: see ClusterControl).
 */
export class ProcessNemesis {
  readonly windows: NemesisWindow[] = [];
  private stopped = false;
  private readonly membership: MembershipChanger;

  constructor(
    private readonly cluster: ClusterControl,
    private readonly kinds: readonly NemesisKind[],
    private readonly nowNs: () => number,
    private readonly random: () => number,
    private readonly log: (line: string) => void,
  ) {
    this.membership = new MembershipChanger(cluster, log);
  }

  async run(faultMs: number, healMs: number, untilMs: number): Promise<void> {
    let i = 0;
    while (!this.stopped && Date.now() + faultMs + healMs <= untilMs) {
      await sleep(healMs);
      const kind = this.kinds[i++ % this.kinds.length] as NemesisKind;
      if (kind === 'none') {
        await sleep(faultMs);
        continue;
      }
      const fault = await this.plan(kind);
      const w: NemesisWindow = { kind, targets: fault.targets.map((m) => m.name), startNs: this.nowNs() };
      this.windows.push(w);
      this.log(`nemesis: ${kind} ${fault.description}`);
      await fault.inject();
      await sleep(faultMs);
      await fault.heal();
      w.endNs = this.nowNs();
      this.log(`nemesis: healed ${kind}`);
      await this.waitRecovered(untilMs);
    }
  }

  /** What one fault of `kind` does this time: whom it is about, and how to inject and heal it. */
  private async plan(kind: Exclude<NemesisKind, 'none'>): Promise<{ targets: LocalMember[]; description: string; inject: () => Promise<void>; heal: () => Promise<void> }> {
    if (isPartition(kind)) {
      const { links, targets } = await this.partition(kind);
      return {
        targets,
        description: `${targets.map((m) => m.name).join(',')} (${links.length} links cut)`,
        inject: async () => this.cluster.cut(links),
        heal: async () => this.cluster.heal(),
      };
    }
    if (isDegradation(kind)) {
      const d: LinkDegradation = DEGRADATIONS[kind];
      return {
        targets: [...this.cluster.members],
        description: `on every peer link (${JSON.stringify(d)})`,
        inject: async () => this.cluster.degrade(d),
        heal: async () => this.cluster.heal(),
      };
    }
    const targets = await this.pickTargets(kind);
    return { targets, description: targets.map((m) => m.name).join(','), inject: () => this.inject(kind, targets), heal: () => this.heal(kind, targets) };
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
      else if (kind === 'member') await this.membership.remove(m);
      else await this.cluster.kill(m);
    }
  }

  /** Heals a fault: resumes paused members, restarts killed ones from their data, adds removed ones back. */
  async heal(kind: NemesisKind, targets: LocalMember[]): Promise<void> {
    for (const m of targets) {
      if (kind === 'pause') this.cluster.signal(m, 'SIGCONT');
      else if (kind === 'member') await this.membership.addBack(m);
      else await this.cluster.start(m);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
