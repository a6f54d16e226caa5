/**
 * Watch event throughput and delivery latency, after etcd's `benchmark watch` / `watch-latency`:
 * `watchers` watches on one prefix, spread over `streams` Watch streams, while closed-loop writers
 * put new keys under the prefix. Each put should reach every watcher. Delivery latency runs from
 * just before the put was sent to the arrival of its event, as etcd's watch-latency measures it.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Connection } from './conns.js';
import { unary } from './conns.js';
import { Histogram } from './histogram.js';
import { ErrorTally, runLoop, type LoopResult } from './load.js';

export interface WatchOptions {
  /** Prefix of the progress lines. */
  readonly label: string;
  readonly conns: readonly Connection[];
  readonly watchers: number;
  readonly streams: number;
  readonly writers: number;
  readonly value: Buffer;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly requestTimeoutMs: number;
  /** How long to wait after the last put for events still on their way. */
  readonly drainMs: number;
}

export interface WatchResult {
  readonly puts: LoopResult;
  /** Events received for puts started in the measured window, and per second. */
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly latency: Histogram;
  /** Events expected (successful puts × watchers) but not received after draining. */
  readonly missing: number;
  readonly errors: ErrorTally;
}

interface PbWatchResponse {
  created?: boolean;
  canceled?: boolean;
  cancel_reason?: string;
  events?: Array<{ kv?: { key?: Buffer } }>;
}

const PREFIX = 'wch/';
const prefixEnd = Buffer.from('wch0'); // '/' + 1

const now = (): bigint => process.hrtime.bigint();

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

export async function runWatch(opts: WatchOptions): Promise<WatchResult> {
  const errors = new ErrorTally();
  const latency = new Histogram();
  /** When put number i was sent (hrtime ns), for the latency of its events. */
  const sentAt: bigint[] = [];
  let measureFrom = now() + BigInt(opts.warmupMs) * 1_000_000n;
  let created = 0;
  let received = 0;
  let measuredEvents = 0;
  let lastMeasuredEvent = measureFrom;
  let closing = false;

  const onEvent = (key: Buffer | undefined, at: bigint): void => {
    received++;
    if (key === undefined) return;
    const sent = sentAt[Number(key.subarray(PREFIX.length).toString())];
    if (sent === undefined || sent < measureFrom) return;
    measuredEvents++;
    latency.recordNs(at - sent);
    if (at > lastMeasuredEvent) lastMeasuredEvent = at;
  };

  const calls: grpc.ClientDuplexStream<unknown, PbWatchResponse>[] = [];
  for (let s = 0; s < opts.streams; s++) {
    const conn = opts.conns[s % opts.conns.length];
    if (conn === undefined) throw new Error('no connections');
    const call = (conn.watch as unknown as { Watch(): grpc.ClientDuplexStream<unknown, PbWatchResponse> }).Watch();
    call.on('data', (res: PbWatchResponse) => {
      const at = now();
      if (res.created === true) created++;
      if (res.canceled === true) errors.add(new Error(`watch canceled: ${res.cancel_reason ?? ''}`));
      for (const e of res.events ?? []) onEvent(e.kv?.key, at);
    });
    call.on('error', (err) => {
      if (!closing) errors.add(err);
    });
    calls.push(call);
  }
  const perStream = Math.ceil(opts.watchers / opts.streams);
  for (let w = 0; w < opts.watchers; w++) {
    calls[Math.floor(w / perStream)]?.write({ create_request: { key: Buffer.from(PREFIX), range_end: prefixEnd } });
  }

  try {
    if (!(await waitFor(() => created >= opts.watchers, 10_000))) {
      throw new Error(`only ${created} of ${opts.watchers} watches were created within 10 s`);
    }
    // The window starts once every watch is in place.
    measureFrom = now() + BigInt(opts.warmupMs) * 1_000_000n;
    lastMeasuredEvent = measureFrom;
    const puts = opts.conns.map((c) => unary<{ key: Buffer; value: Buffer }, unknown>(c.kv, 'Put'));
    const result = await runLoop({
      label: `${opts.label} (puts)`,
      clients: opts.writers,
      until: { warmupMs: opts.warmupMs, durationMs: opts.durationMs },
      request: (c) => {
        const i = sentAt.length;
        sentAt.push(now());
        const put = puts[c % puts.length];
        if (put === undefined) throw new Error('no connections');
        return put({ key: Buffer.from(`${PREFIX}${String(i).padStart(10, '0')}`), value: opts.value }, opts.requestTimeoutMs);
      },
    });
    // Every put that succeeded, warm-up included, should reach every watcher.
    const expected = (sentAt.length - result.errors.count) * opts.watchers;
    await waitFor(() => received >= expected, opts.drainMs);
    const elapsedMs = Number(lastMeasuredEvent - measureFrom) / 1e6;
    process.stderr.write(`  ${opts.label}: ${received} events received of ${expected} expected, ${measuredEvents} in the measured window\n`);
    return {
      puts: result,
      events: measuredEvents,
      eventsPerSecond: elapsedMs > 0 ? (measuredEvents / elapsedMs) * 1000 : 0,
      latency,
      missing: Math.max(0, expected - received),
      errors,
    };
  } finally {
    closing = true;
    for (const call of calls) call.cancel();
  }
}
