import type { FinalRead, RecordedEvent, RecordedKv, RecordedWatchResponse, WatchSessionInput, WatchSessionOutput } from '../checkers/watch/format.js';
import { definitelyFailed, delay, EtcdConn, type PbKv, type PbWatchResponse, type WatchCall } from './etcd_conn.js';
import type { Completion } from './recorder.js';
import { onAnyMember, prefixEnd, runClients, type Workload, type WorkloadContext } from './workload.js';

const PREFIX = 'w/';
const KEYS = 5;
/** Keys only the batch transaction writes: BATCH_KEYS + KEYS events in one revision. */
const BATCH_KEYS = 95;
/** Process numbers of watcher sessions start here (writers use small numbers). */
const WATCH_PROCESS_BASE = 1_000_000;
/** Process numbers of the final reads (one per attempt). */
const FINAL_PROCESS_BASE = 0x7fff_0000;

/** The watchers: how each starts, and how it misbehaves as a client. */
interface WatcherSpec {
  readonly name: string;
  /** 0: from now; 1: from the first revision; 'past': from a revision some way back, started late. */
  readonly start: 0 | 1 | 'past';
  readonly prevKv: boolean;
  /** Cancels its stream every couple of seconds and resumes on the next member. */
  readonly hops: boolean;
  /** Stops reading for seconds at a time: falls behind, so the server must catch it up. */
  readonly slow: boolean;
}

const WATCHERS: readonly WatcherSpec[] = [
  { name: 'from-now', start: 0, prevKv: true, hops: false, slow: false },
  { name: 'from-first', start: 1, prevKv: true, hops: false, slow: false },
  { name: 'past', start: 'past', prevKv: true, hops: false, slow: false },
  { name: 'resumer', start: 0, prevKv: false, hops: true, slow: false },
  { name: 'slow', start: 1, prevKv: false, hops: false, slow: true },
];

function text(b: Buffer | undefined | null): string {
  return b === undefined || b === null ? '' : b.toString();
}

function recordKv(kv: PbKv): RecordedKv {
  return [text(kv.value), Number(kv.mod_revision), Number(kv.create_revision), Number(kv.version)];
}

function recordResponse(r: PbWatchResponse): RecordedWatchResponse {
  const events: RecordedEvent[] = (r.events ?? []).map((e) => {
    const kv = e.kv as PbKv;
    return [e.type, text(kv.key), text(kv.value), Number(kv.mod_revision), Number(kv.create_revision), Number(kv.version), e.prev_kv ? recordKv(e.prev_kv) : null];
  });
  return {
    rev: Number(r.header?.revision ?? 0),
    ...(r.created ? { created: true as const } : {}),
    ...(r.canceled ? { canceled: true as const, compact: Number(r.compact_revision), reason: r.cancel_reason } : {}),
    ...(r.fragment ? { fragment: true as const } : {}),
    events,
  };
}

/** One watcher: sessions one after another, each resuming where the last one's deliveries ended. */
class Watcher {
  /** Every revision up to this one has been delivered (or vouched for by a progress notification). */
  upTo = 0;
  private session = 0;
  private endpoint: number;
  private call: WatchCall | undefined;
  private stopping = false;
  /** The current stream was canceled on purpose, to resume on another member. */
  private rotating = false;
  /** Once the faults healed: the slow watcher reads freely, to catch up. */
  private unstalled = false;
  /** Whether any stream of this watcher was created (later ones resume). */
  private started = false;

  constructor(
    private readonly spec: WatcherSpec,
    private readonly index: number,
    private readonly conns: readonly EtcdConn[],
    private readonly ctx: WorkloadContext,
    /** How many events the writers' acknowledged writes made so far. */
    private readonly eventsWritten: () => number,
  ) {
    this.endpoint = index % conns.length;
  }

  /** Sessions until stop(); `firstStart` is the first session's start revision. */
  async run(firstStart: number): Promise<void> {
    let start = firstStart;
    this.upTo = firstStart > 0 ? firstStart - 1 : 0;
    while (!this.stopping) {
      const result = await this.oneSession(start);
      if (this.started) start = this.upTo + 1;
      if (result === 'error') await delay(100 + 200 * this.ctx.random());
      this.endpoint = (this.endpoint + 1) % this.conns.length;
    }
  }

  /** Ends the current session and the loop. */
  stop(): void {
    this.stopping = true;
    this.call?.cancel();
  }

  /** Slow watchers read freely from now on. */
  unstall(): void {
    this.unstalled = true;
    this.call?.resume();
  }

