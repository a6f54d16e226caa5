import type { Operation } from '../../history/index.js';

/**
 * An edge of the dependency graph between transactions:
 * - ww (write-write): `to` appended to `key` right after `from` did (`value` is to's append, `prior` from's);
 * - wr (write-read): `to` read `key` ending in `value`, which `from` appended;
 * - rw (read-write, an anti-dependency): `from` read `key` without `value`, which `to` appended next;
 * - realtime: `from` completed (ok) before `to` was invoked.
 */
export type DependencyEdge =
  | { readonly from: Operation; readonly to: Operation; readonly type: 'ww'; readonly key: string; readonly value: number; readonly prior: number }
  | { readonly from: Operation; readonly to: Operation; readonly type: 'wr' | 'rw'; readonly key: string; readonly value: number }
  | { readonly from: Operation; readonly to: Operation; readonly type: 'realtime' };

export type EdgeType = DependencyEdge['type'];

/** Cycle kinds, weakest edge set first. A -realtime kind is one that only real-time edges close. */
export type CycleKind = 'G0' | 'G1c' | 'G2' | 'G0-realtime' | 'G1c-realtime' | 'G2-realtime';

export interface Cycle {
  readonly kind: CycleKind;
  readonly steps: readonly DependencyEdge[];
}

const EDGE_BITS: Readonly<Record<EdgeType, number>> = { ww: 1, wr: 2, rw: 4, realtime: 8 };

/**
 * Each kind and the edges it may use, in the order they are tried: a cycle is named by the first
 * kind whose edges close it, so one closable without real-time edges keeps its plain name (G0: write-write
 * only; G1c: with write-read; G2: with an anti-dependency; then the same with real-time edges).
 */
const KINDS: ReadonlyArray<readonly [CycleKind, number]> = [
  ['G0', EDGE_BITS.ww],
  ['G1c', EDGE_BITS.ww | EDGE_BITS.wr],
  ['G2', EDGE_BITS.ww | EDGE_BITS.wr | EDGE_BITS.rw],
  ['G0-realtime', EDGE_BITS.ww | EDGE_BITS.realtime],
  ['G1c-realtime', EDGE_BITS.ww | EDGE_BITS.wr | EDGE_BITS.realtime],
  ['G2-realtime', EDGE_BITS.ww | EDGE_BITS.wr | EDGE_BITS.rw | EDGE_BITS.realtime],
];
const ALL_EDGES = KINDS[KINDS.length - 1]![1];

/** The dependency graph: transactions as dense node numbers, edges in parallel arrays (histories give millions). */
export class DependencyGraph {
  private readonly nodes: Operation[] = [];
  private readonly nodeOf = new Map<Operation, number>();
  /** Edge i goes from node from[i] to node to[i]; data[i] is the edge itself, except for real-time edges (built when reported). */
  readonly from: number[] = [];
  readonly to: number[] = [];
  readonly bits: number[] = [];
  private readonly data: Array<DependencyEdge | undefined> = [];
  private readonly counts = new Map<EdgeType, number>();

  /** Adds a data edge; an edge from a transaction to itself is not a dependency and is ignored. */
  add(edge: DependencyEdge): void {
    if (edge.from === edge.to) return;
    this.push(edge.from, edge.to, edge.type, edge);
  }

  /** Adds a real-time edge without building an object for it (there are many). */
  addRealtime(from: Operation, to: Operation): void {
    this.push(from, to, 'realtime', undefined);
  }

