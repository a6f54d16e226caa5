import { describe, expect, it } from 'vitest';
import { Inflights } from './inflights.js';

/** Adds messages whose last indexes are `from`..`to`, each carrying `bytes`. */
function addRange(inf: Inflights, from: number, to: number, bytes = 0): void {
  for (let i = from; i <= to; i++) inf.add(i, bytes);
}

describe('Inflights', () => {
  it('counts messages until the window is full', () => {
    const inf = new Inflights(10, 0);
    addRange(inf, 0, 4);
    expect(inf.countMsgs()).toBe(5);
    expect(inf.full()).toBe(false);
    addRange(inf, 5, 9);
    expect(inf.countMsgs()).toBe(10);
    expect(inf.full()).toBe(true);
    expect(() => inf.add(10, 0)).toThrow();
  });

  it('frees every message up to an acknowledged index', () => {
    const inf = new Inflights(10, 0);
    addRange(inf, 0, 9);
    inf.freeLE(0);
    expect(inf.countMsgs()).toBe(9);
    expect(inf.full()).toBe(false);
    inf.freeLE(4);
    expect(inf.countMsgs()).toBe(5);
    // An acknowledgement below the oldest message frees nothing.
    inf.freeLE(3);
    expect(inf.countMsgs()).toBe(5);
    inf.freeLE(8);
    expect(inf.countMsgs()).toBe(1);
    inf.freeLE(100);
    expect(inf.countMsgs()).toBe(0);
    expect(inf.countBytes()).toBe(0);
  });

  it('wraps around its ring buffer', () => {
    const inf = new Inflights(10, 0);
    addRange(inf, 0, 4);
    inf.freeLE(4);
    // The ring now starts in the middle; filling it wraps past the end of the buffer.
    addRange(inf, 5, 14);
    expect(inf.full()).toBe(true);
    inf.freeLE(9);
    expect(inf.countMsgs()).toBe(5);
    addRange(inf, 15, 19);
    expect(inf.full()).toBe(true);
    inf.freeLE(17);
    expect(inf.countMsgs()).toBe(2);
    inf.freeLE(19);
    expect(inf.countMsgs()).toBe(0);
    addRange(inf, 20, 29);
    expect(inf.full()).toBe(true);
  });

  it('is full when the bytes in flight reach the byte limit', () => {
    const inf = new Inflights(10, 300);
    inf.add(1, 100);
    inf.add(2, 100);
    expect(inf.full()).toBe(false);
    expect(inf.countBytes()).toBe(200);
    inf.add(3, 100);
    expect(inf.full()).toBe(true);
    expect(inf.countMsgs()).toBe(3);
    inf.freeLE(1);
    expect(inf.countBytes()).toBe(200);
    expect(inf.full()).toBe(false);
    // One large message may overshoot the limit; then nothing more is sent.
    inf.add(4, 1000);
    expect(inf.full()).toBe(true);
    inf.freeLE(4);
    expect(inf.countBytes()).toBe(0);
  });

  it('ignores bytes when the byte limit is 0', () => {
    const inf = new Inflights(3, 0);
    inf.add(1, 1e9);
    expect(inf.full()).toBe(false);
  });

  it('reset empties the window', () => {
    const inf = new Inflights(2, 100);
    inf.add(1, 60);
    inf.add(2, 60);
    inf.reset();
    expect(inf.countMsgs()).toBe(0);
    expect(inf.countBytes()).toBe(0);
    expect(inf.full()).toBe(false);
    inf.add(3, 1);
    inf.freeLE(3);
    expect(inf.countMsgs()).toBe(0);
  });
});