  private oneSession(start: number): Promise<'closed' | 'error'> {
    const conn = this.conns[this.endpoint] as EtcdConn;
    const process = WATCH_PROCESS_BASE + this.index * 100_000 + this.session++;
    const input: WatchSessionInput = { watcher: this.spec.name, start, prevKv: this.spec.prevKv, endpoint: conn.endpoint, resumed: this.started };
    this.ctx.history.record({ process, type: 'invoke', f: 'watch', value: input });
    const responses: RecordedWatchResponse[] = [];
    const call = conn.watch(true);
    this.call = call;
    // The stream's timers: progress requests, the hop, the slow watcher's pauses (one at a time).
    let progress: NodeJS.Timeout | undefined;
    let hop: NodeJS.Timeout | undefined;
    let stall: NodeJS.Timeout | undefined;
    return new Promise((resolve) => {
      let done = false;
      const finish = (end: string, result: 'closed' | 'error'): void => {
        if (done) return;
        done = true;
        clearInterval(progress);
        clearTimeout(hop);
        clearTimeout(stall);
        const output: WatchSessionOutput = { responses, end };
        this.ctx.history.record({ process, type: 'ok', f: 'watch', value: output });
        this.call = undefined;
        call.cancel();
        resolve(result);
      };
      call.on('data', (pb: PbWatchResponse) => {
        const r = recordResponse(pb);
        responses.push(r);
        if (r.created === true) {
          this.started = true;
          if (start === 0) this.upTo = Math.max(this.upTo, r.rev);
        } else if (r.canceled === true) {
          finish(`canceled: ${r.reason ?? ''}${r.compact ? ` (compacted at ${r.compact})` : ''}`, 'error');
          return;
        }
        if (r.events.length > 0) this.upTo = Math.max(this.upTo, ...r.events.map((e) => e[3]));
        else if (r.created !== true && r.canceled !== true) this.upTo = Math.max(this.upTo, r.rev);
      });
      call.on('error', (err: Error & { code?: number }) => finish(this.stopping || this.rotating ? 'closed' : `error: ${err.message}`, this.stopping || this.rotating ? 'closed' : 'error'));
      call.on('end', () => finish('ended by the server', 'error'));
      call.write({ create_request: { key: Buffer.from(PREFIX), range_end: prefixEnd(PREFIX), start_revision: start, prev_kv: this.spec.prevKv, progress_notify: false } });
      // Ask for a progress notification twice a second: each one vouches that every revision up
      // to its header's was delivered (the bookmarkable guarantee).
      progress = setInterval(() => call.write({ progress_request: {} }), 500);
      this.rotating = false;
      if (this.spec.hops) {
        hop = setTimeout(() => {
          this.rotating = true;
          call.cancel();
        }, 1500 + 1500 * this.ctx.random());
      }
      if (this.spec.slow && !this.unstalled) {
        // Stop reading until the writers made 12,000 events (at most 14 s), then read for a
        // second: well past what the server buffers for one stream (4096 events by default, plus
        // what the transport holds).
        const cycle = (): void => {
          if (this.unstalled) return;
          call.pause();
          const pausedAt = this.eventsWritten();
          const untilMs = Date.now() + 14_000;
          const check = (): void => {
            if (this.unstalled || this.eventsWritten() - pausedAt >= 12_000 || Date.now() >= untilMs) {
              call.resume();
              stall = setTimeout(cycle, 1000);
            } else stall = setTimeout(check, 100);
          };
          stall = setTimeout(check, 100);
        };
        stall = setTimeout(cycle, 1000);
      }
    });
  }
}

/**
 * The watch workload: writers put, delete and run transactions on a few keys while watchers of
 * the whole prefix record every response they get: one from now, one from the first revision, one
 * started late from a past revision, one that keeps disconnecting and resuming, and one that
 * stops reading for seconds at a time. Afterwards the watchers catch up to a final read.
 */
export class WatchWorkload implements Workload {
  private stopped = false;
  private readonly conns: EtcdConn[];
  private readonly watchers: Watcher[];
  private readonly watcherRuns: Promise<void>[] = [];
  private nextValue = 0;
  /** The highest revision a write was acknowledged at (where the late watcher starts from). */
  private highestRev = 1;
  /** Events made by acknowledged writes (about: a txn's delete of nothing counts too). */
  private eventsWritten = 0;
  completed = 0;

  constructor(private readonly ctx: WorkloadContext) {
    this.conns = ctx.endpoints.map((e) => new EtcdConn(e));
    this.watchers = WATCHERS.map((spec, i) => new Watcher(spec, i, this.conns, ctx, () => this.eventsWritten));
  }

  async run(untilMs: number): Promise<void> {
    const startMs = Date.now();
    WATCHERS.forEach((spec, i) => {
      const w = this.watchers[i] as Watcher;
      if (spec.start === 'past') {
        this.watcherRuns.push(
          delay((untilMs - startMs) / 3).then(() => w.run(Math.max(1, this.highestRev - 200))),
        );
      } else {
        this.watcherRuns.push(w.run(spec.start));
      }
    });
    await runClients(this.ctx, this.conns, untilMs, () => this.stopped, (p, c) => this.oneOp(p, c), () => this.completed++);
  }

