import { describe, expect, it } from 'vitest';
import { Prng } from './rand.js';

function draw(rng: Prng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextU32());
}

describe('Prng', () => {
  it('replays the same sequence from the same seed', () => {
    expect(draw(new Prng(42), 100)).toEqual(draw(new Prng(42), 100));
  });

  it('gives different sequences for different seeds, including 0', () => {
    const a = draw(new Prng(1), 20);
    const b = draw(new Prng(2), 20);
    const zero = draw(new Prng(0), 20);
    expect(a).not.toEqual(b);
    expect(new Set(zero).size).toBe(20);
  });

  it('produces 32-bit unsigned integers', () => {
    for (const x of draw(new Prng(7), 1000)) {
      expect(Number.isInteger(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(2 ** 32);
    }
  });

  it('int(n) stays in [0, n) and reaches every value', () => {
    const rng = new Prng(3);
    for (const n of [1, 2, 7, 10]) {
      const seen = new Set<number>();
      for (let i = 0; i < 2000; i++) {
        const x = rng.int(n);
        expect(Number.isInteger(x)).toBe(true);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThan(n);
        seen.add(x);
      }
      expect(seen.size).toBe(n);
    }
    const big = new Prng(4);
    for (let i = 0; i < 1000; i++) expect(big.int(2 ** 32)).toBeLessThan(2 ** 32);
  });

  it('int(n) is roughly uniform', () => {
    const rng = new Prng(5);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[rng.int(10)]! += 1;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(600);
  });

  it('float() is in [0, 1) and chance() honours its bounds', () => {
    const rng = new Prng(6);
    for (let i = 0; i < 1000; i++) {
      const f = rng.float();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
      expect(rng.chance(0)).toBe(false);
      expect(rng.chance(1)).toBe(true);
    }
  });

  it('pick() returns an element and refuses an empty array', () => {
    const rng = new Prng(8);
    const items = ['a', 'b', 'c'];
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) seen.add(rng.pick(items));
    expect([...seen].sort()).toEqual(items);
    expect(() => rng.pick([])).toThrow();
  });

  it('fork() is deterministic and independent of later draws of the parent', () => {
    const p1 = new Prng(9);
    const p2 = new Prng(9);
    const c1 = p1.fork();
    const c2 = p2.fork();
    expect(draw(c1, 10)).toEqual(draw(c2, 10));
    expect(draw(p1, 10)).toEqual(draw(p2, 10));
    expect(draw(new Prng(9).fork(), 10)).not.toEqual(draw(new Prng(9), 10));
  });
});
