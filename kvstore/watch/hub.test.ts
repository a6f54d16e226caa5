import { describe, expect, it, vi } from 'vitest';
import { applyPut, applyTxn, MvccStore, NO_LEASES, type CommitObserver, type RequestOp } from '../mvcc/index.js';
import { WatchErrorCode } from './errors.js';
import { WatchHub } from './hub.js';
import { bytes, RecordingSink, setup, text, waitFor } from './testing.js';
import { INVALID_WATCH_ID } from './types.js';

const ALL = new Uint8Array([0]);

const putOp = (k: string, v: string): RequestOp => ({ type: 'put', request: { key: bytes(k), value: bytes(v) } });

describe('WatchHub live events', () => {
  it('sends created, then a response per revision touching the key, headed by that revision', async () => {
    const { sink, put, watch } = setup();
    const r0 = put('foo', 'v0');
    const id = watch('foo');
    expect(id).toBe(0);
    const r1 = put('foo', 'v1');
    await waitFor(() => sink.events(id).length === 1, 'one event');
    const r2 = put('bar', 'x');
    const r3 = put('foo', 'v2');
    expect([r0, r1, r2, r3]).toEqual([2, 3, 4, 5]); // a new store is at revision 1
    await waitFor(() => sink.events(id).length === 2, 'two events');
    const [created, first, second] = sink.of(id);
    expect(created).toMatchObject({ created: true, canceled: false, header: { revision: r0 }, events: [] });
    expect(first).toMatchObject({ created: false, header: { revision: r1 } });
    expect(second).toMatchObject({ header: { revision: r3 } });
    expect(sink.events(id)).toEqual([`${r1}:PUT:foo=v1`, `${r3}:PUT:foo=v2`]);
    expect(first!.events[0]!.kv).toMatchObject({ createRevision: r0, modRevision: r1, version: 2 });
  });

  it('merges revisions queued together into one response per watcher, in order, headed by the last, never past a cancel', async () => {
    const { sink, put, watch, stream } = setup();
    const a = watch('m');
    const b = watch('m', { prevKv: true });
    await waitFor(() => sink.of(a).length === 1 && sink.of(b).length === 1, 'created');
    // Applied together (as a batch of raft entries is): queued before the stream flushes.
    const revs = [put('m', '1'), put('other', 'x'), put('m', '2'), put('m', '3')];
    await waitFor(() => sink.events(a).length === 3 && sink.events(b).length === 3, 'events');
    for (const id of [a, b]) {
      const [, merged, ...rest] = sink.of(id);
      expect(rest).toEqual([]);
      expect(merged).toMatchObject({ header: { revision: revs[3] } });
      expect(sink.events(id)).toEqual([`${revs[0]}:PUT:m=1`, `${revs[2]}:PUT:m=2`, `${revs[3]}:PUT:m=3`]);
    }
    expect(sink.of(b)[1]!.events.map((e) => (e.prevKv === undefined ? null : text(e.prevKv.value)))).toEqual([null, '1', '2']);
    // A cancel queued between revisions: what was queued before it comes first, nothing after it.
    put('m', '4');
    expect(stream.cancel(a)).toBe(true);
    put('m', '5');
    await waitFor(() => sink.events(b).length === 5, 'later events');
    expect(sink.of(a).at(-1)).toMatchObject({ canceled: true });
    expect(sink.events(a).some((e) => e.endsWith('m=5'))).toBe(false);
    expect(sink.events(a).filter((e) => e.endsWith('m=4')).length).toBeLessThanOrEqual(1);
  });

  it('reports deletes with the key and the deleting revision', async () => {
    const { sink, put, del, watch } = setup();
    put('k', 'v');
    const id = watch('k');
    const deletedAt = del('k');
    expect(deletedAt).toBe(3);
    await waitFor(() => sink.events(id).length === 1, 'delete event');
    const ev = sink.of(id)[1]!.events[0]!;
    expect(ev.type).toBe('DELETE');
    expect(ev.kv).toMatchObject({ modRevision: deletedAt, createRevision: 0, version: 0 });
    expect(text(ev.kv.key)).toBe('k');
  });

  it('watches [key, rangeEnd), prefixes, every key from a key, and every key', async () => {
    const { sink, put, stream } = setup();
    const range = stream.create({ key: bytes('b'), rangeEnd: bytes('d') });
    const prefix = stream.create({ key: bytes('a/'), rangeEnd: bytes('a0') });
    const fromKey = stream.create({ key: bytes('c'), rangeEnd: ALL });
    const every = stream.create({ key: new Uint8Array(0), rangeEnd: ALL });
    for (const k of ['a', 'a/', 'a/x', 'a0', 'b', 'c1', 'd', 'zz']) put(k, '1');
    await waitFor(() => sink.events(every).length === 8, 'all events');
    const keys = (id: number) => sink.events(id).map((e) => e.split(':')[2]!.split('=')[0]);
    expect(keys(range)).toEqual(['b', 'c1']);
    expect(keys(prefix)).toEqual(['a/', 'a/x']);
    expect(keys(fromKey)).toEqual(['c1', 'd', 'zz']);
    expect(keys(every)).toEqual(['a', 'a/', 'a/x', 'a0', 'b', 'c1', 'd', 'zz']);
  });

  it('applies NOPUT and NODELETE filters, and sends nothing for a revision filtered away', async () => {
    const { sink, put, del, watch } = setup();
    const noPut = watch('k', { filters: ['NOPUT'] });
    const noDelete = watch('k', { filters: ['NODELETE'] });
    put('k', '1'); // rev 2
    del('k'); // rev 3
    put('k', '2'); // rev 4
    const marker = watch('end');
    put('end', 'x');
    await waitFor(() => sink.events(marker).length === 1, 'marker event');
    expect(sink.events(noPut)).toEqual(['3:DELETE:k']);
    expect(sink.events(noDelete)).toEqual(['2:PUT:k=1', '4:PUT:k=2']);
    // created + one response: the two filtered revisions produced no empty responses.
    expect(sink.of(noPut)).toHaveLength(2);
  });

  it('adds prev_kv to updates and deletes, not to creations', async () => {
    const { sink, put, del, watch } = setup();
    const id = watch('k', { prevKv: true });
    const plain = watch('k');
    put('k', 'v1');
    const v2At = put('k', 'v2');
    del('k');
    put('k', 'v3');
    await waitFor(() => sink.events(id).length === 4 && sink.events(plain).length === 4, 'events');
    const prevs = sink.of(id).flatMap((r) => r.events.map((e) => (e.prevKv === undefined ? null : text(e.prevKv.value))));
    expect(prevs).toEqual([null, 'v1', 'v2', null]);
    const deleted = sink.of(id).flatMap((r) => r.events)[2]!;
    expect(v2At).toBe(3);
    expect(deleted.prevKv).toMatchObject({ modRevision: v2At, version: 2 });
    expect(sink.of(plain).flatMap((r) => r.events).every((e) => e.prevKv === undefined)).toBe(true);
  });

  it('delivers all events of one revision in one response (a txn over three keys)', async () => {
    const { sink, store, watch } = setup({ maxPendingEvents: 2 });
    const id = watch('t/', { rangeEnd: bytes('t0') });
    applyTxn(store, { compare: [], success: [putOp('t/1', 'a'), putOp('t/2', 'b'), putOp('t/3', 'c')], failure: [] }, NO_LEASES);
    const txnRev = store.currentRevision;
    expect(txnRev).toBe(2);
    await waitFor(() => sink.events(id).length === 3, 'txn events');
    const responses = sink.of(id).filter((r) => r.events.length > 0);
    expect(responses).toHaveLength(1);
    expect(responses[0]!.events.map((e) => e.kv.modRevision)).toEqual([txnRev, txnRev, txnRev]);
    expect(responses[0]!.header.revision).toBe(txnRev);
  });

  it('skips revisions before a future start revision', async () => {
    const { sink, put, watch } = setup();
    put('k', '0'); // rev 2
    const id = watch('k', { startRevision: 5 });
    put('k', '1'); // rev 3
    put('k', '2'); // rev 4
    put('k', '3'); // rev 5
    await waitFor(() => sink.events(id).length === 1, 'event at the start revision');
    expect(sink.events(id)).toEqual(['5:PUT:k=3']);
  });
});

