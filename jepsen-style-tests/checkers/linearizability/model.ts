import { isIndeterminate, type Operation } from '../../history/index.js';

/**
 * A sequential specification, as the linearizability checker uses it.
 *
 * The checker never sees values: a model compiles one key's operations into a Problem whose states
 * are small integers (interned values), so stepping, comparing and hashing a state costs a few
 * machine instructions. The contract:
 * - `step(state, i)` is deterministic, and returns -1 when operation i cannot happen in `state`
 *   (a read that would return something else, a compare that would not match, ...);
 * - two states are equal iff their numbers are equal;
 * - an indeterminate operation (info or pending) is optional: the search may leave it out, so its
 *   step need only describe what happens when it takes effect.
 */
export interface Model {
  readonly name: string;
  /** Checks one operation's f and values before anything is compiled. */
  validate(op: Operation): ModelViolation | undefined;
  /**
   * Builds the search problem for one key's (validated) operations. It may leave out operations
   * with no bearing on the verdict (a failed write, an indeterminate read), and must say so in
   * `Problem.ops`, which lists the operations kept.
   */
  compile(ops: readonly Operation[]): Problem;
  /** A short human reading of an operation: `write 3`, `read → 3`, `cas 1→2 (failed)`. */
  describe(op: Operation): string;
  /**
   * Whether `writer` could have produced what `observer` saw (a write of the value a read
   * returned, an append whose string a get contains). The diagnosis never drops such operations
   * from a window: dropping one would hide an explanation of the culprit's result.
   */
  couldProduce(writer: Operation, observer: Operation): boolean;
}

export interface ModelViolation {
  /** Which of the operation's two lines is at fault. */
  readonly at: 'invoke' | 'complete';
  readonly message: string;
}

/** One key's operations, ready for the search. Operation i of the search is `ops[i]`. */
export interface Problem {
  readonly ops: readonly Operation[];
  readonly initialState: number;
  /**
   * 1 for an operation that never changes the state wherever it can happen (a read, a failed cas):
   * the search linearizes such an operation as soon as it can, without trying it anywhere later.
   */
  readonly readOnly: Uint8Array;
  /**
   * Whether an indeterminate operation need only be tried right before an operation it enables
   * (one that could not go before it and can after). True for the register: in any linearization,
   * an indeterminate operation X followed by an operation Y that could go without it can be moved
   * after Y (Y reads, or fails a compare, the same way) or dropped (Y overwrites it, or X wrote the
   * value already there). Not for kv: an indeterminate put followed by an append matters although
   * the append could go anyway.
   */
  readonly deferIndeterminate: boolean;
  /**
   * Optional pruning. `resets` marks operations that set the state whatever it was (a put); the
   * others only move it forward (an append). `canReach(state, op)` says whether read-only
   * operation op could still happen after forward moves alone from `state` (its "abc" is
   * reachable from "ab", not from "ac"). A configuration is abandoned at once when an upcoming
   * read-only operation can be reached neither from the current state nor from the state of a
   * reset that could come before its return.
   */
  readonly resets?: Uint8Array;
  canReach?(state: number, op: number): boolean;
  step(state: number, op: number): number;
  /** The value a state stands for, for reports: `3`, `nil`, `"ab"`. */
  describeState(state: number): string;
}

/** Interns values as small non-negative integers; equal values get equal numbers. */
export class Interner<V> {
  private readonly ids = new Map<V, number>();
  readonly values: V[] = [];

  id(value: V): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(value, id);
      this.values.push(value);
    }
    return id;
  }

  has(value: V): boolean {
    return this.ids.has(value);
  }
}

/** How reports mark an operation that did not complete ok: " (failed)", " (?)", or nothing. */
export function outcomeSuffix(op: Operation): string {
  return op.outcome === 'fail' ? ' (failed)' : isIndeterminate(op) ? ' (?)' : '';
}
