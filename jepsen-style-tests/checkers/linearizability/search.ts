import { isIndeterminate } from '../../history/index.js';
import { ConfigurationCache } from './cache.js';
import type { Problem } from './model.js';

/**
 * The linearizability search of Wing & Gong with Lowe's memoization, as in Knossos' "linear"
 * checker and porcupine, on flat typed arrays.
 *
 * The operations' invocations and returns, sorted by time (an invocation before a return at the
 * same instant, so operations that touch are concurrent), form a doubly linked list behind a head
 * node. A configuration is the set of operations linearized so far and the model state. Its
 * candidates are the invocations before the first return in the list (everything that returned
 * before they were invoked is already linearized). Linearizing one lifts its two nodes out of the
 * list and pushes it on a stack; when no candidate works, the search pops the last choice,
 * unlifts it and tries that level's next candidate. The history is linearizable when every
 * completed operation is linearized, and not when level 0 runs out of candidates.
 *
 * Indeterminate operations (info, pending) return "at infinity", after every completed return, so
 * they never force a backtrack: they are linearized where that helps, or left out.
 *
 * Memo: the set of configurations already entered (ConfigurationCache), keyed by (bitset of
 * linearized operations, state). The bitset's hash is kept incrementally (Zobrist: the XOR of a
 * fixed random word per member), so trying a configuration costs O(1) until a hash match asks for
 * a bitset comparison. Entering a configuration twice cannot succeed where the first visit failed.
 *
 * Beyond porcupine, choices that cannot matter are not tried, and the likely ones go first:
 * - a read-only candidate that can go now is the only one tried (see listCandidates);
 * - with Problem.deferIndeterminate, an indeterminate operation is tried only right before an
 *   operation it enables;
 * - with Problem.canReach, a configuration from which an upcoming read can no longer be reached is
 *   dropped, and candidates that keep the next read reachable go first;
 * - otherwise, candidates that let a waiting read go next are tried first.
 * Each rule keeps at least one linearization whenever there is one; the randomized differential
 * tests against a brute-force checker hold them to that.
 */

export type Verdict = true | false | 'unknown';

/** An order of operations (indices into Problem.ops) and the state after each. */
export interface Linearization {
  readonly ops: readonly number[];
  readonly states: readonly number[];
}

export interface SearchLimits {
  /** performance.now() after which the search gives up with 'timeout'. */
  readonly deadlineMs?: number;
  /** Steps (invocations tried plus backtracks) after which the search gives up with 'budget'. */
  readonly maxSteps?: number;
  /** Called about every 65,536 steps with the deepest partial linearization's length so far. */
  readonly onTick?: (deepest: number) => void;
}

export interface SearchResult {
  readonly verdict: Verdict;
  readonly unknownReason: 'timeout' | 'budget' | 'memory' | undefined;
  /** A full linearization of the completed operations when linearizable; otherwise the longest
   *  partial one the search reached. */
  readonly linearization: Linearization;
  /** Not linearizable: the operation whose return the longest attempt could not get past. */
  readonly stuck: number | undefined;
  readonly steps: number;
  readonly cacheEntries: number;
}

const TIME_CHECK_MASK = 0x3ff;
const TICK_MASK = 0xffff;