describe('WatchStream watches and ids', () => {
  it('assigns ids from 0 per stream, honours client ids, and refuses a duplicate', async () => {
    const { hub, sink, stream, watch } = setup();
    expect(watch('a')).toBe(0);
    expect(watch('b', { watchId: 1 })).toBe(1);
    expect(watch('c')).toBe(2); // 1 is taken, so auto ids skip it
    expect(watch('d', { watchId: 1 })).toBe(INVALID_WATCH_ID);
    const other = new RecordingSink();
    expect(hub.openStream(other).create({ key: bytes('a') })).toBe(0);
    await waitFor(() => sink.responses.length === 4, 'four responses');
    expect(sink.responses.map((r) => [r.watchId, r.created, r.canceled])).toEqual([
      [0, true, false],
      [1, true, false],
      [2, true, false],
      [-1, true, true],
    ]);
    expect(sink.responses[3]!.cancelCode).toBe(WatchErrorCode.DUPLICATE_ID);
    expect(sink.responses[3]!.cancelReason).toBe('mvcc: duplicate watch ID provided on the WatchStream');
    expect(stream.watchCount).toBe(3);
  });

  it('serves many watches on one stream, each exactly its own events', async () => {
    const { hub, sink, store, put, del, watch } = setup({ maxPendingEvents: 16 });
    const keyOf = (i: number) => `k${String(i % 20).padStart(2, '0')}`;
    const log: Array<{ rev: number; key: string }> = [];
    for (let i = 1; i <= 50; i++) log.push({ rev: put(keyOf(i), `${i}`), key: keyOf(i) });
    const specs = Array.from({ length: 40 }, (_, n) => ({
      lo: keyOf(n),
      hi: n % 3 === 0 ? undefined : `k${String((n % 20) + (n % 5) + 1).padStart(2, '0')}`,
      start: n % 4 === 0 ? 1 + (n % 30) : 0,
    }));
    const ids = specs.map((sp) => watch(sp.lo, { ...(sp.hi === undefined ? {} : { rangeEnd: bytes(sp.hi) }), ...(sp.start === 0 ? {} : { startRevision: sp.start }) }));
    const createdAt = store.currentRevision;
    expect(createdAt).toBe(51);
    for (let i = 51; i <= 150; i++) {
      const key = keyOf(i * 7);
      const rev = i % 9 === 0 && log.some((e) => e.key === key) ? del(key) : put(key, `${i}`);
      log.push({ rev, key });
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const wanted = (n: number): number[] => {
      const sp = specs[n]!;
      const from = sp.start === 0 ? createdAt + 1 : sp.start;
      const inRange = (k: string) => (sp.hi === undefined ? k === sp.lo : sp.lo <= k && k < sp.hi);
      return [...new Set(log.filter((e) => e.rev >= from && inRange(e.key)).map((e) => e.rev))];
    };
    const got = (n: number): number[] => sink.of(ids[n]!).flatMap((r) => r.events.map((e) => e.kv.modRevision));
    await waitFor(() => specs.every((_, n) => got(n).length >= wanted(n).length), 'every watch to get its events');
    for (let n = 0; n < specs.length; n++) expect(got(n)).toEqual(wanted(n));
    expect(hub.stats()).toMatchObject({ watchers: 40, slowWatchers: 0 });
  });

  it('refuses an empty range and a negative start revision with a created+canceled response', async () => {
    const { sink, stream } = setup();
    expect(stream.create({ key: bytes('b'), rangeEnd: bytes('a') })).toBe(INVALID_WATCH_ID);
    expect(stream.create({ key: bytes('b'), rangeEnd: bytes('b') })).toBe(INVALID_WATCH_ID);
    expect(stream.create({ key: bytes('b'), startRevision: -1 })).toBe(INVALID_WATCH_ID);
    await waitFor(() => sink.responses.length === 3, 'three responses');
    expect(sink.responses.map((r) => [r.watchId, r.created, r.canceled, r.cancelCode])).toEqual([
      [-1, true, true, WatchErrorCode.EMPTY_RANGE],
      [-1, true, true, WatchErrorCode.EMPTY_RANGE],
      [-1, true, true, WatchErrorCode.COMPACTED],
    ]);
    expect(stream.watchCount).toBe(0);
  });

  it('cancels a watch: a canceled response, then nothing more for it', async () => {
    const { hub, sink, stream, put, watch } = setup();
    const id = watch('k');
    const other = watch('k');
    const canceledAt = put('k', '1');
    expect(stream.cancel(id)).toBe(true);
    expect(stream.cancel(id)).toBe(false);
    expect(stream.cancel(42)).toBe(false);
    put('k', '2');
    await waitFor(() => sink.events(other).length === 2, 'events on the other watch');
    const last = sink.of(id).at(-1)!;
    expect(canceledAt).toBe(2);
    expect(last).toMatchObject({ canceled: true, created: false, compactRevision: 0, header: { revision: canceledAt } });
    expect(sink.events(id)).toEqual([]); // its queued event was dropped with the cancel
    expect(sink.responses.filter((r) => r.canceled)).toHaveLength(1);
    expect(hub.stats().watchers).toBe(1);
  });

  it('handles WatchRequest unions like the calls they name', async () => {
    const { sink, stream, put } = setup();
    stream.handle({ type: 'create', request: { key: bytes('k'), watchId: 5 } });
    put('k', '1');
    await waitFor(() => sink.events(5).length === 1, 'event');
    stream.handle({ type: 'progress' });
    await waitFor(() => sink.progress().length === 1, 'progress');
    stream.handle({ type: 'cancel', request: { watchId: 5 } });
    await waitFor(() => sink.of(5).some((r) => r.canceled), 'cancel');
    expect(stream.watchCount).toBe(0);
  });

  it('closing a stream removes its watches from the hub', async () => {
    const { hub, stream, put, watch } = setup();
    watch('a');
    watch('b', { startRevision: 1 });
    put('a', '1');
    expect(hub.stats()).toMatchObject({ streams: 1, watchers: 2 });
    stream.close();
    expect(hub.stats()).toMatchObject({ streams: 0, watchers: 0, slowWatchers: 0, pendingEvents: 0 });
    expect(stream.create({ key: bytes('c') })).toBe(INVALID_WATCH_ID);
    put('a', '2');
  });

  it('closes the stream and reports the error when the sink throws', async () => {
    const { hub, put } = setup();
    const errors: unknown[] = [];
    const stream = hub.openStream({
      send: () => {
        throw new Error('transport gone');
      },
      onError: (err) => errors.push(err),
    });
    stream.create({ key: bytes('k') });
    put('k', '1');
    await waitFor(() => errors.length === 1, 'sink error');
    expect(stream.watchCount).toBe(0);
    expect(hub.stats().streams).toBe(1); // the setup stream
  });

  it('rejects invalid options by code', () => {
    expect(() => new WatchHub(new MvccStore(), { maxPendingEvents: 0 })).toThrowError(expect.objectContaining({ code: WatchErrorCode.INVALID_OPTION }));
    expect(() => new WatchHub(new MvccStore(), { progressNotifyIntervalMs: 1.5 })).toThrowError(expect.objectContaining({ code: WatchErrorCode.INVALID_OPTION }));
  });
});

describe('WatchHub.close', () => {
  it('closes every stream and unsubscribes from the store, once', async () => {
    const store = new MvccStore();
    const subscribe = store.onCommit.bind(store);
    const observers = new Set<CommitObserver>();
    vi.spyOn(store, 'onCommit').mockImplementation((observer) => {
      observers.add(observer);
      const off = subscribe(observer);
      return () => {
        observers.delete(observer);
        off();
      };
    });
    const hub = new WatchHub(store);
    expect(observers.size).toBe(1);
    const sink = new RecordingSink();
    const stream = hub.openStream(sink);
    const id = stream.create({ key: bytes('k') });
    await waitFor(() => sink.responses.length === 1, 'created response');

    hub.close();
    expect(observers.size).toBe(0);
    expect(hub.stats()).toMatchObject({ streams: 0, watchers: 0 });
    hub.close();
    expect(store.onCommit).toHaveBeenCalledTimes(1);

    applyPut(store, { key: bytes('k'), value: bytes('v') }, NO_LEASES);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.of(id)).toHaveLength(1); // only the created response
    expect(hub.openStream(new RecordingSink()).create({ key: bytes('k') })).toBe(INVALID_WATCH_ID);
  });
});
