import type { Prng } from '../rand.js';
import { assertNever, type NodeId } from '../types.js';
import type { Cluster } from './cluster.js';
import { FAST_DISK } from './disk.js';
import { CALM_LINKS, describePartition, type LinkConditions, type Partition } from './network.js';

/**
 * The fault schedule of the safety phase, all drawn from the seed: lossy, duplicating and
 * reordering links; partitions of every shape (random halves, one-way, an isolated leader, a bridge
 * node between two sides); crashes of one or several nodes that lose what they had not yet written,
 * and restarts; slow disks. heal() undoes all of it for the liveness phase.
 */
export interface FaultConfig {
  /** Mean virtual milliseconds between two faults. */
  readonly meanIntervalMs: number;
  /** Longest a crashed node stays down before it restarts by itself. */
  readonly maxDownMs: number;
}

type FaultKind = 'partition' | 'healPartitions' | 'crash' | 'restart' | 'links' | 'disk';

const FAULT_WEIGHTS: readonly (readonly [FaultKind, number])[] = [
  ['partition', 26],
  ['healPartitions', 14],
  ['crash', 20],
  ['restart', 8],
  ['links', 20],
  ['disk', 12],
];

export class FaultInjector {
  private active = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly rng: Prng,
    private readonly config: FaultConfig,
  ) {}

  start(): void {
    this.active = true;
    this.schedule();
  }

  /** Ends the fault phase: heals every partition, calms links and disks, restarts every node. */
  healAll(): void {
    this.active = false;
    const c = this.cluster;
    c.network.heal();
    c.network.conditions = CALM_LINKS;
    for (const n of c.nodes()) {
      n.disk.conditions = FAST_DISK;
      if (!n.alive) c.restart(n.id);
    }
    c.trace.event(c.nowMs, undefined, 'HEAL: partitions healed, links calm, disks fast, all nodes up');
  }

  private schedule(): void {
    this.cluster.at(1 + this.rng.float() * 2 * this.config.meanIntervalMs, () => {
      if (!this.active) return;
      this.inject(this.pickKind());
      this.schedule();
    });
  }

  private pickKind(): FaultKind {
    let total = 0;
    for (const [, w] of FAULT_WEIGHTS) total += w;
    let x = this.rng.float() * total;
    for (const [kind, w] of FAULT_WEIGHTS) {
      x -= w;
      if (x < 0) return kind;
    }
    return 'links';
  }

  private inject(kind: FaultKind): void {
    const c = this.cluster;
    const ids = c.nodes().map((n) => n.id);
    switch (kind) {
      case 'partition': {
        const p = this.partition(ids);
        if (p === undefined) return;
        if (this.rng.chance(0.7)) c.network.heal();
        c.network.addPartition(p);
        c.trace.event(c.nowMs, undefined, `PARTITION ${describePartition(p)}`);
        return;
      }
      case 'healPartitions':
        c.network.heal();
        c.trace.event(c.nowMs, undefined, 'PARTITIONS healed');
        return;
      case 'crash': {
        const live = c.nodes().filter((n) => n.alive);
        if (live.length === 0) return;
        // Usually one node, often the leader (to lose its unreplicated tail); sometimes several,
        // occasionally all of them.
        const leader = c.leader();
        const victims =
          leader !== undefined && this.rng.chance(0.5)
            ? [leader]
            : shuffle(this.rng, live).slice(0, this.rng.chance(0.75) ? 1 : 1 + this.rng.int(live.length));
        for (const n of victims) {
          c.crash(n.id);
          const id = n.id;
          c.at(this.rng.float() * this.config.maxDownMs, () => {
            if (this.active) c.restart(id);
          });
        }
        return;
      }
      case 'restart': {
        const down = c.nodes().filter((n) => !n.alive);
        if (down.length > 0) c.restart(this.rng.pick(down).id);
        return;
      }
      case 'links': {
        const links = this.rng.chance(0.25) ? CALM_LINKS : this.links();
        c.network.conditions = links;
        c.trace.event(
          c.nowMs,
          undefined,
          `LINKS drop=${pct(links.dropRate)} duplicate=${pct(links.duplicateRate)} delay=${links.minDelayMs}-${links.maxDelayMs}ms reorder=${pct(links.reorderRate)} up to +${links.reorderMaxDelayMs}ms`,
        );
        return;
      }
      case 'disk': {
        const n = this.rng.pick(c.nodes());
        const slow = this.rng.chance(0.7);
        n.disk.conditions = slow ? { minWriteDelayMs: 1 + this.rng.int(10), maxWriteDelayMs: 10 + this.rng.int(300) } : FAST_DISK;
        c.trace.event(c.nowMs, n.id, `DISK ${slow ? `slow ${n.disk.conditions.minWriteDelayMs}-${n.disk.conditions.maxWriteDelayMs}ms` : 'fast'}`);
        return;
      }
      default:
        assertNever(kind, 'fault');
    }
  }

  private links(): LinkConditions {
    const r = this.rng;
    const minDelayMs = 1 + r.int(5);
    return {
      dropRate: r.chance(0.3) ? 0 : r.float() * 0.3,
      duplicateRate: r.chance(0.5) ? 0 : r.float() * 0.2,
      minDelayMs,
      maxDelayMs: minDelayMs + r.int(50),
      reorderRate: r.chance(0.4) ? 0 : r.float() * 0.3,
      reorderMaxDelayMs: 20 + r.int(1000),
    };
  }

  private partition(ids: readonly NodeId[]): Partition | undefined {
    if (ids.length < 2) return undefined;
    const shuffled = shuffle(this.rng, ids);
    switch (this.rng.int(4)) {
      case 0: {
        const cut = 1 + this.rng.int(shuffled.length - 1);
        return { kind: 'symmetric', sides: [shuffled.slice(0, cut), shuffled.slice(cut)] };
      }
      case 1: {
        // One-way: some senders cannot reach some receivers, while the reverse direction works.
        const cut = 1 + this.rng.int(shuffled.length - 1);
        return { kind: 'asymmetric', senders: shuffled.slice(0, cut), receivers: shuffled.slice(cut) };
      }
      case 2: {
        const leader = this.cluster.leader();
        return { kind: 'isolated', node: leader?.id ?? (shuffled[0] as NodeId) };
      }
      default: {
        if (shuffled.length < 3) return undefined;
        const [bridge, ...rest] = shuffled as [NodeId, ...NodeId[]];
        const cut = 1 + this.rng.int(rest.length - 1);
        return { kind: 'bridge', bridge, sides: [rest.slice(0, cut), rest.slice(cut)] };
      }
    }
  }
}

function shuffle<T>(rng: Prng, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i] as T;
    out[i] = out[j] as T;
    out[j] = t;
  }
  return out;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}
