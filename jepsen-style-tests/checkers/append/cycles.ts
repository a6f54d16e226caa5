import type { Operation } from '../../history/index.js';

/** A dependency between two committed transactions: ww (write-write), wr (write-read), rw (read-write, an anti-dependency). */
export interface DependencyEdge {
  readonly from: Operation;
  readonly to: Operation;
  readonly type: 'ww' | 'wr' | 'rw';
  readonly key: string;
}

export interface Cycle {
  /** G0: write-write edges only; G1c: with write-read; G2: with an anti-dependency. */
  readonly kind: 'G0' | 'G1c' | 'G2';
  readonly steps: readonly DependencyEdge[];
}

const KIND_EDGES: ReadonlyArray<[Cycle['kind'], ReadonlySet<DependencyEdge['type']>]> = [
  ['G0', new Set(['ww'])],
  ['G1c', new Set(['ww', 'wr'])],
  ['G2', new Set(['ww', 'wr', 'rw'])],
];

/**
 * One cycle per strongly connected component of the dependency graph, classified by the weakest
 * edge set that still closes a cycle in it (as Elle does: a G0 cycle is also a G1c and a G2 one).
 */
export function findCycles(edges: readonly DependencyEdge[]): Cycle[] {
  const out: Cycle[] = [];
  const reported = new Set<Operation>();
  for (const [kind, types] of KIND_EDGES) {
    const sub = edges.filter((e) => types.has(e.type));
    for (const component of stronglyConnected(sub)) {
      if (component.some((n) => reported.has(n))) continue;
      const members = new Set(component);
      const steps = cycleIn(sub.filter((e) => members.has(e.from) && members.has(e.to)), component[0] as Operation);
      if (steps === undefined) continue;
      for (const n of component) reported.add(n);
      out.push({ kind, steps });
    }
  }
  return out;
}

/** Tarjan's algorithm, iterative; only components of more than one node. */
function stronglyConnected(edges: readonly DependencyEdge[]): Operation[][] {
  const adj = new Map<Operation, Operation[]>();
  for (const e of edges) {
    let succ = adj.get(e.from);
    if (succ === undefined) adj.set(e.from, (succ = []));
    succ.push(e.to);
    if (!adj.has(e.to)) adj.set(e.to, []);
  }
  const index = new Map<Operation, number>();
  const low = new Map<Operation, number>();
  const onStack = new Set<Operation>();
  const stack: Operation[] = [];
  const result: Operation[][] = [];
  let next = 0;
  for (const root of adj.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ node: Operation; i: number }> = [{ node: root, i: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const top = work[work.length - 1] as { node: Operation; i: number };
      const succ = adj.get(top.node) as Operation[];
      if (top.i < succ.length) {
        const w = succ[top.i++] as Operation;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(top.node, Math.min(low.get(top.node) as number, index.get(w) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(top.node) as number));
      if (low.get(top.node) === index.get(top.node)) {
        const component: Operation[] = [];
        for (;;) {
          const n = stack.pop() as Operation;
          onStack.delete(n);
          component.push(n);
          if (n === top.node) break;
        }
        if (component.length > 1) result.push(component);
      }
    }
  }
  return result;
}

/** A shortest cycle through `start` (breadth-first), as its edges. */
function cycleIn(edges: readonly DependencyEdge[], start: Operation): DependencyEdge[] | undefined {
  const out = new Map<Operation, DependencyEdge[]>();
  for (const e of edges) {
    let list = out.get(e.from);
    if (list === undefined) out.set(e.from, (list = []));
    list.push(e);
  }
  const via = new Map<Operation, DependencyEdge>();
  const queue: Operation[] = [start];
  for (let q = 0; q < queue.length; q++) {
    const n = queue[q] as Operation;
    for (const e of out.get(n) ?? []) {
      if (e.to === start) {
        const steps = [e];
        for (let at = n; at !== start; ) {
          const back = via.get(at) as DependencyEdge;
          steps.unshift(back);
          at = back.from;
        }
        return steps;
      }
      if (!via.has(e.to)) {
        via.set(e.to, e);
        queue.push(e.to);
      }
    }
  }
  return undefined;
}
