import type { Operation } from './types.js';

/** One key's operations (P-compositionality: a history is linearizable iff each key's is). */
export interface Partition {
  /** undefined for the operations that carry no key. */
  readonly key: string | undefined;
  readonly operations: readonly Operation[];
}

/** Splits operations by key, keeping their order; partitions come sorted by key, the keyless first. */
export function partitionByKey(ops: readonly Operation[]): Partition[] {
  const byKey = new Map<string | undefined, Operation[]>();
  for (const op of ops) {
    let list = byKey.get(op.key);
    if (list === undefined) {
      list = [];
      byKey.set(op.key, list);
    }
    list.push(op);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : a < b ? -1 : 1))
    .map(([key, operations]) => ({ key, operations }));
}
