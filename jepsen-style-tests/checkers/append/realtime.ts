import type { Operation } from '../../history/index.js';

/**
 * Real-time order between transactions, for strict serializability: T1 precedes T2 when T1
 * completed ok before T2 was invoked (strictly: a completion and an invocation at the same
 * nanosecond are concurrent). Linking every such pair would take O(n²) edges; as Elle does, this
 * links each transaction only from the frontier, the ok transactions completed before it was
 * invoked that no other completed transaction follows yet. That keeps every real-time path:
 *
 *   time   0    10   20   30   40   50
 *   A      [----]                          A completes: frontier {A}
 *   B                [---------]           B invoked: snapshot {A}
 *   C                     [---------]      C invoked: snapshot {A}
 *                                          B completes: A -> B; frontier {B}
 *                                          C completes: A -> C; frontier {B, C}
 *   D                               [--]   D invoked: snapshot {B, C}, D completes: B -> D, C -> D
 *
 * A -> D is not an edge, but A -> B -> D is a path. The frontier is a set of mutually concurrent
 * transactions, so it holds at most as many as were in flight at one moment, and the edges number
 * at most n times the concurrency.
 *
 * Indeterminate transactions (info, pending) took effect at some moment after their invocation, or
 * never: they are linked from the frontier when invoked (if they took effect, it was after that),
 * but have no edges out and never join the frontier, since their completion says nothing about
 * when they took effect. Failed transactions did not happen and are left out.
 */
export function linkRealtime(txns: readonly Operation[], link: (from: Operation, to: Operation) => void): void {
  /** 2i for the invocation of txns[i], 2i + 1 for its ok completion; by time, invocations first at a tie. */
  const events: number[] = [];
  txns.forEach((t, i) => {
    if (t.outcome === 'fail') return;
    events.push(2 * i);
    if (t.outcome === 'ok') events.push(2 * i + 1);
  });
  const timeOf = (e: number): number => {
    const t = txns[e >> 1] as Operation;
    return (e & 1) === 0 ? t.invokeNs : (t.completeNs as number);
  };
  events.sort((a, b) => timeOf(a) - timeOf(b) || (a & 1) - (b & 1));

  const frontier = new Set<Operation>();
  /** For each ok transaction in flight: the frontier when it was invoked. */
  const atInvoke = new Map<Operation, Operation[]>();
  for (const e of events) {
    const t = txns[e >> 1] as Operation;
    if ((e & 1) === 0) {
      if (t.outcome === 'ok') atInvoke.set(t, [...frontier]);
      else for (const prior of frontier) link(prior, t);
      continue;
    }
    for (const prior of atInvoke.get(t) as Operation[]) {
      link(prior, t);
      frontier.delete(prior);
    }
    atInvoke.delete(t);
    frontier.add(t);
  }
}