  count(type: EdgeType): number {
    return this.counts.get(type) ?? 0;
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  get edgeCount(): number {
    return this.from.length;
  }

  operation(node: number): Operation {
    return this.nodes[node] as Operation;
  }

  edge(i: number): DependencyEdge {
    return this.data[i] ?? { from: this.operation(this.from[i] as number), to: this.operation(this.to[i] as number), type: 'realtime' };
  }

  private node(op: Operation): number {
    let n = this.nodeOf.get(op);
    if (n === undefined) {
      n = this.nodes.length;
      this.nodes.push(op);
      this.nodeOf.set(op, n);
    }
    return n;
  }

  private push(from: Operation, to: Operation, type: EdgeType, data: DependencyEdge | undefined): void {
    this.from.push(this.node(from));
    this.to.push(this.node(to));
    this.bits.push(EDGE_BITS[type]);
    this.data.push(data);
    this.counts.set(type, this.count(type) + 1);
  }
}

/**
 * The cycles of the graph, as Elle names them. For each kind in turn, every strongly connected
 * component of the edges it may use that holds a transaction no earlier kind put in a cycle
 * yields one cycle: a shortest one through such a transaction, which therefore needs this kind's
 * edges. Cycles only exist inside components of the whole graph, so the search runs on those edges
 * alone: an acyclic history costs one pass of Tarjan's algorithm.
 */
export function findCycles(graph: DependencyGraph): Cycle[] {
  const all = adjacency(graph, ALL_EDGES, undefined);
  const whole = stronglyConnected(graph.nodeCount, all);
  if (whole.components.length === 0) return [];
  const inCycle: number[] = [];
  for (let i = 0; i < graph.edgeCount; i++) {
    const c = whole.component[graph.from[i] as number] as number;
    if (c !== -1 && c === whole.component[graph.to[i] as number]) inCycle.push(i);
  }
  const out: Cycle[] = [];
  const reported = new Uint8Array(graph.nodeCount);
  const search = new BreadthFirst(graph.nodeCount);
  for (const [kind, bits] of KINDS) {
    const adj = adjacency(graph, bits, inCycle);
    const { components, component } = stronglyConnected(graph.nodeCount, adj);
    components.forEach((members, c) => {
      const start = members.find((n) => reported[n] === 0);
      if (start === undefined) return;
      const steps = search.cycle(adj, start, (n) => component[n] === c);
      for (const n of members) reported[n] = 1;
      if (steps !== undefined) out.push({ kind, steps: steps.map((i) => graph.edge(i)) });
    });
  }
  return out;
}

/** Out-edges in compressed rows: node n's edges are edge[offset[n] .. offset[n + 1]). */
interface Adjacency {
  readonly offset: Int32Array;
  readonly target: Int32Array;
  readonly edge: Int32Array;
}

/** The adjacency of the edges whose type is in `bits`, among `only` (default: all). */
function adjacency(graph: DependencyGraph, bits: number, only: readonly number[] | undefined): Adjacency {
  const chosen: number[] = [];
  const pick = (i: number): void => {
    if (((graph.bits[i] as number) & bits) !== 0) chosen.push(i);
  };
  if (only === undefined) for (let i = 0; i < graph.edgeCount; i++) pick(i);
  else only.forEach(pick);
  const offset = new Int32Array(graph.nodeCount + 1);
  for (const i of chosen) offset[(graph.from[i] as number) + 1]!++;
  for (let n = 0; n < graph.nodeCount; n++) offset[n + 1]! += offset[n] as number;
  const fill = offset.slice(0, graph.nodeCount);
  const target = new Int32Array(chosen.length);
  const edge = new Int32Array(chosen.length);
  for (const i of chosen) {
    const at = fill[graph.from[i] as number]!++;
    target[at] = graph.to[i] as number;
    edge[at] = i;
  }
  return { offset, target, edge };
}

/**
 * Tarjan's algorithm, iterative. `components` holds those of more than one node;
 * `component[n]` is n's index in it, or -1.
 */
function stronglyConnected(nodeCount: number, adj: Adjacency): { components: number[][]; component: Int32Array } {
  const index = new Int32Array(nodeCount).fill(-1);
  const low = new Int32Array(nodeCount);
  const onStack = new Uint8Array(nodeCount);
  const stack = new Int32Array(nodeCount);
  const callNode = new Int32Array(nodeCount);
  const callEdge = new Int32Array(nodeCount);
  const component = new Int32Array(nodeCount).fill(-1);
  const components: number[][] = [];
  let next = 0;
  let sp = 0;
  for (let root = 0; root < nodeCount; root++) {
    if (index[root] !== -1 || adj.offset[root] === adj.offset[root + 1]) continue;
    let depth = 0;
    const enter = (n: number): void => {
      index[n] = low[n] = next++;
      stack[sp++] = n;
      onStack[n] = 1;
      callNode[depth] = n;
      callEdge[depth++] = adj.offset[n] as number;
    };
    enter(root);
    while (depth > 0) {
      const v = callNode[depth - 1] as number;
      const e = callEdge[depth - 1] as number;
      if (e < (adj.offset[v + 1] as number)) {
        callEdge[depth - 1] = e + 1;
        const w = adj.target[e] as number;
        if (index[w] === -1) enter(w);
        else if (onStack[w] === 1 && (index[w] as number) < (low[v] as number)) low[v] = index[w] as number;
        continue;
      }
      depth--;
      if (depth > 0) {
        const parent = callNode[depth - 1] as number;
        if ((low[v] as number) < (low[parent] as number)) low[parent] = low[v] as number;
      }
      if (low[v] !== index[v]) continue;
      const members: number[] = [];
      for (;;) {
        const n = stack[--sp] as number;
        onStack[n] = 0;
        members.push(n);
        if (n === v) break;
      }
      if (members.length > 1) {
        for (const n of members) component[n] = components.length;
        components.push(members);
      }
    }
  }
  return { components, component };
}

/** Shortest cycles by breadth-first search, reusing its arrays from one search to the next. */
class BreadthFirst {
  private readonly seenIn: Int32Array;
  /** How the search reached a node: the adjacency slot of the edge, and the node it came from. */
  private readonly viaSlot: Int32Array;
  private readonly viaNode: Int32Array;
  private readonly queue: Int32Array;
  private round = 0;

  constructor(nodeCount: number) {
    this.seenIn = new Int32Array(nodeCount);
    this.viaSlot = new Int32Array(nodeCount);
    this.viaNode = new Int32Array(nodeCount);
    this.queue = new Int32Array(nodeCount);
  }

  /** A shortest cycle through `start` over nodes that pass `inside`, as edge numbers in order. */
  cycle(adj: Adjacency, start: number, inside: (n: number) => boolean): number[] | undefined {
    const round = ++this.round;
    let head = 0;
    let tail = 0;
    this.queue[tail++] = start;
    this.seenIn[start] = round;
    while (head < tail) {
      const n = this.queue[head++] as number;
      for (let at = adj.offset[n] as number; at < (adj.offset[n + 1] as number); at++) {
        const w = adj.target[at] as number;
        if (w === start) {
          const steps = [adj.edge[at] as number];
          for (let back = n; back !== start; back = this.viaNode[back] as number) steps.unshift(adj.edge[this.viaSlot[back] as number] as number);
          return steps;
        }
        if (this.seenIn[w] === round || !inside(w)) continue;
        this.seenIn[w] = round;
        this.viaSlot[w] = at;
        this.viaNode[w] = n;
        this.queue[tail++] = w;
      }
    }
    return undefined;
  }
}
