import type { Readable, Writable } from 'node:stream';

/**
 * How the links between members are degraded, on top of (and cleared with) partitions: a one-way
 * delay of `delayMs` ± `jitterMs` on every peer link, and `lossPercent` of packets dropped.
 */
export interface LinkDegradation {
  readonly delayMs?: number;
  readonly jitterMs?: number;
  readonly lossPercent?: number;
}

/** Bytes queued in one direction before the source is paused (the delay line's bound). */
export const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

/**
 * Pipes `src` into `dst`, holding each chunk for `delayMs()` (asked per chunk, so a delay set or
 * cleared later applies to live connections). Chunks never overtake each other: a TCP stream stays
 * a stream, and jitter only stretches the gaps. The queue is bounded: past MAX_QUEUED_BYTES the
 * source is paused until the queue drains.
 */
export function pipeWithDelay(src: Readable, dst: Writable, delayMs: () => number): void {
  const queue: Array<{ at: number; chunk: Buffer }> = [];
  let queuedBytes = 0;
  let lastAt = 0;
  let ended = false;
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    timer = undefined;
    const now = Date.now();
    while (queue.length > 0 && (queue[0] as { at: number }).at <= now) {
      const { chunk } = queue.shift() as { chunk: Buffer };
      queuedBytes -= chunk.length;
      dst.write(chunk);
    }
    if (queuedBytes < MAX_QUEUED_BYTES && src.isPaused() && !ended) src.resume();
    if (queue.length > 0) timer = setTimeout(flush, (queue[0] as { at: number }).at - now);
    else if (ended) dst.end();
  };

  src.on('data', (chunk: Buffer) => {
    const d = delayMs();
    if (d <= 0 && queue.length === 0) {
      if (!dst.write(chunk)) {
        src.pause();
        dst.once('drain', () => src.resume());
      }
      return;
    }
    const at = Math.max(lastAt, Date.now() + d);
    lastAt = at;
    queue.push({ at, chunk });
    queuedBytes += chunk.length;
    if (queuedBytes >= MAX_QUEUED_BYTES) src.pause();
    timer ??= setTimeout(flush, at - Date.now());
  });
  src.on('end', () => {
    ended = true;
    if (queue.length === 0) dst.end();
  });
  const stop = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    queue.length = 0;
  };
  // Held chunks still go out after the source closes (its end came after them); only a closed
  // destination drops them.
  dst.on('close', stop);
}

/** One sample of a delay of `delayMs` ± `jitterMs` (uniform), never below zero. */
export function sampleDelayMs(d: LinkDegradation | undefined, random: () => number = Math.random): number {
  if (d === undefined || (d.delayMs ?? 0) <= 0) return 0;
  const jitter = d.jitterMs ?? 0;
  return Math.max(0, (d.delayMs ?? 0) + (random() * 2 - 1) * jitter);
}
