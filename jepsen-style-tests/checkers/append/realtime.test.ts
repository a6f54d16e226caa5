import { describe, expect, it } from 'vitest';
import type { Operation, Outcome } from '../../history/index.js';
import { Rand } from '../linearizability/testing/rand.js';
import { linkRealtime } from './realtime.js';

function op(id: number, invokeNs: number, completeNs: number | undefined, outcome: Outcome = 'ok'): Operation {
  return { id, process: id, f: 'txn', key: undefined, input: [], output: [], outcome, invokeNs, completeNs, invokeLine: 2 * id + 1, completeLine: completeNs === undefined ? undefined : 2 * id + 2 };
}

function edges(txns: readonly Operation[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  linkRealtime(txns, (a, b) => out.push([a.id, b.id]));
  return out;
}

/** Which transactions each one reaches along the edges. */
function reach(n: number, links: ReadonlyArray<[number, number]>): Array<Set<number>> {
  const succ = Array.from({ length: n }, (): number[] => []);
  for (const [a, b] of links) succ[a]!.push(b);
  return Array.from({ length: n }, (_, start) => {
    const seen = new Set<number>();
    const todo = [...succ[start]!];
    while (todo.length > 0) {
      const m = todo.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      todo.push(...succ[m]!);
    }
    return seen;
  });
}

describe('real-time edges', () => {
  it('links each transaction from the frontier only (the example in realtime.ts)', () => {
    const [a, b, c, d] = [op(0, 0, 10), op(1, 20, 40), op(2, 25, 45), op(3, 47, 50)];
    expect(edges([a, b, c, d]).sort()).toEqual([[0, 1], [0, 2], [1, 3], [2, 3]]);
  });

  it('keeps exactly the real-time order among ok, info and pending transactions, with edges bounded by n times the concurrency', () => {
    const rand = new Rand(5);
    for (let round = 0; round < 50; round++) {
      const clients = 1 + rand.int(6);
      const clocks = Array.from({ length: clients }, () => rand.int(20));
      const txns = Array.from({ length: 60 }, (_, id) => {
        const c = id % clients;
        const invoke = clocks[c]!;
        const complete = invoke + rand.int(30);
        clocks[c] = complete + rand.int(3); // sometimes invoked at the instant the last one completed
        const roll = rand.next();
        return roll < 0.1 ? op(id, invoke, complete, 'info') : roll < 0.15 ? op(id, invoke, undefined, 'pending') : roll < 0.2 ? op(id, invoke, complete, 'fail') : op(id, invoke, complete);
      });
      const links = edges(txns);
      const reached = reach(txns.length, links);
      const wrong: string[] = [];
      for (const t1 of txns) {
        for (const t2 of txns) {
          const precedes = t1.outcome === 'ok' && t2.outcome !== 'fail' && (t1.completeNs as number) < t2.invokeNs;
          if (reached[t1.id]!.has(t2.id) !== precedes) wrong.push(`T${t1.id} [${t1.invokeNs}, ${t1.completeNs}] ${t1.outcome} -> T${t2.id} [${t2.invokeNs}, ${t2.completeNs}] ${t2.outcome}: ${precedes ? 'missing' : 'extra'}`);
        }
      }
      expect(wrong).toEqual([]);
      // The frontier's transactions overlap one another, so they all span one moment (closed intervals).
      const ok = txns.filter((t) => t.outcome === 'ok');
      const depth = Math.max(...ok.map((t) => ok.filter((u) => u.invokeNs <= t.invokeNs && t.invokeNs <= (u.completeNs as number)).length));
      expect(links.length).toBeLessThanOrEqual(txns.length * depth);
    }
  });
});
