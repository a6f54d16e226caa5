import type { Operation } from '../../../history/index.js';

/**
 * Linearizability straight from its definition, for testing the real checker on small histories:
 * is there an order of all completed operations, plus any subset of the indeterminate ones, that
 * respects real time (an operation that returned before another was invoked comes first) and in
 * which every operation gives its recorded result? Exhaustive, no memo, raw values: it shares no
 * code with the checker or the models, so the two can only agree by being right.
 */
export function bruteForceLinearizable(ops: readonly Operation[], model: 'register' | 'kv'): boolean {
  // Failed operations did not happen, except a failed cas, which observed a mismatch.
  const candidates = ops.filter((op) => op.outcome !== 'fail' || op.f === 'cas');
  const required = candidates.map((op) => op.outcome === 'ok' || op.outcome === 'fail');
  const returnNs = candidates.map((op, i) => (required[i] ? op.completeNs! : Infinity));
  const placed = candidates.map(() => false);
  const needed = required.filter(Boolean).length;

  const search = (state: unknown, count: number): boolean => {
    if (count === needed) return true;
    for (let i = 0; i < candidates.length; i++) {
      if (placed[i]) continue;
      const op = candidates[i]!;
      // Some completed operation still to place returned before this one was invoked: it must come first.
      if (candidates.some((p, j) => !placed[j] && j !== i && returnNs[j]! < op.invokeNs)) continue;
      const next = model === 'register' ? applyRegister(state, op) : applyKv(state as string, op);
      if (next === ILLEGAL) continue;
      placed[i] = true;
      const found = search(next, count + (required[i] ? 1 : 0));
      placed[i] = false;
      if (found) return true;
    }
    return false;
  };
  return search(model === 'register' ? null : '', 0);
}

const ILLEGAL = Symbol('illegal');

function applyRegister(state: unknown, op: Operation): unknown {
  const known = op.outcome === 'ok' || op.outcome === 'fail';
  switch (op.f) {
    case 'read':
      return !known || state === op.output ? state : ILLEGAL;
    case 'write':
      return op.input;
    case 'cas': {
      const [from, to] = op.input as [unknown, unknown];
      if (op.outcome === 'ok') return state === from ? to : ILLEGAL;
      if (op.outcome === 'fail') return state !== from ? state : ILLEGAL;
      return state === from ? to : state;
    }
    default:
      throw new Error(`unknown register f ${op.f}`);
  }
}

function applyKv(state: string, op: Operation): unknown {
  switch (op.f) {
    case 'get':
      return op.outcome !== 'ok' || state === op.output ? state : ILLEGAL;
    case 'put':
      return op.input;
    case 'append':
      return state + (op.input as string);
    default:
      throw new Error(`unknown kv f ${op.f}`);
  }
}
