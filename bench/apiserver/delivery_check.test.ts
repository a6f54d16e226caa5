import { describe, expect, it } from 'vitest';
import { checkDeliveries, isClean, sumChecks, type WriteKind } from './delivery_check.js';
import { dueAtNs, dueCount } from './load.js';

const writes = new Map<number, WriteKind>([
  [10, 'ADDED'],
  [11, 'MODIFIED'],
  [12, 'ADDED'],
]);

describe('checkDeliveries', () => {
  it('passes every event once, in order', () => {
    const c = checkDeliveries(writes, [
      { type: 'ADDED', resourceVersion: 10 },
      { type: 'MODIFIED', resourceVersion: 11 },
      { type: 'ADDED', resourceVersion: 12 },
    ]);
    expect(c).toEqual({ delivered: 3, missing: 0, duplicate: 0, outOfOrder: 0, unexpected: 0, wrongType: 0 });
    expect(isClean(c)).toBe(true);
  });

  it('counts missing, duplicate, out-of-order, unexpected and mistyped events', () => {
    const c = checkDeliveries(writes, [
      { type: 'ADDED', resourceVersion: 12 },
      { type: 'ADDED', resourceVersion: 10 },
      { type: 'ADDED', resourceVersion: 10 },
      { type: 'ADDED', resourceVersion: 99 },
    ]);
    expect(c).toEqual({ delivered: 2, missing: 1, duplicate: 1, outOfOrder: 1, unexpected: 1, wrongType: 0 });
    expect(checkDeliveries(writes, [{ type: 'ADDED', resourceVersion: 11 }]).wrongType).toBe(1);
    expect(isClean(c)).toBe(false);
  });

  it('treats a watcher that got nothing as missing everything', () => {
    expect(checkDeliveries(writes, []).missing).toBe(3);
  });

  it('sums watchers and counts the faulty ones', () => {
    const clean = checkDeliveries(writes, [...writes].map(([resourceVersion, type]) => ({ type, resourceVersion })));
    const t = sumChecks([clean, checkDeliveries(writes, [])]);
    expect(t).toMatchObject({ watchers: 2, faultyWatchers: 1, delivered: 3, missing: 3 });
  });
});

describe('open-loop schedule', () => {
  it('makes request i due at i/qps', () => {
    expect(dueAtNs(0, 100)).toBe(0n);
    expect(dueAtNs(3, 100)).toBe(30_000_000n);
    expect(dueCount(-1n, 100)).toBe(0);
    expect(dueCount(0n, 100)).toBe(1);
    expect(dueCount(9_999_999n, 100)).toBe(1);
    expect(dueCount(10_000_000n, 100)).toBe(2);
    expect(dueCount(1_000_000_000n, 100)).toBe(101);
  });
});
