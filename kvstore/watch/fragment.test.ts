import { describe, expect, it } from 'vitest';
import { applyTxn, NO_LEASES, type RequestOp } from '../mvcc/index.js';
import { fragments } from './response.js';
import { watchResponseBytes } from './size.js';
import { bytes, setup, waitFor } from './testing.js';
import type { WatchEvent, WatchResponse } from './types.js';

const putOp = (k: string, v: string): RequestOp => ({ type: 'put', request: { key: bytes(k), value: bytes(v) } });
const kv = (key: string, value: string, rev: number) => ({ key: bytes(key), value: bytes(value), createRevision: rev, modRevision: rev, version: 1, lease: 0 });
const response = (events: WatchEvent[], fields: Partial<WatchResponse> = {}): WatchResponse => ({
  header: { revision: 1 },
  watchId: 0,
  created: false,
  canceled: false,
  compactRevision: 0,
  cancelReason: '',
  fragment: false,
  events,
  ...fields,
});

describe('protobuf size estimate', () => {
  it('counts a response as etcd encodes it, with the server-filled header fields at their largest', () => {
    // header 37 (33 for cluster/member/term at ten bytes each, 2 for the revision, 2 framing) + event 16.
    expect(watchResponseBytes(response([{ type: 'PUT', kv: kv('a', 'b', 1) }]))).toBe(53);
    // A larger one; the figure was checked against a protobufjs encoding of etcd's messages.
    const big = response(
      [
        { type: 'DELETE', kv: { key: bytes('k'.repeat(300)), value: new Uint8Array(0), createRevision: 0, modRevision: 9, version: 0, lease: 0 } },
        {
          type: 'PUT',
          kv: { key: bytes('x'), value: bytes('v'.repeat(20_000)), createRevision: 5, modRevision: 200, version: 3, lease: 7 },
          prevKv: { key: bytes('x'), value: bytes('w'), createRevision: 5, modRevision: 100, version: 2, lease: 7 },
        },
      ],
      { header: { revision: 123_456 }, watchId: -1, created: true, canceled: true, compactRevision: 77, cancelReason: 'mvcc: h\u00e9llo', fragment: true },
    );
    expect(watchResponseBytes(big)).toBe(20_425);
  });
});

describe('fragments', () => {
  const events = Array.from({ length: 10 }, (_, i) => ({ type: 'PUT' as const, kv: kv(`key${i}`, 'x'.repeat(60), 3) }));

  it('keeps a response under the limit, or with a single event, whole', () => {
    expect(fragments(response(events), 100_000)).toHaveLength(1);
    const one = response([{ type: 'PUT', kv: kv('k', 'x'.repeat(5000), 1) }]);
    expect(fragments(one, 100)).toEqual([one]);
  });

  it('splits as etcd: fragment=true on all but the last, each under the limit unless it holds one event', () => {
    const whole = response(events, { header: { revision: 9 }, watchId: 4 });
    const parts = fragments(whole, 300);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.map((p) => p.fragment)).toEqual([...parts.slice(1).map(() => true), false]);
    expect(parts.flatMap((p) => p.events)).toEqual(events);
    for (const p of parts) {
      expect(p).toMatchObject({ header: { revision: 9 }, watchId: 4 });
      expect(p.events.length === 1 || watchResponseBytes(p) < 300).toBe(true);
    }
  });
});

describe('fragmenting watch responses', () => {
  it('fragments a large revision for a fragment watch, sends it whole to others, and keeps fragments together', async () => {
    const { sink, stream, store, watch } = setup({ maxResponseBytes: 400 });
    const fragmented = watch('f/', { rangeEnd: bytes('f0'), fragment: true });
    const whole = watch('f/', { rangeEnd: bytes('f0') });
    await waitFor(() => sink.responses.length === 2, 'created responses');
    sink.accepting = false; // the transport is full from the first fragment on
    applyTxn(store, { compare: [], success: Array.from({ length: 10 }, (_, i) => putOp(`f/${i}`, 'y'.repeat(60))), failure: [] }, NO_LEASES);
    const txnRev = store.currentRevision;
    expect(txnRev).toBe(2);
    await waitFor(() => sink.of(fragmented).some((r) => r.events.length > 0 && !r.fragment), 'last fragment');
    const parts = sink.of(fragmented).filter((r) => r.events.length > 0);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((p) => p.fragment)).toEqual([...parts.slice(1).map(() => true), false]);
    expect(parts.flatMap((p) => p.events.map((e) => e.kv.modRevision))).toEqual(Array(10).fill(txnRev));
    expect(sink.responses.slice(2)).toEqual(parts); // contiguous, and nothing after them while full
    sink.accepting = true;
    stream.resume();
    await waitFor(() => sink.events(whole).length === 10, 'the unfragmented response');
    const [one, ...rest] = sink.of(whole).filter((r) => r.events.length > 0);
    expect(rest).toEqual([]);
    expect(one).toMatchObject({ fragment: false });
  });
});
