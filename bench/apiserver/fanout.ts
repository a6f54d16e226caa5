/**
 * Phase 3, watch fan-out: `watchers` WebSocket watches on the pods of one namespace, all from the
 * namespace's current resourceVersion; then one writer creating pods and merge-patching others at
 * a steady rate (open loop). Every write carries its send time in an annotation, so each event a
 * watcher receives says when its write left the client; the writer also notes when each write
 * was acknowledged, by the resourceVersion in the response.
 *
 * Delivery latency is reported both ways: from the write being sent (what the target is checked
 * against: it includes the write's own commit) and from its acknowledgement at the writer (an
 * event may arrive before the writer has read its response; such deliveries count as 0).
 * Afterwards each watcher's events are checked against the acknowledged writes: every one exactly
 * once, in resourceVersion order (delivery_check.ts); events of writes that failed at the writer
 * but committed anyway (a 504 is an unknown outcome) must then have reached every watcher too.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { Histogram } from '../store/histogram.js';
import { checkDeliveries, sumChecks, type DeliveryTotals, type ReceivedEvent, type WriteKind } from './delivery_check.js';
import { MERGE_PATCH, type ApiClient } from './http_client.js';
import { runOpenLoop, type LoadResult } from './load.js';
import { benchPod, podsPath, SENT_AT_ANNOTATION, wallMs, type PodObject } from './pods.js';

export interface FanoutSettings {
  readonly namespace: string;
  readonly watchers: number;
  readonly qps: number;
  readonly durationMs: number;
  /** Pods created before the watches start, which the writer's patches go to. */
  readonly poolSize: number;
  readonly connectConcurrency: number;
  /** How long to wait, after the last write was acknowledged, for every event to arrive. */
  readonly drainTimeoutMs: number;
}

export interface FanoutResult {
  readonly connected: number;
  readonly connectFailures: string[];
  readonly connectMs: number;
  readonly writes: LoadResult;
  /** Acknowledged writes: the events every watcher must receive. */
  readonly expectedEvents: number;
  /** Events of writes that failed at the writer yet committed (seen by some watcher). */
  readonly unackedEvents: number;
  /** How often a watcher lacked one of those that another watcher got. */
  readonly unackedMissing: number;
  readonly totals: DeliveryTotals;
  readonly fromSend: Histogram;
  readonly fromAck: Histogram;
  /** Deliveries that arrived before the writer read the write's response. */
  readonly beforeAck: number;
  /** From the first write sent to the last event received. */
  readonly deliveriesPerSecond: number;
  /** From the last acknowledgement to the last event received. */
  readonly drainMs: number;
  /** Watches the server ended (ERROR event or close) before the benchmark closed them, by reason. */
  readonly endedEarly: Map<string, number>;
  /**
   * This process's event-loop delay while writing and draining: how late it got round to reading
   * what had arrived, which the delivery latencies include.
   */
  readonly benchLoopDelay: { readonly p50Ms: number; readonly p99Ms: number };
}

class BenchWatcher {
  readonly events: ReceivedEvent[] = [];
  readonly receivedAtMs: number[] = [];
  endedEarly: string | undefined;
  closing = false;

  constructor(
    readonly ws: WebSocket,
    fromSend: Histogram,
  ) {
    ws.on('message', (data) => {
      const at = wallMs();
      let ev: { type?: string; object?: { metadata?: { resourceVersion?: string; annotations?: Record<string, string> }; message?: string; reason?: string } };
      try {
        ev = JSON.parse((data as Buffer).toString('utf8')) as typeof ev;
      } catch {
        this.endedEarly ??= 'unparsable message';
        return;
      }
      const type = ev.type ?? '';
      if (type === 'ERROR') {
        this.endedEarly ??= `ERROR event: ${ev.object?.reason ?? ''} ${ev.object?.message ?? ''}`.trim();
        return;
      }
      const md = ev.object?.metadata;
      this.events.push({ type, resourceVersion: Number(md?.resourceVersion) });
      this.receivedAtMs.push(at);
      const sent = Number(md?.annotations?.[SENT_AT_ANNOTATION]);
      if (Number.isFinite(sent)) fromSend.recordUs((at - sent) * 1000);
    });
    ws.on('close', (code, reason) => {
      if (!this.closing) this.endedEarly ??= `closed by the server (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`;
    });
    ws.on('error', (err) => {
      if (!this.closing) this.endedEarly ??= `socket error: ${err.message}`;
    });
  }
}

