import { describe, expect, it } from 'vitest';
import type { ServerWatchStream } from './stream.js';
import { setup, waitFor } from './testing.js';
import { isProgressNotify, type WatchResponse } from './types.js';

const progressIndex = (responses: WatchResponse[]): number => responses.findIndex(isProgressNotify);

/** Bookmark check: every event at or below the progress revision arrived before the progress response. */
function expectBookmark(responses: WatchResponse[], watchId: number, totalEventsUpTo: (rev: number) => number): void {
  const at = progressIndex(responses);
  expect(at).toBeGreaterThanOrEqual(0);
  const rev = responses[at]!.header.revision;
  const before = responses.slice(0, at).filter((r) => r.watchId === watchId).flatMap((r) => r.events);
  expect(before.filter((e) => e.kv.modRevision <= rev)).toHaveLength(totalEventsUpTo(rev));
}

describe('WatchProgressRequest', () => {
  it('answers with watch id -1 and the current revision when every watch is synced, after the queued events', async () => {
    const { sink, stream, put, watch } = setup();
    const a = watch('a');
    watch('b');
    put('a', '1'); // rev 2
    put('c', '1'); // rev 3
    stream.requestProgress();
    await waitFor(() => sink.progress().length === 1, 'progress response');
    const progress = sink.progress()[0]!;
    expect(progress).toMatchObject({ watchId: -1, header: { revision: 3 }, created: false, canceled: false, events: [] });
    expect(progressIndex(sink.responses)).toBeGreaterThan(sink.responses.findIndex((r) => r.watchId === a && r.events.length > 0));
  });

  it('waits for a watch replaying history, then vouches for everything it replayed', async () => {
    const { sink, stream, put, watch } = setup({ maxRevisionsPerResponse: 2, syncChangesPerTurn: 3 });
    for (let i = 1; i <= 40; i++) put('k', `${i}`); // revisions 2..41
    const live = watch('k');
    const id = watch('k', { startRevision: 1 });
    stream.requestProgress();
    put('k', '41'); // revision 42
    await waitFor(() => sink.progress().length === 1, 'progress response');
    expect(sink.progress()[0]!.header.revision).toBe(42);
    // One event per revision from 2: rev - 1 events up to rev for the history watch, and those after 41 for the live one.
    expectBookmark(sink.responses, id, (rev) => rev - 1);
    expectBookmark(sink.responses, live, (rev) => Math.max(0, rev - 41));
  });

  it('is answered when a history watch becomes synced without any event (all filtered)', async () => {
    const { sink, stream, put, watch } = setup();
    for (let i = 1; i <= 5; i++) put('k', `${i}`); // revisions 2..6
    watch('k', { startRevision: 1, filters: ['NOPUT'] });
    stream.requestProgress();
    await waitFor(() => sink.progress().length === 1, 'progress response');
    expect(sink.progress()[0]!.header.revision).toBe(6);
  });

  it('sends nothing on a stream without watches (as etcd)', async () => {
    const { sink, stream, put, watch } = setup();
    put('x', '1'); // a progress notification needs a non-zero revision (clientv3's IsProgressNotify)
    stream.requestProgress();
    const id = watch('k');
    stream.requestProgress();
    await waitFor(() => sink.progress().length === 1, 'progress response');
    expect(sink.responses.map((r) => (isProgressNotify(r) ? 'progress' : r.watchId))).toEqual([id, 'progress']);
  });

  it('defers the answer while the transport is full, then sends it behind the pending events', async () => {
    const { sink, stream, put, watch } = setup({ maxPendingEvents: 10 });
    const id = watch('k');
    sink.accepting = false;
    await waitFor(() => sink.responses.length === 1, 'created response');
    for (let i = 1; i <= 30; i++) put('k', `${i}`); // revisions 2..31
    stream.requestProgress();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.responses).toHaveLength(1);
    sink.accepting = true;
    stream.resume();
    await waitFor(() => sink.progress().length === 1, 'progress response');
    expect(sink.progress()[0]!.header.revision).toBe(31);
    expectBookmark(sink.responses, id, (rev) => rev - 1);
  });
});

describe('progress_notify', () => {
  it('notifies a synced, idle progress_notify watch with its own id on each tick, eliding ticks after events', async () => {
    const { sink, stream, put, watch } = setup();
    const id = watch('k', { progressNotify: true });
    const quiet = watch('q');
    const ticker = stream as ServerWatchStream;
    put('other', 'x'); // rev 2
    ticker.tickProgress();
    await waitFor(() => sink.progress().length === 1, 'first notification');
    expect(sink.progress()[0]).toMatchObject({ watchId: id, header: { revision: 2 } });
    put('k', '1'); // rev 3
    await waitFor(() => sink.events(id).length === 1, 'event');
    ticker.tickProgress(); // events went out since the last tick: no notification
    ticker.tickProgress();
    await waitFor(() => sink.progress().length === 2, 'second notification');
    expect(sink.progress()[1]).toMatchObject({ watchId: id, header: { revision: 3 } });
    expect(sink.responses.filter(isProgressNotify).some((r) => r.watchId === quiet)).toBe(false);
  });

  it('does not notify a watch that is still catching up', async () => {
    const { sink, stream, put, watch } = setup();
    for (let i = 1; i <= 3; i++) put('k', `${i}`);
    const id = watch('k', { progressNotify: true, startRevision: 1 });
    (stream as ServerWatchStream).tickProgress(); // synchronously after create: still unsynced
    await waitFor(() => sink.events(id).length === 3, 'replay');
    expect(sink.progress()).toHaveLength(0);
  });

  it('runs on the configured interval', async () => {
    const { sink, put, watch } = setup({ progressNotifyIntervalMs: 10 });
    put('x', '1'); // rev 2
    const id = watch('k', { progressNotify: true });
    await waitFor(() => sink.progress().length >= 2, 'periodic notifications');
    expect(sink.progress().every((r) => r.watchId === id && r.header.revision === 2)).toBe(true);
  });
});