  /** A final read of the prefix, then every watcher catches up to its revision. */
  async finish(): Promise<void> {
    for (const w of this.watchers) w.unstall();
    const deadline = Date.now() + 30_000;
    // One recorded operation per attempt, each completed (a retry is a new operation).
    let attempt = 0;
    const final = await onAnyMember(this.conns, deadline, async (c) => {
      const done = await this.ctx.history.op(FINAL_PROCESS_BASE + attempt++, 'final-read', undefined, null, async () => {
        try {
          const res = await c.call<{ header: { revision: number }; kvs: PbKv[] }>('Range', { key: Buffer.from(PREFIX), range_end: prefixEnd(PREFIX) }, this.ctx.opTimeoutMs);
          const value: FinalRead = {
            rev: Number(res.header.revision),
            kvs: res.kvs.map((kv) => [text(kv.key), text(kv.value), Number(kv.mod_revision), Number(kv.create_revision), Number(kv.version)]),
          };
          return { type: 'ok', value };
        } catch {
          // A read has no effect: one that failed did not happen.
          return { type: 'fail', value: null };
        }
      });
      if (done.type !== 'ok') throw new Error('final read failed');
      return done;
    });
    const rev = (final.value as FinalRead).rev;
    while (Date.now() < deadline && this.watchers.some((w) => w.upTo < rev)) await delay(100);
    const behind = this.watchers.filter((w) => w.upTo < rev);
    if (behind.length > 0) this.ctx.log(`watchers still behind revision ${rev} at the deadline: ${behind.map((w) => w.upTo).join(', ')}`);
    for (const w of this.watchers) w.stop();
    await Promise.all(this.watcherRuns);
  }

  close(): void {
    this.stopped = true;
    for (const w of this.watchers) w.stop();
    for (const c of this.conns) c.close();
  }

  private oneOp(process: number, conn: EtcdConn): Promise<Completion> {
    const r = this.ctx.random;
    const t = this.ctx.opTimeoutMs;
    const key = (): string => `${PREFIX}${Math.floor(r() * KEYS)}`;
    const v = `${process}.${this.nextValue++}`;
    const unknown = (err: unknown, value: unknown): Completion => ({ type: definitelyFailed(err) ? 'fail' : 'info', value });
    const ack = (rev: number, events: number): void => {
      this.highestRev = Math.max(this.highestRev, rev);
      this.eventsWritten += events;
    };
    const roll = r();
    if (roll < 0.35) {
      const k = key();
      return this.ctx.history.op(process, 'put', k, { v }, async () => {
        try {
          const res = await conn.call<{ header: { revision: number } }>('Put', { key: Buffer.from(k), value: Buffer.from(v) }, t);
          ack(Number(res.header.revision), 1);
          return { type: 'ok', value: { v, rev: Number(res.header.revision) } };
        } catch (err) {
          return unknown(err, { v });
        }
      });
    }
    if (roll < 0.5) {
      const k = key();
      return this.ctx.history.op(process, 'delete', k, {}, async () => {
        try {
          const res = await conn.call<{ header: { revision: number }; deleted: number }>('DeleteRange', { key: Buffer.from(k) }, t);
          ack(Number(res.header.revision), Number(res.deleted));
          return { type: 'ok', value: { rev: Number(res.header.revision), deleted: Number(res.deleted) } };
        } catch (err) {
          return unknown(err, {});
        }
      });
    }
    if (roll < 0.75) {
      // Every key in one transaction: one revision, KEYS events, which must arrive together. One
      // in three also puts the batch keys: a hundred events in one revision, so that a watcher that
      // stops reading falls thousands of events behind within seconds, however slow the machine.
      const batch = roll < 0.6 ? Array.from({ length: BATCH_KEYS }, (_, i) => `${PREFIX}b${i}`) : [];
      const keys = [...Array.from({ length: KEYS }, (_, i) => `${PREFIX}${i}`), ...batch];
      return this.ctx.history.op(process, 'txn', undefined, { a: keys[0], b: keys[1], rest: keys.slice(2), v }, async () => {
        try {
          const puts = keys.map((k) => ({ request_put: { key: Buffer.from(k), value: Buffer.from(v) } }));
          const res = await conn.call<{ header: { revision: number }; succeeded: boolean }>('Txn', { compare: [], success: puts, failure: [] }, t);
          ack(Number(res.header.revision), keys.length);
          return { type: 'ok', value: { succeeded: res.succeeded, rev: Number(res.header.revision) } };
        } catch (err) {
          return unknown(err, { a: keys[0], b: keys[1], rest: keys.slice(2), v });
        }
      });
    }
    const a = key();
    let b = key();
    while (b === a) b = key();
    return this.ctx.history.op(process, 'txn', undefined, { a, b, v }, async () => {
      try {
        const res = await conn.call<{ header: { revision: number }; succeeded: boolean }>(
          'Txn',
          {
            compare: [{ key: Buffer.from(a), target: 'VERSION', result: 'GREATER', version: 0 }],
            success: [{ request_put: { key: Buffer.from(a), value: Buffer.from(v) } }, { request_put: { key: Buffer.from(b), value: Buffer.from(v) } }],
            failure: [{ request_put: { key: Buffer.from(a), value: Buffer.from(v) } }, { request_delete_range: { key: Buffer.from(b) } }],
          },
          t,
        );
        ack(Number(res.header.revision), 2);
        return { type: 'ok', value: { succeeded: res.succeeded, rev: Number(res.header.revision) } };
      } catch (err) {
        return unknown(err, { a, b, v });
      }
    });
  }
}
