import { isIndeterminate, type Operation } from '../../history/index.js';
import type { Model } from './model.js';
import { searchLinearization, type Verdict } from './search.js';

/**
 * Explains why one key's history is not linearizable, with as few operations as a budget allows.
 *
 * 1. The failing prefix. Cut the history just after a completion at time T: operations invoked by
 *    T are kept, and those that completed later become pending (their result is not known yet).
 *    Such prefixes only get less linearizable as T grows (a linearization of a longer prefix,
 *    restricted, is one of a shorter one), so a binary search over the completion times finds the
 *    first T that breaks linearizability, and the culprit: the operation completing at T.
 * 2. The window. Delta-debugging over that prefix drops operations (latest first, in halving
 *    chunks, then one at a time until nothing more can go) while the rest stays not linearizable
 *    and the anomaly keeps its kind. Operations that could have produced the culprit's result
 *    (Model.couldProduce) are never dropped. So the window keeps what explains the anomaly:
 *    - 'real-time': the culprit's result fits some order of the window's operations, just not one
 *      that respects real time (a stale read: the window keeps both the old write and the newer
 *      one). Test: the culprit, freed from real time, fits.
 *    - 'inconsistent': the writes could produce the culprit's result, but not together with what
 *      the other operations observed (a get of "ab" after a get of "b": the window keeps both
 *      appends). Test: freed, it does not fit; freed and without the other reads, it does.
 *    - 'value': no order of the writes produces the result (a read of a value never written).
 */

export type AnomalyKind = 'real-time' | 'inconsistent' | 'value';

/** One sentence per kind, for reports: what is wrong with the culprit's result. */
export const ANOMALY_EXPLANATIONS: Readonly<Record<AnomalyKind, string>> = {
  'real-time': 'Its result fits some order of the window, but none that respects real time (an operation that completed before another was invoked must come first).',
  inconsistent: 'The writes of the window could produce its result, but not in any order that also gives the other operations theirs.',
  value: 'No order of the writes of the window produces its result.',
};

export interface Diagnosis {
  /** The operation whose completion first makes the key's history not linearizable. */
  readonly culprit: Operation;
  /** How many operations the failing prefix (up to the culprit's completion) has. */
  readonly prefixOperations: number;
  readonly kind: AnomalyKind;
  /**
   * A set of operations, the culprit among them, that is not linearizable by itself, in invocation
   * order. Operations that completed only after the culprit appear as pending (outcome 'pending').
   */
  readonly window: readonly Operation[];
  /** Whether the window is 1-minimal (no single operation but the culprit's possible sources can go); false when the budget ran out. */
  readonly minimal: boolean;
  /**
   * The window's other operations in an order that works, with the state after each; when there
   * is none, the longest partial linearization of the window the search found.
   */
  readonly linearization: readonly LinearizationStep[];
}

export interface LinearizationStep {
  readonly op: Operation;
  readonly stateAfter: string;
}

export interface DiagnoseLimits {
  /** performance.now() by which to stop; what was found by then is returned. */
  readonly deadlineMs: number;
  /** Steps allowed to each search inside the diagnosis. */
  readonly maxStepsPerSearch: number;
  /** What the search that found the key not linearizable took, if known: a yardstick for the budget while shrinking. */
  readonly provenSteps?: number;
}

const SHRINK_MIN_STEPS = 50_000;
const SHRINK_STEPS_FACTOR = 4;

