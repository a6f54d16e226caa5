import type { Prng } from '../rand.js';
import { assertNever, type Message, type NodeId } from '../types.js';

/**
 * The simulated network. It decides, for every message, whether it is dropped and after how many
 * virtual milliseconds each copy arrives; the cluster puts the deliveries on its event queue. A
 * random extra delay on some messages reorders them; a second copy duplicates them. Messages are
 * passed by reference and never mutated.
 */
export interface LinkConditions {
  /** Probability that a message is lost. */
  readonly dropRate: number;
  /** Probability that a message is delivered twice. */
  readonly duplicateRate: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** Probability that a message is held back by up to reorderMaxDelayMs more. */
  readonly reorderRate: number;
  readonly reorderMaxDelayMs: number;
}

export const CALM_LINKS: LinkConditions = Object.freeze({
  dropRate: 0,
  duplicateRate: 0,
  minDelayMs: 1,
  maxDelayMs: 4,
  reorderRate: 0,
  reorderMaxDelayMs: 0,
});

/**
 * Who cannot talk to whom. Nodes a partition does not mention (e.g. added after it began) reach
 * everyone.
 */
export type Partition =
  /** Two halves that cannot reach each other, in either direction. */
  | { readonly kind: 'symmetric'; readonly sides: readonly [readonly NodeId[], readonly NodeId[]] }
  /** Messages from `senders` to `receivers` are lost; the other direction works. */
  | { readonly kind: 'asymmetric'; readonly senders: readonly NodeId[]; readonly receivers: readonly NodeId[] }
  /** One node (often the leader) can neither send nor receive. */
  | { readonly kind: 'isolated'; readonly node: NodeId }
  /** The bridge reaches both sides; the sides do not reach each other. */
  | { readonly kind: 'bridge'; readonly bridge: NodeId; readonly sides: readonly [readonly NodeId[], readonly NodeId[]] };

export type Route =
  | { readonly kind: 'dropped'; readonly reason: 'partition' | 'random' }
  | { readonly kind: 'delivered'; readonly delaysMs: readonly number[] };

export class SimNetwork {
  conditions: LinkConditions = CALM_LINKS;
  private partitions: Partition[] = [];

  constructor(private readonly rng: Prng) {}

  get activePartitions(): readonly Partition[] {
    return this.partitions;
  }

  addPartition(p: Partition): void {
    this.partitions.push(p);
  }

  /** Removes every partition. */
  heal(): void {
    this.partitions = [];
  }

  canReach(from: NodeId, to: NodeId): boolean {
    for (const p of this.partitions) if (blocks(p, from, to)) return false;
    return true;
  }

  /** The fate of one message sent now. */
  route(m: Message): Route {
    if (!this.canReach(m.from, m.to)) return { kind: 'dropped', reason: 'partition' };
    const c = this.conditions;
    if (c.dropRate > 0 && this.rng.chance(c.dropRate)) return { kind: 'dropped', reason: 'random' };
    const first = this.delayMs();
    if (c.duplicateRate > 0 && this.rng.chance(c.duplicateRate)) return { kind: 'delivered', delaysMs: [first, this.delayMs()] };
    return { kind: 'delivered', delaysMs: [first] };
  }

  private delayMs(): number {
    const c = this.conditions;
    let d = c.minDelayMs + this.rng.float() * (c.maxDelayMs - c.minDelayMs);
    if (c.reorderRate > 0 && this.rng.chance(c.reorderRate)) d += this.rng.float() * c.reorderMaxDelayMs;
    return Math.round(d * 1000) / 1000;
  }
}

function blocks(p: Partition, from: NodeId, to: NodeId): boolean {
  switch (p.kind) {
    case 'symmetric':
    case 'bridge':
      return crosses(p.sides, from, to);
    case 'asymmetric':
      return p.senders.includes(from) && p.receivers.includes(to);
    case 'isolated':
      return from === p.node || to === p.node;
    default:
      return assertNever(p, 'partition');
  }
}

function crosses(sides: readonly [readonly NodeId[], readonly NodeId[]], a: NodeId, b: NodeId): boolean {
  const [left, right] = sides;
  return (left.includes(a) && right.includes(b)) || (right.includes(a) && left.includes(b));
}

export function describePartition(p: Partition): string {
  const set = (ids: readonly NodeId[]): string => `{${ids.map((id) => `n${id}`).join(',')}}`;
  switch (p.kind) {
    case 'symmetric':
      return `symmetric ${set(p.sides[0])} | ${set(p.sides[1])}`;
    case 'asymmetric':
      return `asymmetric ${set(p.senders)} ↛ ${set(p.receivers)}`;
    case 'isolated':
      return `isolated n${p.node}`;
    case 'bridge':
      return `bridge n${p.bridge} between ${set(p.sides[0])} and ${set(p.sides[1])}`;
    default:
      return assertNever(p, 'partition');
  }
}
