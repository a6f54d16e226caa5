import { isIndeterminate, type Operation } from '../../history/index.js';
import { Interner, outcomeSuffix, type Model, type ModelViolation, type Problem } from './model.js';

/**
 * A compare-and-set register, one per key (Knossos' cas-register; the etcd Jepsen test's model):
 * - `read`: ok value is the register's value, a number (or string), or null when the key is missing;
 * - `write`: value is the number to write;
 * - `cas`: value is [from, to]; ok means the register held `from` and now holds `to`; fail means
 *   the store answered that the compare did not match: an observation that the value was not
 *   `from` at that moment, with no effect.
 * A failed read or write did not happen and is left out, as is an indeterminate read (it changes
 * nothing). Indeterminate writes and cas may take effect at any time after their invocation.
 * The register starts missing (null).
 */
type RegisterValue = number | string | null;

const enum Kind {
  Read = 0,
  Write = 1,
  /** cas ok, or indeterminate: takes effect only if the value is `from`. */
  Cas = 2,
  /** cas failed: observes that the value is not `from`; changes nothing. */
  CasFailed = 3,
}

function isScalar(v: unknown): v is number | string {
  return (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
}

function casArgs(input: unknown): [RegisterValue, number | string] | undefined {
  if (!Array.isArray(input) || input.length !== 2) return undefined;
  const [from, to] = input as unknown[];
  if (!(from === null || isScalar(from)) || !isScalar(to)) return undefined;
  return [from, to];
}

export function formatRegisterValue(v: unknown): string {
  return v === null || v === undefined ? 'nil' : typeof v === 'string' ? JSON.stringify(v) : String(v);
}

export const registerModel: Model = {
  name: 'register',

  validate(op: Operation): ModelViolation | undefined {
    switch (op.f) {
      case 'read':
        if (op.outcome === 'ok' && !(op.output === null || isScalar(op.output))) {
          return { at: 'complete', message: 'register model: an ok "read" needs "value": a number, or null for a missing key' };
        }
        return undefined;
      case 'write':
        if (!isScalar(op.input)) return { at: 'invoke', message: 'register model: "write" needs "value": the number to write' };
        return undefined;
      case 'cas':
        if (casArgs(op.input) === undefined) return { at: 'invoke', message: 'register model: "cas" needs "value": [from, to], two numbers' };
        return undefined;
      default:
        return { at: 'invoke', message: `register model: unknown "f" ${JSON.stringify(op.f)} (expected read, write or cas)` };
    }
  },

  compile(ops: readonly Operation[]): Problem {
    return new RegisterProblem(ops);
  },

  couldProduce(writer: Operation, observer: Operation): boolean {
    if (observer.f !== 'read' || observer.outcome !== 'ok' || writer.outcome === 'fail') return false;
    if (writer.f === 'write') return writer.input === observer.output;
    return writer.f === 'cas' && casArgs(writer.input)?.[1] === observer.output;
  },

  describe(op: Operation): string {
    const suffix = outcomeSuffix(op);
    switch (op.f) {
      case 'read':
        return op.outcome === 'ok' ? `read → ${formatRegisterValue(op.output)}` : `read${suffix}`;
      case 'write':
        return `write ${formatRegisterValue(op.input)}${suffix}`;
      case 'cas': {
        const args = casArgs(op.input);
        const text = args === undefined ? 'cas ?' : `cas ${formatRegisterValue(args[0])}→${formatRegisterValue(args[1])}`;
        return op.outcome === 'fail' && args !== undefined ? `${text} (failed: value ≠ ${formatRegisterValue(args[0])})` : `${text}${suffix}`;
      }
      default:
        return op.f;
    }
  },
};

class RegisterProblem implements Problem {
  readonly ops: Operation[] = [];
  readonly initialState: number;
  readonly readOnly: Uint8Array;
  readonly deferIndeterminate = true;
  private readonly values = new Interner<RegisterValue>();
  /** The state standing for every value that no read and no compare observes, when in use. */
  private readonly unread: number;
  private readonly kind: Uint8Array;
  private readonly a: Int32Array;
  private readonly b: Int32Array;

  constructor(all: readonly Operation[]) {
    const kept = pruneUnobservedWrites(all.filter(keepRegisterOp));
    // Values nothing observes all behave alike (every compare fails against them, no read returns
    // them), so with indeterminate writes about they share one state: the search then need not
    // tell apart which of those writes took effect.
    const observed = kept.some(isIndeterminate) ? observedValues(kept) : undefined;
    this.unread = observed === undefined ? -1 : this.values.id(UNREAD);
    const state = (v: RegisterValue): number => (observed === undefined || observed.has(v) ? this.values.id(v) : this.unread);
    this.initialState = state(null);
    const n = kept.length;
    this.kind = new Uint8Array(n);
    this.readOnly = new Uint8Array(n);
    this.a = new Int32Array(n);
    this.b = new Int32Array(n);
    for (const op of kept) {
      const i = this.ops.length;
      this.ops.push(op);
      switch (op.f) {
        case 'read':
          this.kind[i] = Kind.Read;
          this.readOnly[i] = 1;
          this.a[i] = state(op.output as RegisterValue);
          break;
        case 'write':
          this.kind[i] = Kind.Write;
          this.a[i] = state(op.input as number | string);
          break;
        default: {
          const [from, to] = casArgs(op.input)!;
          this.kind[i] = op.outcome === 'fail' ? Kind.CasFailed : Kind.Cas;
          this.readOnly[i] = op.outcome === 'fail' ? 1 : 0;
          this.a[i] = state(from);
          this.b[i] = state(to);
        }
      }
    }
  }

  step(state: number, op: number): number {
    switch (this.kind[op] as Kind) {
      case Kind.Read:
        return state === this.a[op] ? state : -1;
      case Kind.Write:
        return this.a[op]!;
      case Kind.Cas:
        return state === this.a[op] ? this.b[op]! : -1;
      case Kind.CasFailed:
        return state !== this.a[op] ? state : -1;
    }
  }

  describeState(state: number): string {
    return state === this.unread ? '(a value no one reads)' : formatRegisterValue(this.values.values[state]);
  }
}

/** Stands for the unread values in the interner; never a value of a history (those are JSON). */
const UNREAD = Symbol('unread') as unknown as RegisterValue;

/** The values some operation can observe: what ok reads returned, and every cas' `from`. */
function observedValues(ops: readonly Operation[]): Set<RegisterValue> {
  const observed = new Set<RegisterValue>();
  for (const op of ops) {
    if (op.f === 'read') observed.add(op.output as RegisterValue);
    else if (op.f === 'cas') observed.add(casArgs(op.input)![0]);
  }
  return observed;
}

/** Failed reads and writes never happened; an indeterminate read changes nothing. */
function keepRegisterOp(op: Operation): boolean {
  if (op.f === 'read') return op.outcome === 'ok';
  if (op.outcome === 'fail') return op.f === 'cas';
  return true;
}

/**
 * Leaves out indeterminate writes (and cas) whose value nothing observes. Sound when no cas failed:
 * in any linearization that includes such a write, the states it produces last until the next
 * write and are seen by no read and no compare (all of those observe other values), so the same
 * order without it is a linearization too. A failed cas observes "anything but `from`", which an
 * unread write could provide, so with one present nothing is left out. Leaving out a cas can leave
 * its `from` unobserved, hence the loop.
 */
function pruneUnobservedWrites(ops: Operation[]): Operation[] {
  if (ops.some((op) => op.f === 'cas' && op.outcome === 'fail')) return ops;
  const observers = new Map<RegisterValue, number>();
  const observe = (v: RegisterValue, delta: number): void => {
    observers.set(v, (observers.get(v) ?? 0) + delta);
  };
  for (const op of ops) {
    if (op.f === 'read') observe(op.output as RegisterValue, 1);
    else if (op.f === 'cas') observe(casArgs(op.input)![0], 1);
  }
  const dropped = new Set<Operation>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const op of ops) {
      if (!isIndeterminate(op) || dropped.has(op)) continue;
      const args = op.f === 'cas' ? casArgs(op.input)! : undefined;
      const written = args === undefined ? (op.input as RegisterValue) : args[1];
      if ((observers.get(written) ?? 0) > 0) continue;
      dropped.add(op);
      if (args !== undefined) observe(args[0], -1);
      changed = true;
    }
  }
  return dropped.size === 0 ? ops : ops.filter((op) => !dropped.has(op));
}
