import { isIndeterminate, type Operation } from '../../history/index.js';
import { Interner, outcomeSuffix, type Model, type ModelViolation, type Problem } from './model.js';

/**
 * A string value per key:
 * - `get`: ok value is the key's string, "" when the key is absent;
 * - `put`: value is the string to store;
 * - `append`: value is a string to add at the end of the key's current value.
 * Failed operations did not happen and are left out, as is an indeterminate get. Indeterminate
 * puts and appends may take effect at any time after their invocation. Every key starts as "".
 */
const enum Kind {
  Get = 0,
  Put = 1,
  Append = 2,
}

export const kvModel: Model = {
  name: 'kv',

  validate(op: Operation): ModelViolation | undefined {
    switch (op.f) {
      case 'get':
        if (op.outcome === 'ok' && typeof op.output !== 'string') {
          return { at: 'complete', message: 'kv model: an ok "get" needs "value": the string read ("" when the key is absent)' };
        }
        return undefined;
      case 'put':
      case 'append':
        if (typeof op.input !== 'string') return { at: 'invoke', message: `kv model: "${op.f}" needs "value": a string` };
        return undefined;
      default:
        return { at: 'invoke', message: `kv model: unknown "f" ${JSON.stringify(op.f)} (expected get, put or append)` };
    }
  },

  compile(ops: readonly Operation[]): Problem {
    return new KvProblem(ops);
  },

  couldProduce(writer: Operation, observer: Operation): boolean {
    if (observer.f !== 'get' || observer.outcome !== 'ok' || writer.outcome === 'fail') return false;
    const seen = observer.output as string;
    if (writer.f === 'put') return seen.startsWith(writer.input as string);
    return writer.f === 'append' && writer.input !== '' && seen.includes(writer.input as string);
  },

  describe(op: Operation): string {
    const suffix = outcomeSuffix(op);
    if (op.f === 'get') return op.outcome === 'ok' ? `get → ${JSON.stringify(op.output)}` : `get${suffix}`;
    return `${op.f} ${JSON.stringify(op.input)}${suffix}`;
  },
};

class KvProblem implements Problem {
  readonly ops: Operation[];
  readonly initialState: number;
  readonly readOnly: Uint8Array;
  readonly deferIndeterminate = false;
  readonly resets: Uint8Array;
  private readonly strings = new Interner<string>();
  private readonly kind: Uint8Array;
  private readonly arg: Int32Array;
  /** (state * ops.length + op) -> the state after an append, computed once. */
  private readonly appended = new Map<number, number>();
  /** (state * ops.length + get) -> canReach, computed once. */
  private readonly reachable = new Map<number, boolean>();

  constructor(all: readonly Operation[]) {
    this.initialState = this.strings.id('');
    this.ops = pruneUnobservedWrites(all.filter((op) => op.outcome !== 'fail' && (op.f !== 'get' || op.outcome === 'ok')));
    const n = this.ops.length;
    this.kind = new Uint8Array(n);
    this.readOnly = new Uint8Array(n);
    this.resets = new Uint8Array(n);
    this.arg = new Int32Array(n);
    this.ops.forEach((op, i) => {
      this.kind[i] = op.f === 'get' ? Kind.Get : op.f === 'put' ? Kind.Put : Kind.Append;
      this.readOnly[i] = op.f === 'get' ? 1 : 0;
      this.resets[i] = op.f === 'put' ? 1 : 0;
      this.arg[i] = this.strings.id((op.f === 'get' ? op.output : op.input) as string);
    });
  }

  step(state: number, op: number): number {
    switch (this.kind[op] as Kind) {
      case Kind.Get:
        return state === this.arg[op] ? state : -1;
      case Kind.Put:
        return this.arg[op]!;
      case Kind.Append: {
        const memo = state * this.ops.length + op;
        let next = this.appended.get(memo);
        if (next === undefined) {
          next = this.strings.id(this.strings.values[state]! + this.strings.values[this.arg[op]!]!);
          this.appended.set(memo, next);
        }
        return next;
      }
    }
  }

  /** Appends only extend: a get of "abc" is still possible from "ab", not from "ac". */
  canReach(state: number, op: number): boolean {
    const memo = state * this.ops.length + op;
    let reachable = this.reachable.get(memo);
    if (reachable === undefined) {
      reachable = this.strings.values[this.arg[op]!]!.startsWith(this.strings.values[state]!);
      this.reachable.set(memo, reachable);
    }
    return reachable;
  }

  describeState(state: number): string {
    return JSON.stringify(this.strings.values[state]);
  }
}

/**
 * Leaves out indeterminate puts and appends whose effect no get could have seen: a put of v when
 * no get returned a string starting with v, an append of s when no get returned a string
 * containing s. The states such a write produces last until the next put, and no get reads them,
 * so a linearization that includes it stays one without it.
 */
function pruneUnobservedWrites(ops: Operation[]): Operation[] {
  const seen: string[] = [];
  for (const op of ops) if (op.f === 'get') seen.push(op.output as string);
  const unobserved = (op: Operation): boolean => {
    if (!isIndeterminate(op)) return false;
    const v = op.input as string;
    if (op.f === 'put') return !seen.some((s) => s.startsWith(v));
    return op.f === 'append' && (v === '' || !seen.some((s) => s.includes(v)));
  };
  const kept = ops.filter((op) => !unobserved(op));
  return kept.length === ops.length ? ops : kept;
}
