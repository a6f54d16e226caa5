import { describe, expect, it } from 'vitest';
import { RecordingSink, bytes, setup, text, waitFor } from './testing.js';
import type { WatchResponse, WatchSink } from './types.js';

const eventList = (responses: WatchResponse[]): string[] => responses.flatMap((r) => r.events.map((e) => `${e.kv.modRevision}=${text(e.kv.value)}`));
/** The events of puts number from..to, as "revision=v<n>": the n-th put of the test wrote v<n> at revision base + n. */
const expected = (from: number, to: number, base: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `${base + from + i}=v${from + i}`);

describe('slow streams', () => {
  it('a stalled stream blocks no write, stays bounded, and later gets every event exactly once, in order', async () => {
    const maxPendingEvents = 100;
    const { hub, store, put } = setup({ maxPendingEvents });
    const slowSink = new RecordingSink();
    const slow = hub.openStream(slowSink);
    const fastSink = new RecordingSink();
    const fast = hub.openStream(fastSink);
    const slowId = slow.create({ key: bytes('k/'), rangeEnd: bytes('k0') });
    const fastId = fast.create({ key: bytes('k/'), rangeEnd: bytes('k0') });
    slowSink.accepting = false;
    await waitFor(() => slowSink.responses.length === 1, 'created response taken by the stalled transport');
    const base = store.currentRevision;
    expect(base).toBe(1);

    let maxPending = 0;
    let maxPendingAll = 0;
    for (let i = 1; i <= 10_000; i++) {
      put(`k/${i % 97}`, `v${i}`);
      maxPending = Math.max(maxPending, slow.pendingEvents);
      maxPendingAll = Math.max(maxPendingAll, hub.stats().pendingEvents);
      // The apply loop yields between batches of entries, as a real one does.
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(store.currentRevision).toBe(base + 10_000);
    expect(maxPending).toBeLessThanOrEqual(maxPendingEvents);
    expect(maxPendingAll).toBeLessThanOrEqual(2 * maxPendingEvents);
    expect(hub.stats()).toMatchObject({ slowWatchers: 1, slowTransitions: 1 });
    expect(slowSink.responses).toHaveLength(1); // nothing was pushed at the stalled transport
    await waitFor(() => eventList(fastSink.of(fastId)).length === 10_000, 'the other stream to get everything');
    expect(slowSink.responses).toHaveLength(1);
    expect(slow.pendingEvents).toBeLessThanOrEqual(maxPendingEvents);

    slowSink.accepting = true;
    slow.resume();
    for (let i = 10_001; i <= 10_200; i++) {
      put(`k/${i % 97}`, `v${i}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => eventList(slowSink.of(slowId)).length >= 10_200, 'the stalled stream to catch up');
    expect(eventList(slowSink.of(slowId))).toEqual(expected(1, 10_200, base));
    expect(eventList(fastSink.of(fastId))).toEqual(expected(1, 10_200, base));
    expect(hub.stats()).toMatchObject({ slowWatchers: 0, pendingEvents: 0 });
  });

  it('replays history into a stalled stream no further than maxPendingEvents', async () => {
    const { hub, sink, store, stream, put, watch } = setup({ maxPendingEvents: 10 });
    const base = store.currentRevision;
    for (let i = 1; i <= 1000; i++) put('k', `v${i}`);
    watch('other');
    sink.accepting = false;
    await waitFor(() => sink.responses.length === 1, 'created response');
    const id = watch('k', { startRevision: 1 });
    await waitFor(() => stream.pendingEvents > 0, 'replay to start');
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(stream.pendingEvents).toBeLessThanOrEqual(10);
    expect(hub.stats().slowWatchers).toBe(1);
    sink.accepting = true;
    stream.resume();
    await waitFor(() => sink.events(id).length === 1000, 'replay');
    expect(eventList(sink.of(id))).toEqual(expected(1, 1000, base));
  });

  it('keeps exact delivery through a transport that fills and drains unpredictably', async () => {
    const { hub, store, put, del } = setup({ maxPendingEvents: 8, maxRevisionsPerResponse: 5 });
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const responses: WatchResponse[] = [];
    const sink: WatchSink = {
      send(r) {
        responses.push(r);
        if (random() < 0.3) {
          // Full: the transport drains a little later, as a gRPC call emits 'drain'.
          setImmediate(() => stream.resume());
          return false;
        }
        return true;
      },
    };
    const stream = hub.openStream(sink);
    const all = stream.create({ key: bytes('a'), rangeEnd: new Uint8Array([0]) });
    const one = stream.create({ key: bytes('a3'), prevKv: true });
    const model: string[] = [];
    const modelOne: string[] = [];
    // One revision per step: step i is written at revision base + i.
    const base = store.currentRevision;
    for (let i = 1; i <= 2000; i++) {
      const key = `a${i % 7}`;
      const rev = base + i;
      if (i % 11 === 0) {
        if (del(key) === rev) {
          model.push(`${rev}:DELETE:${key}`);
          if (key === 'a3') modelOne.push(`${rev}:DELETE:${key}`);
        } else {
          // The key was already gone (the delete took no revision): write instead.
          expect(put(key, `v${i}`)).toBe(rev);
          model.push(`${rev}:PUT:${key}`);
          if (key === 'a3') modelOne.push(`${rev}:PUT:${key}`);
        }
      } else {
        expect(put(key, `v${i}`)).toBe(rev);
        model.push(`${rev}:PUT:${key}`);
        if (key === 'a3') modelOne.push(`${rev}:PUT:${key}`);
      }
      if (random() < 0.2) await new Promise((resolve) => setImmediate(resolve));
    }
    const seen = (id: number) => responses.filter((r) => r.watchId === id).flatMap((r) => r.events.map((e) => `${e.kv.modRevision}:${e.type}:${text(e.kv.key)}`));
    await waitFor(() => seen(all).length >= model.length && seen(one).length >= modelOne.length, 'every event');
    expect(seen(all)).toEqual(model);
    expect(seen(one)).toEqual(modelOne);
    // prev_kv stays right on events replayed from history.
    for (const e of responses.filter((r) => r.watchId === one).flatMap((r) => r.events)) {
      if (e.kv.createRevision !== e.kv.modRevision) expect(e.prevKv?.modRevision).toBeLessThan(e.kv.modRevision);
    }
  });

  it('cancels a slow watch with compact_revision when its history is compacted meanwhile', async () => {
    const { hub, store, sink, stream, put, watch } = setup({ maxPendingEvents: 50 });
    const id = watch('k');
    sink.accepting = false;
    await waitFor(() => sink.responses.length === 1, 'created response');
    const base = store.currentRevision;
    for (let i = 1; i <= 300; i++) put('k', `v${i}`);
    expect(hub.stats().slowWatchers).toBe(1);
    store.compact(200);
    sink.accepting = true;
    stream.resume();
    await waitFor(() => sink.of(id).some((r) => r.canceled), 'compacted cancel');
    const responses = sink.of(id);
    const last = responses.at(-1)!;
    expect(last).toMatchObject({ canceled: true, compactRevision: 200, events: [] });
    // Everything before the gap arrived, contiguous from the start, then the cancel.
    const got = eventList(responses);
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(expected(1, got.length, base));
    expect(base + got.length).toBeLessThan(200); // the last event delivered is below the compaction
    expect(hub.stats()).toMatchObject({ watchers: 0, slowWatchers: 0, compactedCancels: 1 });
    put('k', 'after');
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.of(id).at(-1)).toBe(last);
  });
});
