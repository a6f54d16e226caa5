import type { Change } from '../mvcc/index.js';
import { invariant } from './errors.js';
import type { WatchResponse } from './types.js';
import type { Watcher } from './watcher.js';

/** One queued response: events for a watcher (rendered when sent), or a ready control response. */
export type OutboxItem =
  | { readonly kind: 'events'; readonly watcher: Watcher; readonly events: readonly Change[]; readonly headerRevision: number }
  | { readonly kind: 'control'; readonly response: WatchResponse };

/**
 * A stream's queue of responses its transport has not taken yet, in the order they must be sent.
 * Invariant: pendingEvents is the number of events in the queued items, and stays at most
 * max(maxPendingEvents, one revision's events) because producers ask canAccept first. Control
 * responses are not counted: each watch produces a bounded number of them (created, canceled),
 * and progress responses are only queued while the transport is taking responses.
 */
export class Outbox {
  private items: OutboxItem[] = [];
  private head = 0;
  private pending = 0;

  constructor(private readonly maxPendingEvents: number) {}

  get pendingEvents(): number {
    return this.pending;
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /**
   * Whether `events` more events fit on top of the pending ones and `alreadyTaken` the caller is
   * about to add. An empty outbox always takes its first revision, however large, so that every
   * watcher makes progress.
   */
  canAccept(events: number, alreadyTaken = 0): boolean {
    const total = this.pending + alreadyTaken;
    return total === 0 || total + events <= this.maxPendingEvents;
  }

  push(item: OutboxItem): void {
    this.items.push(item);
    if (item.kind === 'events') this.pending += item.events.length;
  }

  shift(): OutboxItem | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head] as OutboxItem;
    this.items[this.head] = undefined as unknown as OutboxItem;
    this.head++;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (item.kind === 'events') this.pending -= item.events.length;
    invariant(this.pending >= 0, 'watch outbox: negative pending event count');
    return item;
  }

  /**
   * Takes the queued event items up to the first control response (or the end), merged per
   * watcher: each watcher's revisions, in order, in one item of at most `maxEvents` events and
   * about `maxBytes` of keys and values (more items when they hold more; a revision is never
   * split). Several revisions in one response is
   * what etcd sends a watcher catching up; a control response still goes after every event queued
   * before it, since the run stops there. Returns [] when the head is a control response.
   */
  takeMergedEvents(maxEvents: number, maxBytes: number): OutboxItem[] {
    type Group = { events: Change[]; headerRevision: number; bytes: number };
    const groups = new Map<Watcher, Group>();
    const out: Array<{ watcher: Watcher; group: Group }> = [];
    while (this.head < this.items.length) {
      const item = this.items[this.head] as OutboxItem;
      if (item.kind !== 'events') break;
      this.shift();
      // prev_kv may double what an event carries.
      let bytes = 0;
      for (const e of item.events) bytes += (e.kv.key.length + e.kv.value.length + 64) * (item.watcher.prevKv ? 2 : 1);
      let group = groups.get(item.watcher);
      if (group === undefined || (group.events.length > 0 && (group.events.length + item.events.length > maxEvents || group.bytes + bytes > maxBytes))) {
        group = { events: [], headerRevision: item.headerRevision, bytes: 0 };
        groups.set(item.watcher, group);
        out.push({ watcher: item.watcher, group });
      }
      for (const e of item.events) group.events.push(e);
      group.headerRevision = item.headerRevision;
      group.bytes += bytes;
    }
    return out.map(({ watcher, group }) => ({ kind: 'events', watcher, events: group.events, headerRevision: group.headerRevision }));
  }

  /** Puts items taken but not sent (the transport filled up) back at the head, in order. */
  requeueFront(items: readonly OutboxItem[]): void {
    if (items.length === 0) return;
    this.items = [...items, ...this.items.slice(this.head)];
    this.head = 0;
    for (const item of items) if (item.kind === 'events') this.pending += item.events.length;
  }

  /** Drops the queued events of a watcher (canceled by its client). */
  dropEventsOf(watcher: Watcher): void {
    const kept = this.items.slice(this.head).filter((item) => item.kind !== 'events' || item.watcher !== watcher);
    this.items = kept;
    this.head = 0;
    this.pending = kept.reduce((n, item) => n + (item.kind === 'events' ? item.events.length : 0), 0);
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.pending = 0;
  }
}