export function searchLinearization(problem: Problem, limits: SearchLimits = {}): SearchResult {
  const ops = problem.ops;
  const n = ops.length;
  const indeterminate = new Uint8Array(n);
  let required = 0;
  for (let i = 0; i < n; i++) {
    if (isIndeterminate(ops[i]!)) indeterminate[i] = 1;
    else required++;
  }
  if (required === 0) {
    return { verdict: true, unknownReason: undefined, linearization: { ops: [], states: [] }, stuck: undefined, steps: 0, cacheEntries: 0 };
  }

  // The event list: node 0 is the head; nodes 1..2n are the events in time order.
  const size = 2 * n + 1;
  const next = new Int32Array(size);
  const prev = new Int32Array(size);
  /** For an invocation node, its return node; -1 for a return node (and the head). */
  const match = new Int32Array(size).fill(-1);
  const opOf = new Int32Array(size);
  const events = sortedEvents(problem, indeterminate);
  const callNode = new Int32Array(n);
  for (let k = 0; k < events.length; k++) {
    const node = k + 1;
    const e = events[k]!;
    const op = e >>> 1;
    opOf[node] = op;
    if ((e & 1) === 0) callNode[op] = node;
    else match[callNode[op]!] = node;
    prev[node] = node - 1;
    next[node - 1] = node;
  }
  next[size - 1] = -1;

  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(words);
  const zobrist = zobristKeys(n);
  const cache = new ConfigurationCache(words, Math.max(1024, n * 4));
  const readOnly = problem.readOnly;
  const deadlineMs = limits.deadlineMs ?? Infinity;
  const maxSteps = limits.maxSteps ?? Infinity;
  const onTick = limits.onTick;

  // Level d is the configuration after d choices. Its candidates (invocation nodes, in the order
  // to try them) are candidates[candStart[d] .. candEnd[d]), the next to try at candNext[d].
  const chosen = new Int32Array(n); // the invocation node chosen at each level
  const stateBefore = new Int32Array(n); // the state at each level, before its choice
  const candStart = new Int32Array(n + 1);
  const candEnd = new Int32Array(n + 1);
  const candNext = new Int32Array(n + 1);
  let candidates = new Int32Array(Math.max(64, 4 * n));
  const frontier = new Int32Array(n);
  const legalNow = new Uint8Array(n);
  const deferIndeterminate = problem.deferIndeterminate;
  const canReach = problem.canReach;
  const resets = problem.resets;

  let depth = 0;
  let done = 0;
  let state = problem.initialState;
  let hash = 0;
  let steps = 0;
  let best: Linearization = { ops: [], states: [] };
  let stuck: number | undefined;

  const snapshot = (): Linearization => {
    const order: number[] = new Array<number>(depth);
    const states: number[] = new Array<number>(depth);
    for (let d = 0; d < depth; d++) {
      order[d] = opOf[chosen[d]!]!;
      states[d] = d + 1 < depth ? stateBefore[d + 1]! : state;
    }
    return { ops: order, states };
  };
  const finish = (verdict: Verdict, unknownReason?: 'timeout' | 'budget' | 'memory'): SearchResult => ({
    verdict,
    unknownReason,
    linearization: verdict === true || depth > best.ops.length ? snapshot() : best,
    stuck: verdict === false ? stuck : undefined,
    steps,
    cacheEntries: cache.size,
  });

  /**
   * Lists level `depth`'s candidates: the invocations before the first return in the list (every
   * operation that must precede them is linearized). If a read-only one can go now, it is the only
   * candidate: any linearization that puts it later still works with it moved here (it changes no
   * state, and whatever had to precede it already has), so nothing else needs trying. Otherwise the
   * state-changing ones, soonest return first: the operation due first is the likeliest next.
   */
  const listCandidates = (): void => {
    const start = depth === 0 ? 0 : candEnd[depth - 1]!;
    if (start + frontier.length > candidates.length) {
      const grown = new Int32Array(Math.max(candidates.length * 2, start + frontier.length));
      grown.set(candidates);
      candidates = grown;
    }
    let end = start;
    let f = 0;
    let forced = -1;
    for (let e = next[0]!; e >= 0 && match[e]! >= 0; e = next[e]!) {
      const op = opOf[e]!;
      // Legality matters for read-only operations (to force one) and, when deferring
      // indeterminate ones, for all (what they enable); otherwise the try will tell.
      const legal = readOnly[op] === 1 || deferIndeterminate ? problem.step(state, op) >= 0 : true;
      if (legal && readOnly[op] === 1) {
        forced = e;
        break;
      }
      frontier[f] = e;
      legalNow[f] = legal ? 1 : 0;
      f++;
    }
    const guide = forced < 0 && canReach !== undefined ? nextObservation() : -2;
    if (forced >= 0) {
      candidates[end++] = forced;
    } else if (guide !== -1) {
      for (let k = 0; k < f; k++) {
        const e = frontier[k]!;
        const op = opOf[e]!;
        if (legalNow[k] === 0 || readOnly[op] === 1) continue;
        if (deferIndeterminate && indeterminate[op] === 1 && !enablesAny(op, f)) continue;
        candidates[end++] = e;
      }
      if (end - start > 1) {
        if (guide >= 0) promoteTowards(guide, start, end);
        else promoteEnablers(start, end, f);
      }
    }
    candStart[depth] = start;
    candEnd[depth] = end;
    candNext[depth] = start;
  };

  /**
   * With Problem.canReach: looks at the next few completed read-only operations by return time.
   * Returns -1 when one of them can no longer happen (neither from the current state nor after a
   * reset that could come first: the configuration is dead), else the first of them (-2 when
   * none): a guide, since the next state had better lead to it.
   */
  const resetStates: number[] = [];
  const nextObservation = (): number => {
    let guide = -2;
    let seen = 0;
    resetStates.length = 0;
    for (let e = next[0]!, hops = 0; e >= 0 && hops < 256 && seen < 8; e = next[e]!, hops++) {
      const op = opOf[e]!;
      if (match[e]! >= 0) {
        if (resets![op] === 1) resetStates.push(problem.step(state, op));
        continue;
      }
      if (readOnly[op] === 0 || indeterminate[op] === 1) continue;
      if (!canReach!.call(problem, state, op) && !resetStates.some((r) => canReach!.call(problem, r, op))) return -1;
      if (guide === -2) guide = op;
      seen++;
    }
    return guide;
  };

  /** Moves to the front (stably) the candidates after which `guide` is still reachable. */
  const promoteTowards = (guide: number, start: number, end: number): void => {
    let front = start;
    for (let i = start; i < end; i++) {
      const c = candidates[i]!;
      if (!canReach!.call(problem, problem.step(state, opOf[c]!), guide)) continue;
      for (let j = i; j > front; j--) candidates[j] = candidates[j - 1]!;
      candidates[front++] = c;
    }
  };

  /** Whether some frontier operation that cannot go now could go right after `op`. */
  const enablesAny = (op: number, f: number): boolean => {
    const after = problem.step(state, op);
    for (let k = 0; k < f; k++) {
      const y = opOf[frontier[k]!]!;
      if (legalNow[k] === 0 && y !== op && problem.step(after, y) >= 0) return true;
    }
    return false;
  };

  /** Moves to the front (stably) the candidates after which some waiting read-only operation can go. */
  const promoteEnablers = (start: number, end: number, f: number): void => {
    let front = start;
    for (let i = start; i < end; i++) {
      const c = candidates[i]!;
      const after = problem.step(state, opOf[c]!);
      let enables = false;
      for (let k = 0; k < f && !enables; k++) {
        const y = opOf[frontier[k]!]!;
        enables = readOnly[y] === 1 && problem.step(after, y) >= 0;
      }
      if (!enables) continue;
      for (let j = i; j > front; j--) candidates[j] = candidates[j - 1]!;
      candidates[front++] = c;
    }
  };

  listCandidates();
  for (;;) {
    steps++;
    if ((steps & TIME_CHECK_MASK) === 0) {
      if (steps >= maxSteps) return finish('unknown', 'budget');
      if (performance.now() > deadlineMs) return finish('unknown', 'timeout');
      if (onTick !== undefined && (steps & TICK_MASK) === 0) onTick(Math.max(best.ops.length, depth));
    }
    const i = candNext[depth]!;
    if (i < candEnd[depth]!) {
      candNext[depth] = i + 1;
      const call = candidates[i]!;
      const op = opOf[call]!;
      const after = problem.step(state, op);
      if (after < 0) continue;
      const w = op >>> 5;
      const m = 1 << (op & 31);
      bits[w] = bits[w]! | m;
      let added: boolean;
      try {
        added = cache.add((hash ^ zobrist[op]! ^ mixState(after)) >>> 0, after, bits);
      } catch (err) {
        if (err instanceof RangeError) return finish('unknown', 'memory');
        throw err;
      }
      if (!added) {
        bits[w] = bits[w]! & ~m;
        continue;
      }
      chosen[depth] = call;
      stateBefore[depth] = state;
      depth++;
      state = after;
      hash ^= zobrist[op]!;
      lift(call, match[call]!, next, prev);
      if (indeterminate[op] === 0 && ++done === required) return finish(true);
      listCandidates();
      continue;
    }
    // Every candidate failed: this configuration cannot be extended. Undo the last choice.
    if (stuck === undefined || depth > best.ops.length) {
      best = snapshot();
      const first = firstReturn(next, match);
      stuck = first >= 0 ? opOf[first]! : undefined;
    }
    if (depth === 0) return finish(false);
    depth--;
    const call = chosen[depth]!;
    const op = opOf[call]!;
    state = stateBefore[depth]!;
    bits[op >>> 5] = bits[op >>> 5]! & ~(1 << (op & 31));
    hash ^= zobrist[op]!;
    if (indeterminate[op] === 0) done--;
    unlift(call, match[call]!, next, prev);
  }
}

