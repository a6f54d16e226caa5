import type { KeyValue } from '../mvcc/index.js';
import type { WatchEvent, WatchResponse } from './types.js';

/**
 * Protobuf encoded sizes of etcd's watch messages (proto3: zero values are not encoded), for the
 * fragmenting decision. Every field number involved is below 16, so every tag is one byte.
 *
 *   WatchResponse { header 1, watch_id 2, created 3, canceled 4, compact_revision 5,
 *                   cancel_reason 6, fragment 7, events 11 (repeated) }
 *   ResponseHeader { cluster_id 1, member_id 2, revision 3, raft_term 4 }
 *   Event { type 1, kv 2, prev_kv 3 }
 *   KeyValue { key 1, create_revision 2, mod_revision 3, version 4, value 5, lease 6 }
 */

/** Bytes of a varint; a negative int64 takes ten. */
export function varintBytes(n: number): number {
  if (n < 0) return 10;
  let bytes = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    bytes++;
  }
  return bytes;
}

const intField = (n: number): number => (n === 0 ? 0 : 1 + varintBytes(n));
const boolField = (b: boolean): number => (b ? 2 : 0);
const bytesField = (len: number): number => (len === 0 ? 0 : 1 + varintBytes(len) + len);
const messageField = (len: number): number => 1 + varintBytes(len) + len;

/**
 * The server fills cluster_id, member_id and raft_term, which this layer does not know: count them
 * at their largest (ten-byte varints), so that a fragment is never larger than estimated.
 */
const HEADER_UNKNOWN_FIELDS_BYTES = 3 * (1 + 10);

export function keyValueBytes(kv: KeyValue): number {
  return (
    bytesField(kv.key.length) +
    intField(kv.createRevision) +
    intField(kv.modRevision) +
    intField(kv.version) +
    bytesField(kv.value.length) +
    intField(kv.lease)
  );
}

/** Bytes an event adds to a WatchResponse (its field tag and length included). */
export function eventFieldBytes(ev: WatchEvent): number {
  const body =
    (ev.type === 'DELETE' ? 2 : 0) + messageField(keyValueBytes(ev.kv)) + (ev.prevKv === undefined ? 0 : messageField(keyValueBytes(ev.prevKv)));
  return messageField(body);
}

/** Bytes of a WatchResponse without its events. */
export function responseShellBytes(resp: WatchResponse): number {
  return (
    messageField(HEADER_UNKNOWN_FIELDS_BYTES + intField(resp.header.revision)) +
    intField(resp.watchId) +
    boolField(resp.created) +
    boolField(resp.canceled) +
    intField(resp.compactRevision) +
    bytesField(Buffer.byteLength(resp.cancelReason, 'utf8')) +
    boolField(resp.fragment)
  );
}

export function watchResponseBytes(resp: WatchResponse): number {
  let bytes = responseShellBytes(resp);
  for (const ev of resp.events) bytes += eventFieldBytes(ev);
  return bytes;
}