export function diagnose(model: Model, recorded: readonly Operation[], limits: DiagnoseLimits): Diagnosis | undefined {
  // Only what the model keeps (no failed writes, which would otherwise count as pending while
  // their failure lies beyond the cut).
  const ops = model.compile(recorded).ops;
  // Each search has a step budget: first the caller's, then, while shrinking, a multiple of what
  // proving the failing prefix took (a smaller window should not cost more; if it does, it is
  // treated as not failing, which only leaves the window larger).
  let maxSteps = limits.maxStepsPerSearch;
  let lastSteps = 0;
  const verdictOf = (subset: readonly Operation[]): Verdict => {
    const result = searchLinearization(model.compile(subset), { deadlineMs: limits.deadlineMs, maxSteps });
    lastSteps = result.steps;
    return result.verdict;
  };

  // 1. The first completion time at which the prefix is not linearizable.
  const times = [...new Set(ops.filter(isCompleted).map((op) => op.completeNs!))].sort((a, b) => a - b);
  if (times.length === 0) return undefined;
  let lo = 0;
  let hi = times.length - 1; // the prefix at the last completion is the whole history: not linearizable
  let proofSteps = limits.provenSteps ?? limits.maxStepsPerSearch;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (verdictOf(prefixAt(ops, times[mid]!)) === false) {
      hi = mid;
      proofSteps = lastSteps;
    }
    else lo = mid + 1;
  }
  const cutNs = times[hi]!;
  const prefix = prefixAt(ops, cutNs);
  const kept = model.compile(prefix).ops;
  const completingAtCut = kept.filter((op) => isCompleted(op) && op.completeNs === cutNs);
  const culprit =
    completingAtCut.find((c) => verdictOf(kept.map((op) => (op === c ? asPending(op) : op))) === true) ?? completingAtCut[0];
  if (culprit === undefined) return undefined;

  // 2. Shrink the prefix to a small window with the same kind of anomaly.
  maxSteps = Math.min(limits.maxStepsPerSearch, Math.max(SHRINK_MIN_STEPS, SHRINK_STEPS_FACTOR * proofSteps));
  const freed = freedFromRealTime(culprit);
  const fitsFreed = (others: readonly Operation[]): boolean => verdictOf([...others, freed]) === true;
  const fitsFreedWithoutReads = (others: readonly Operation[]): boolean => {
    const problem = model.compile(others);
    return verdictOf([...problem.ops.filter((_, i) => problem.readOnly[i] === 0), freed]) === true;
  };
  const othersInPrefix = kept.filter((op) => op !== culprit);
  const kind: AnomalyKind = fitsFreed(othersInPrefix) ? 'real-time' : fitsFreedWithoutReads(othersInPrefix) ? 'inconsistent' : 'value';
  const stillFails = (others: readonly Operation[]): boolean => {
    if (verdictOf([...others, culprit]) !== false) return false;
    if (kind === 'real-time') return fitsFreed(others);
    if (kind === 'inconsistent') return !fitsFreed(others) && fitsFreedWithoutReads(others);
    return true;
  };
  // Whatever could have produced the culprit's result stays: without it, the window would blame
  // the culprit for a value that the history does explain some other way.
  const sources = othersInPrefix.filter((op) => model.couldProduce(op, culprit));
  const rest = othersInPrefix.filter((op) => !model.couldProduce(op, culprit));
  const shrunk = shrink(rest, (candidate) => stillFails([...sources, ...candidate]), limits.deadlineMs);
  const others = [...sources, ...shrunk.kept];
  const minimal = shrunk.minimal;
  const window = [...others, culprit].sort((a, b) => a.id - b.id);

  return { culprit, prefixOperations: kept.length, kind, window, minimal, linearization: explain(model, window, culprit, limits) };
}

/**
 * Delta debugging: drops chunks of `ops` (latest first, halving the chunk size down to one, then
 * single operations until a pass drops nothing) while `fails` holds. Returns what is left, and
 * whether it is 1-minimal (false when the deadline came first).
 */
function shrink(ops: readonly Operation[], fails: (ops: readonly Operation[]) => boolean, deadlineMs: number): { kept: Operation[]; minimal: boolean } {
  let kept = [...ops];
  let chunk = Math.max(1, kept.length >>> 1);
  while (performance.now() < deadlineMs) {
    let dropped = false;
    // Latest first: a read goes before the write it read, so the write can follow in the same pass.
    for (let end = kept.length; end > 0 && performance.now() < deadlineMs; ) {
      const start = Math.max(0, end - chunk);
      const candidate = [...kept.slice(0, start), ...kept.slice(end)];
      if (fails(candidate)) {
        kept = candidate;
        dropped = true;
      }
      end = start;
    }
    if (chunk === 1 && !dropped) return { kept, minimal: performance.now() < deadlineMs };
    chunk = Math.max(1, chunk >>> 1);
  }
  return { kept, minimal: false };
}

/** The window without the culprit, linearized; failing that, the window's longest partial linearization. */
function explain(model: Model, window: readonly Operation[], culprit: Operation, limits: DiagnoseLimits): LinearizationStep[] {
  const search = (subset: readonly Operation[]): LinearizationStep[] | undefined => {
    const problem = model.compile(subset);
    const result = searchLinearization(problem, { deadlineMs: Math.max(limits.deadlineMs, performance.now() + 1000), maxSteps: limits.maxStepsPerSearch });
    if (result.verdict === 'unknown') return undefined;
    const steps = result.linearization.ops.map((i, k) => ({ op: problem.ops[i]!, stateAfter: problem.describeState(result.linearization.states[k]!) }));
    return result.verdict === true || subset.includes(culprit) ? steps : undefined;
  };
  return search(window.filter((op) => op !== culprit)) ?? search(window) ?? [];
}

function isCompleted(op: Operation): boolean {
  return op.outcome === 'ok' || op.outcome === 'fail';
}

/** The history as it stood just after the completions at `cutNs`. */
function prefixAt(ops: readonly Operation[], cutNs: number): Operation[] {
  const prefix: Operation[] = [];
  for (const op of ops) {
    if (op.invokeNs > cutNs) continue;
    prefix.push(isCompleted(op) && op.completeNs! > cutNs ? asPending(op) : op);
  }
  return prefix;
}

function asPending(op: Operation): Operation {
  return { ...op, outcome: 'pending', output: undefined, completeNs: undefined, completeLine: undefined };
}

/** The same operation, concurrent with everything: its result stands, its timing no longer does. */
function freedFromRealTime(op: Operation): Operation {
  return { ...op, invokeNs: 0, completeNs: Number.MAX_SAFE_INTEGER };
}
