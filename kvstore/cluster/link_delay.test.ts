import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_QUEUED_BYTES, pipeWithDelay, sampleDelayMs } from './link_delay.js';

/**
 * The delay line under fake timers: time moves only when the test says so, so these assertions
 * are about what has arrived by a given (simulated) moment and in which order, never about how
 * long anything took on this machine.
 */
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Lets stream events queued on process.nextTick and setImmediate (real) run. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

function line(delays: () => number): { src: PassThrough; dst: PassThrough; received: () => string; ended: () => boolean } {
  const src = new PassThrough();
  const dst = new PassThrough();
  let got = '';
  let end = false;
  dst.on('data', (c: Buffer) => (got += c.toString()));
  dst.on('end', () => (end = true));
  pipeWithDelay(src, dst, delays);
  return { src, dst, received: () => got, ended: () => end };
}

describe('pipeWithDelay', () => {
  it('passes chunks through at once when there is no delay', async () => {
    const l = line(() => 0);
    l.src.write('abc');
    await settle();
    expect(l.received()).toBe('abc');
  });

  it('holds a chunk back for exactly its delay', async () => {
    const l = line(() => 1000);
    l.src.write('a');
    await settle();
    await vi.advanceTimersByTimeAsync(999);
    await settle();
    expect(l.received()).toBe('');
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(l.received()).toBe('a');
  });

  it('never lets a later chunk with a shorter delay overtake an earlier one', async () => {
    const delays = [500, 10];
    const l = line(() => delays.shift() ?? 0);
    l.src.write('a');
    await settle();
    l.src.write('b');
    await settle();
    await vi.advanceTimersByTimeAsync(10);
    await settle();
    expect(l.received()).toBe('');
    await vi.advanceTimersByTimeAsync(490);
    await settle();
    expect(l.received()).toBe('ab');
  });

  it('keeps the stream in order when the delay is cleared while chunks are held', async () => {
    let d = 500;
    const l = line(() => d);
    l.src.write('a');
    await settle();
    d = 0;
    l.src.write('b');
    await settle();
    expect(l.received()).toBe('');
    await vi.advanceTimersByTimeAsync(500);
    await settle();
    expect(l.received()).toBe('ab');
    l.src.write('c');
    await settle();
    expect(l.received()).toBe('abc');
  });

  it('passes the end on only after the held chunks', async () => {
    const l = line(() => 200);
    l.src.end('z');
    await settle();
    expect(l.ended()).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    await settle();
    expect(l.received()).toBe('z');
    expect(l.ended()).toBe(true);
  });

  it('bounds what it holds: past MAX_QUEUED_BYTES the source is paused until the queue drains', async () => {
    const l = line(() => 100);
    l.src.write(Buffer.alloc(MAX_QUEUED_BYTES + 1, 'x'));
    await settle();
    expect(l.src.isPaused()).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    await settle();
    expect(l.src.isPaused()).toBe(false);
    expect(l.received().length).toBe(MAX_QUEUED_BYTES + 1);
  });
});

describe('sampleDelayMs', () => {
  it('is 0 without a delay, and delay ± jitter (never negative) with one', () => {
    expect(sampleDelayMs(undefined)).toBe(0);
    expect(sampleDelayMs({ lossPercent: 5 })).toBe(0);
    expect(sampleDelayMs({ delayMs: 100, jitterMs: 50 }, () => 0)).toBe(50);
    expect(sampleDelayMs({ delayMs: 100, jitterMs: 50 }, () => 0.5)).toBe(100);
    expect(sampleDelayMs({ delayMs: 10, jitterMs: 50 }, () => 0)).toBe(0);
  });
});