function connect(url: string, fromSend: Histogram): Promise<BenchWatcher> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 30_000 });
    const fail = (err: Error): void => {
      ws.terminate();
      reject(err);
    };
    ws.once('open', () => {
      ws.off('error', fail);
      resolve(new BenchWatcher(ws, fromSend));
    });
    ws.once('error', fail);
    ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode ?? '?'} on upgrade`)));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runFanout(client: ApiClient, s: FanoutSettings, say: (msg: string) => void): Promise<FanoutResult> {
  const ns = s.namespace;
  for (let i = 0; i < s.poolSize; i++) await client.request('POST', podsPath(ns), benchPod(ns, `pool-${i}`));
  const list = await client.json<{ metadata?: { resourceVersion?: string } }>('GET', podsPath(ns));
  const rv = list.metadata?.resourceVersion ?? '';
  if (rv === '') throw new Error('list of the watch namespace carried no resourceVersion');

  const fromSend = new Histogram();
  const url = `ws://${client.baseUrl.replace(/^http:\/\//, '')}${podsPath(ns)}?watch=true&resourceVersion=${rv}`;
  say(`connecting ${s.watchers} WebSocket watchers to ${url}`);
  const watchers: BenchWatcher[] = [];
  const connectFailures: string[] = [];
  const t0 = performance.now();
  for (let next = 0; next < s.watchers; ) {
    const batch = Math.min(s.connectConcurrency, s.watchers - next);
    const settled = await Promise.allSettled(Array.from({ length: batch }, () => connect(url, fromSend)));
    next += batch;
    for (const r of settled) {
      if (r.status === 'fulfilled') watchers.push(r.value);
      else connectFailures.push(r.reason instanceof Error ? r.reason.message : String(r.reason));
    }
  }
  const connectMs = performance.now() - t0;
  say(`${watchers.length} watchers connected in ${(connectMs / 1000).toFixed(1)} s${connectFailures.length > 0 ? `, ${connectFailures.length} failed (${connectFailures[0]})` : ''}`);

  const expected = new Map<number, WriteKind>();
  const ackAtMs = new Map<number, number>();
  const firstSentMs = wallMs();
  const write = async (i: number): Promise<void> => {
    const sentAt = wallMs().toFixed(3);
    const create = i % 2 === 0;
    const reply = create
      ? await client.request('POST', podsPath(ns), benchPod(ns, `w-${i}`, { [SENT_AT_ANNOTATION]: sentAt }))
      : await client.request('PATCH', podsPath(ns, `pool-${(i >> 1) % s.poolSize}`), { metadata: { annotations: { [SENT_AT_ANNOTATION]: sentAt } } }, MERGE_PATCH);
    const ackAt = wallMs();
    const obj = JSON.parse(reply.body.toString('utf8')) as PodObject;
    const writeRv = Number(obj.metadata.resourceVersion);
    expected.set(writeRv, create ? 'ADDED' : 'MODIFIED');
    ackAtMs.set(writeRv, ackAt);
  };
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const writes = await runOpenLoop({ label: `fan-out writer, ${s.qps} writes/s`, qps: s.qps, warmupMs: 0, durationMs: s.durationMs, request: write });
  const lastAckMs = Math.max(firstSentMs, ...ackAtMs.values());

  // Drain: until every live watcher has as many events as there were acknowledged writes.
  const drainDeadline = performance.now() + s.drainTimeoutMs;
  const behind = (): number => watchers.filter((w) => w.endedEarly === undefined && w.events.length < expected.size).length;
  for (let lastReport = performance.now(); behind() > 0 && performance.now() < drainDeadline; ) {
    await sleep(50);
    if (performance.now() - lastReport > 2000) {
      lastReport = performance.now();
      say(`draining: ${behind()} watchers still short of ${expected.size} events`);
    }
  }
  // A little longer, so that late duplicates would be seen too.
  await sleep(500);
  loopDelay.disable();
  for (const w of watchers) {
    w.closing = true;
    w.ws.terminate();
  }

  const checks = watchers.map((w) => checkDeliveries(expected, w.events));
  // Writes that failed (e.g. a 504 after the store deadline) may still have committed: their events
  // are not in `expected`, but then every watcher must have them too.
  const unacked = new Set<number>();
  for (const w of watchers) for (const e of w.events) if (!expected.has(e.resourceVersion)) unacked.add(e.resourceVersion);
  let unackedMissing = 0;
  for (const w of watchers) {
    const got = new Set(w.events.map((e) => e.resourceVersion));
    for (const rv of unacked) if (!got.has(rv)) unackedMissing++;
  }
  const missingWatchers = s.watchers - watchers.length;
  const totals0 = sumChecks(checks);
  // A watcher that never connected missed every event.
  const totals: DeliveryTotals = { ...totals0, watchers: s.watchers, missing: totals0.missing + missingWatchers * expected.size, faultyWatchers: totals0.faultyWatchers + missingWatchers };
  const fromAck = new Histogram();
  let beforeAck = 0;
  let lastDeliveryMs = lastAckMs;
  for (const w of watchers) {
    for (let i = 0; i < w.events.length; i++) {
      const at = w.receivedAtMs[i]!;
      if (at > lastDeliveryMs) lastDeliveryMs = at;
      const ack = ackAtMs.get(w.events[i]!.resourceVersion);
      if (ack === undefined) continue;
      if (at < ack) beforeAck++;
      fromAck.recordUs(Math.max(0, at - ack) * 1000);
    }
  }
  const endedEarly = new Map<string, number>();
  for (const w of watchers) if (w.endedEarly !== undefined) endedEarly.set(w.endedEarly, (endedEarly.get(w.endedEarly) ?? 0) + 1);
  const spanS = (lastDeliveryMs - firstSentMs) / 1000;
  return {
    connected: watchers.length,
    connectFailures,
    connectMs,
    writes,
    expectedEvents: expected.size,
    unackedEvents: unacked.size,
    unackedMissing,
    totals,
    fromSend,
    fromAck,
    beforeAck,
    deliveriesPerSecond: spanS > 0 ? totals.delivered / spanS : 0,
    drainMs: lastDeliveryMs - lastAckMs,
    endedEarly,
    benchLoopDelay: { p50Ms: loopDelay.percentile(50) / 1e6, p99Ms: loopDelay.percentile(99) / 1e6 },
  };
}