/** The first return node in the list: the operation that most urgently needed linearizing. */
function firstReturn(next: Int32Array, match: Int32Array): number {
  let e = next[0]!;
  while (e >= 0 && match[e]! >= 0) e = next[e]!;
  return e;
}

/** Removes an operation's invocation and return from the list. */
function lift(call: number, ret: number, next: Int32Array, prev: Int32Array): void {
  next[prev[call]!] = next[call]!;
  prev[next[call]!] = prev[call]!;
  next[prev[ret]!] = next[ret]!;
  const after = next[ret]!;
  if (after >= 0) prev[after] = prev[ret]!;
}

/** Puts them back, in the reverse order (the neighbours recorded in the lifted nodes are intact). */
function unlift(call: number, ret: number, next: Int32Array, prev: Int32Array): void {
  next[prev[ret]!] = ret;
  const after = next[ret]!;
  if (after >= 0) prev[after] = ret;
  next[prev[call]!] = call;
  prev[next[call]!] = call;
}

/**
 * Events as op * 2 (invocation) or op * 2 + 1 (return), sorted by time; at the same instant
 * invocations come first, then by operation. Indeterminate operations return at +infinity.
 */
function sortedEvents(problem: Problem, indeterminate: Uint8Array): Int32Array {
  const n = problem.ops.length;
  const time = new Float64Array(2 * n);
  const events = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const op = problem.ops[i]!;
    time[2 * i] = op.invokeNs;
    time[2 * i + 1] = indeterminate[i] === 1 ? Infinity : (op.completeNs ?? Infinity);
    events[2 * i] = 2 * i;
    events[2 * i + 1] = 2 * i + 1;
  }
  return events.sort((a, b) => time[a]! - time[b]! || (a & 1) - (b & 1) || a - b);
}

/** One random word per operation, from a fixed seed (splitmix32), so runs are repeatable. */
function zobristKeys(n: number): Uint32Array {
  const keys = new Uint32Array(n);
  let s = 0x2545f491;
  for (let i = 0; i < n; i++) {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    keys[i] = (z ^ (z >>> 16)) >>> 0;
  }
  return keys;
}

function mixState(s: number): number {
  let h = Math.imul(s + 1, 0x9e3779b1);
  h ^= h >>> 15;
  return Math.imul(h, 0x85ebca6b);
}
