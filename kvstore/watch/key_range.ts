import { keyString } from '../mvcc/index.js';
import { WatchError, WatchErrorCode } from './errors.js';

/**
 * The keys a watch covers, as latin1 strings (one char per byte, so string order is byte order):
 * one key, or [lo, hi) where hi undefined means "every key >= lo".
 */
export type KeyRange =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'range'; readonly lo: string; readonly hi: string | undefined };

/**
 * etcd's normalisation (v3rpc recvLoop, then mvcc watchStream.Watch): an empty key is "\0"; an
 * empty range_end watches the key alone; range_end "\0" watches every key >= key; any other
 * range_end must be after key, or the watch fails with EMPTY_RANGE.
 */
export function keyRangeOf(key: Uint8Array, rangeEnd: Uint8Array | undefined): KeyRange {
  const lo = key.length === 0 ? '\0' : keyString(key);
  if (rangeEnd === undefined || rangeEnd.length === 0) return { kind: 'key', key: lo };
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { kind: 'range', lo, hi: undefined };
  const hi = keyString(rangeEnd);
  if (lo >= hi) throw new WatchError(WatchErrorCode.EMPTY_RANGE);
  return { kind: 'range', lo, hi };
}

export function rangeContains(range: KeyRange, key: string): boolean {
  if (range.kind === 'key') return range.key === key;
  return range.lo <= key && (range.hi === undefined || key < range.hi);
}
