import { describe, expect, it } from 'vitest';
import { isValidLeaseId, minLeaseTtlSeconds, randomLeaseId } from './grant.js';
import { TimerQueue } from './timer_queue.js';

describe('minLeaseTtlSeconds', () => {
  it('is ceil(((3 × election ticks) / 2, integer division) × heartbeat), as etcd', () => {
    expect(minLeaseTtlSeconds(10, 100)).toBe(2); // 15 × 100 ms = 1.5 s
    expect(minLeaseTtlSeconds(5, 100)).toBe(1); // 7 × 100 ms = 0.7 s
    expect(minLeaseTtlSeconds(10, 1000)).toBe(15);
  });
});

describe('randomLeaseId', () => {
  it('keeps 53 bits, and never returns 0', () => {
    const draws = [new Uint8Array(8), new Uint8Array(8).fill(0xff)];
    const id = randomLeaseId(() => draws.shift() as Uint8Array);
    expect(id).toBe(2 ** 53 - 1);
    expect(draws).toEqual([]);
  });

  it('gives valid ids from the system generator', () => {
    for (let i = 0; i < 100; i++) expect(isValidLeaseId(randomLeaseId())).toBe(true);
  });
});

describe('TimerQueue', () => {
  it('pops by time then id, and moves an id that is set again', () => {
    const q = new TimerQueue();
    const times = [50, 10, 40, 10, 30, 20];
    times.forEach((t, id) => q.set(id, t));
    q.set(2, 5);
    q.set(1, 60);
    q.delete(4);
    const out: number[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.id);
    expect(out).toEqual([2, 3, 5, 0, 1]);
    expect(q.size).toBe(0);
  });

  it('stays ordered under many random updates', () => {
    const q = new TimerQueue();
    const want = new Map<number, number>();
    let seed = 1;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 2000; i++) {
      const id = rnd(200);
      if (rnd(4) === 0) {
        q.delete(id);
        want.delete(id);
      } else {
        const t = rnd(1000);
        q.set(id, t);
        want.set(id, t);
      }
    }
    const expected = [...want].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([id]) => id);
    const out: number[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.id);
    expect(out).toEqual(expected);
  });
});
