import type { KeyValue, LeaseHooks, MvccStore } from '../mvcc/index.js';
import type { KeyDeleter } from './lessor.js';

/**
 * The lessor's way into the MVCC store, wired by the apply loop (as etcd injects its RangeDeleter,
 * so that lease does not depend on a store and the store not on lease).
 */

/**
 * A KeyDeleter for Lessor.revoke: deletes the keys in one write transaction — one revision, one
 * delete event per key — detaching each through `leases`.
 */
export function storeKeyDeleter(store: MvccStore, leases: LeaseHooks): KeyDeleter {
  return (keys) => {
    const w = store.write();
    try {
      for (const key of keys) {
        for (const kv of w.deleteRange(key, undefined).prevKvs) {
          if (kv.lease !== 0) leases.detach(kv.lease, kv.key);
        }
      }
    } finally {
      w.end();
    }
  };
}

const ALL_KEYS = new Uint8Array([0]);

/** The store's live keys that carry a lease, for Lessor.restore. */
export function leasedKeys(store: MvccStore): KeyValue[] {
  return store.range(ALL_KEYS, { rangeEnd: ALL_KEYS }).kvs.filter((kv) => kv.lease !== 0);
}
