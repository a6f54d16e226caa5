import { deleteRequest, keyRange, leaseIdArg, putRequest, rangeRequest, toBuffer } from './convert.js';
import { KetchClientError } from './errors.js';
import type { Bytes, DeleteOptions, GetOptions, LeaseId, PutOptions, RangeOptions, TxnResponse } from './types.js';

/**
 * Transactions: compares, and the operations of each branch, as plain values built with `Compare`
 * and `Op`, and a small fluent builder (`client.txn().when(...).andThen(...).orElse(...).commit()`).
 */

export type CompareOperator = '=' | '==' | '!=' | '>' | '<';

const RESULT = { '=': 'EQUAL', '==': 'EQUAL', '!=': 'NOT_EQUAL', '>': 'GREATER', '<': 'LESS' } as const;

/** One compare of a txn, ready for the wire. */
export interface Comparison {
  readonly wire: Record<string, unknown>;
}

function comparison(target: 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE', field: string, key: Bytes, op: CompareOperator, value: unknown, range?: RangeOptions): Comparison {
  const result = RESULT[op];
  if (result === undefined) throw new KetchClientError('INVALID_ARGUMENT', `unknown compare operator ${JSON.stringify(op)}`);
  const kr = keyRange(key, range ?? {});
  return { wire: { result, target, ...kr, [field]: value } };
}

function revisionArg(name: string, n: number): number {
  if (!Number.isSafeInteger(n)) throw new KetchClientError('INVALID_ARGUMENT', `${name} must be an integer, got ${String(n)}`);
  return n;
}

/** Compare builders, as clientv3's Compare(Version(k), "=", 3) and friends. */
export const Compare = {
  version: (key: Bytes, op: CompareOperator, version: number, range?: RangeOptions): Comparison =>
    comparison('VERSION', 'version', key, op, revisionArg('version', version), range),
  createRevision: (key: Bytes, op: CompareOperator, revision: number, range?: RangeOptions): Comparison =>
    comparison('CREATE', 'create_revision', key, op, revisionArg('createRevision', revision), range),
  modRevision: (key: Bytes, op: CompareOperator, revision: number, range?: RangeOptions): Comparison =>
    comparison('MOD', 'mod_revision', key, op, revisionArg('modRevision', revision), range),
  value: (key: Bytes, op: CompareOperator, value: Bytes, range?: RangeOptions): Comparison => comparison('VALUE', 'value', key, op, toBuffer(value), range),
  lease: (key: Bytes, op: CompareOperator, lease: LeaseId, range?: RangeOptions): Comparison => comparison('LEASE', 'lease', key, op, leaseIdArg(lease), range),
} as const;

/** One operation of a txn branch, ready for the wire; `readOnly` for gets (and txns of gets). */
export interface Operation {
  readonly wire: Record<string, unknown>;
  readonly readOnly: boolean;
}

export const Op = {
  get: (key: Bytes, opts?: GetOptions): Operation => ({ wire: { request_range: rangeRequest(key, opts) }, readOnly: true }),
  put: (key: Bytes, value: Bytes, opts?: PutOptions): Operation => ({ wire: { request_put: putRequest(key, value, opts) }, readOnly: false }),
  delete: (key: Bytes, opts?: DeleteOptions): Operation => ({ wire: { request_delete_range: deleteRequest(key, opts) }, readOnly: false }),
  txn: (t: TxnSpec): Operation => ({ wire: { request_txn: txnRequest(t) }, readOnly: isReadOnly(t) }),
} as const;

export interface TxnSpec {
  readonly compare?: readonly Comparison[];
  readonly success?: readonly Operation[];
  readonly failure?: readonly Operation[];
}

export function txnRequest(t: TxnSpec): Record<string, unknown> {
  return {
    compare: (t.compare ?? []).map((c) => c.wire),
    success: (t.success ?? []).map((o) => o.wire),
    failure: (t.failure ?? []).map((o) => o.wire),
  };
}

/** A txn that only reads can be retried on another member like a get. */
export function isReadOnly(t: TxnSpec): boolean {
  return (t.success ?? []).every((o) => o.readOnly) && (t.failure ?? []).every((o) => o.readOnly);
}

/**
 * client.txn().when(...).andThen(...).orElse(...).commit(). (Not if/then/else: an object with a
 * `then` method is a thenable, and `await` or an async return would call it.)
 */
export class TxnBuilder {
  private readonly compares: Comparison[] = [];
  private readonly success: Operation[] = [];
  private readonly failure: Operation[] = [];

  constructor(private readonly run: (t: TxnSpec) => Promise<TxnResponse>) {}

  when(...compares: Comparison[]): this {
    this.compares.push(...compares);
    return this;
  }

  andThen(...ops: Operation[]): this {
    this.success.push(...ops);
    return this;
  }

  orElse(...ops: Operation[]): this {
    this.failure.push(...ops);
    return this;
  }

  spec(): TxnSpec {
    return { compare: this.compares, success: this.success, failure: this.failure };
  }

  commit(): Promise<TxnResponse> {
    return this.run(this.spec());
  }
}
