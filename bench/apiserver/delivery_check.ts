/**
 * Whether one watcher saw every write exactly once and in order. Pure: the fan-out phase collects,
 * per watcher, the events in arrival order, and checks them against the writes that were
 * acknowledged, each known by the resourceVersion its response carried.
 *
 * - missing: an acknowledged write whose event never arrived;
 * - duplicate: an event that arrived again (same resourceVersion);
 * - outOfOrder: an event whose resourceVersion is lower than one already received;
 * - unexpected: an event no acknowledged write produced (e.g. from a write that timed out);
 * - wrongType: ADDED for an update or MODIFIED for a create.
 */

export type WriteKind = 'ADDED' | 'MODIFIED';

export interface ReceivedEvent {
  readonly type: string;
  readonly resourceVersion: number;
}

export interface DeliveryCheck {
  readonly delivered: number;
  readonly missing: number;
  readonly duplicate: number;
  readonly outOfOrder: number;
  readonly unexpected: number;
  readonly wrongType: number;
}

export function checkDeliveries(expected: ReadonlyMap<number, WriteKind>, received: readonly ReceivedEvent[]): DeliveryCheck {
  const seen = new Set<number>();
  let delivered = 0;
  let duplicate = 0;
  let outOfOrder = 0;
  let unexpected = 0;
  let wrongType = 0;
  let highest = -Infinity;
  for (const e of received) {
    const rv = e.resourceVersion;
    if (seen.has(rv)) {
      duplicate++;
      continue;
    }
    seen.add(rv);
    if (rv < highest) outOfOrder++;
    else highest = rv;
    const kind = expected.get(rv);
    if (kind === undefined) {
      unexpected++;
      continue;
    }
    delivered++;
    if (kind !== e.type) wrongType++;
  }
  return { delivered, missing: expected.size - delivered, duplicate, outOfOrder, unexpected, wrongType };
}

/** Sums of the checks of all watchers, and how many watchers had any fault. */
export interface DeliveryTotals extends DeliveryCheck {
  readonly watchers: number;
  readonly faultyWatchers: number;
}

export function isClean(c: DeliveryCheck): boolean {
  return c.missing === 0 && c.duplicate === 0 && c.outOfOrder === 0 && c.unexpected === 0 && c.wrongType === 0;
}

export function sumChecks(checks: readonly DeliveryCheck[]): DeliveryTotals {
  const t = { delivered: 0, missing: 0, duplicate: 0, outOfOrder: 0, unexpected: 0, wrongType: 0, watchers: checks.length, faultyWatchers: 0 };
  for (const c of checks) {
    t.delivered += c.delivered;
    t.missing += c.missing;
    t.duplicate += c.duplicate;
    t.outOfOrder += c.outOfOrder;
    t.unexpected += c.unexpected;
    t.wrongType += c.wrongType;
    if (!isClean(c)) t.faultyWatchers++;
  }
  return t;
}
