/**
 * Load generators for the mutating phases.
 *
 * Open loop (a fixed offered rate): request i is due at start + i/qps and is issued then whether
 * or not earlier ones have answered, and its latency counts from when it was due, not from when
 * it went out, so a stalled server shows up in the latency instead of silently lowering the load
 * (no coordinated omission).
 *
 * Closed loop (maximum throughput): `clients` loops, each sending its next request when the
 * previous one answered.
 *
 * Both measure only requests due (or started) after the warm-up; errors count over the whole phase.
 */
import { Histogram } from '../store/histogram.js';
import { describeError } from './http_client.js';
import { selfCpuMeter } from './proc.js';

export class ErrorTally {
  count = 0;
  readonly byKind = new Map<string, number>();

  add(err: unknown): void {
    this.count++;
    const kind = describeError(err);
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
  }

  describe(): string {
    return [...this.byKind].map(([kind, n]) => `${n}× ${kind}`).join('; ');
  }
}

export interface LoadResult {
  readonly label: string;
  /** Successful requests in the measured window. */
  readonly ok: number;
  /** Successful requests over the whole phase, warm-up included (what the phase's CPU paid for). */
  readonly allOk: number;
  readonly errors: ErrorTally;
  readonly latency: Histogram;
  /** Successful requests per second over the measured window. */
  readonly perSecond: number;
  /** CPU this process used over the phase; 100 is one core. */
  readonly loadGenCpuPercent: number;
}

const nowNs = (): bigint => process.hrtime.bigint();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How many requests of an open loop at `qps` are due `elapsedNs` after its start (the first at 0). */
export function dueCount(elapsedNs: bigint, qps: number): number {
  if (elapsedNs < 0n) return 0;
  return Math.floor((Number(elapsedNs) * qps) / 1e9) + 1;
}

/** When request `i` of an open loop at `qps` is due, in ns after the start. */
export function dueAtNs(i: number, qps: number): bigint {
  return BigInt(Math.round((i * 1e9) / qps));
}

function progress(label: string, start: bigint, status: () => string): NodeJS.Timeout {
  const t = setInterval(() => {
    process.stderr.write(`  ${label}: ${(Number(nowNs() - start) / 1e9).toFixed(0)}s ${status()}\n`);
  }, 2000);
  t.unref();
  return t;
}

export interface OpenLoopOptions {
  readonly label: string;
  readonly qps: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Sends request number i; resolves when it succeeded. */
  readonly request: (i: number) => Promise<unknown>;
}

export async function runOpenLoop(opts: OpenLoopOptions): Promise<LoadResult> {
  const total = Math.ceil(((opts.warmupMs + opts.durationMs) / 1000) * opts.qps);
  const measureFrom = Math.ceil((opts.warmupMs / 1000) * opts.qps);
  const latency = new Histogram();
  const errors = new ErrorTally();
  const cpu = selfCpuMeter();
  const inFlight = new Set<Promise<void>>();
  let ok = 0;
  let allOk = 0;
  let next = 0;
  const start = nowNs();
  let lastAnswer = start + dueAtNs(measureFrom, opts.qps);
  const timer = progress(opts.label, start, () => `${next} sent ${ok} ok ${errors.count} errors ${inFlight.size} in flight`);

  const issue = (i: number): void => {
    const due = start + dueAtNs(i, opts.qps);
    const p = opts.request(i).then(
      () => {
        allOk++;
        if (i >= measureFrom) {
          const t = nowNs();
          ok++;
          latency.recordNs(t - due);
          if (t > lastAnswer) lastAnswer = t;
        }
      },
      (err: unknown) => errors.add(err),
    );
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  try {
    while (next < total) {
      const due = Math.min(total, dueCount(nowNs() - start, opts.qps));
      while (next < due) issue(next++);
      if (next >= total) break;
      const waitNs = start + dueAtNs(next, opts.qps) - nowNs();
      await sleep(Math.max(0, Number(waitNs) / 1e6));
    }
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  } finally {
    clearInterval(timer);
  }
  // Completed per second, from when the first measured request was due to the last answer: below
  // the offered rate when the server fell behind.
  const windowS = Math.max(opts.durationMs / 1000, Number(lastAnswer - (start + dueAtNs(measureFrom, opts.qps))) / 1e9);
  const perSecond = ok / windowS;
  const loadGenCpuPercent = cpu().percent;
  process.stderr.write(`  ${opts.label}: done, ${ok} ok (${perSecond.toFixed(0)}/s offered ${opts.qps}/s), ${errors.count} errors${errors.count > 0 ? ` (${errors.describe()})` : ''}\n`);
  return { label: opts.label, ok, allOk, errors, latency, perSecond, loadGenCpuPercent };
}

export interface ClosedLoopOptions {
  readonly label: string;
  readonly clients: number;
  /** A measured run after a warm-up, or a fixed number of successful requests (all measured). */
  readonly until: { readonly warmupMs: number; readonly durationMs: number } | { readonly count: number };
  /** Sends the next request of `client`; `seq` counts that client's requests from 0. */
  readonly request: (client: number, seq: number) => Promise<unknown>;
}

/** A fixed-count run gives up after this many errors rather than retrying for ever. */
const MAX_ERRORS_FOR_COUNT = 200;
const ERROR_BACKOFF_MS = 20;

export async function runClosedLoop(opts: ClosedLoopOptions): Promise<LoadResult> {
  const { until } = opts;
  const latency = new Histogram();
  const errors = new ErrorTally();
  const cpu = selfCpuMeter();
  const start = nowNs();
  const measureFrom = 'count' in until ? start : start + BigInt(until.warmupMs) * 1_000_000n;
  const stopAt = 'count' in until ? undefined : measureFrom + BigInt(until.durationMs) * 1_000_000n;
  let ok = 0;
  let allOk = 0;
  let claimed = 0;
  let lastAnswer = measureFrom;
  const timer = progress(opts.label, start, () => `${ok} ok ${errors.count} errors`);

  const more = (t: bigint): boolean => ('count' in until ? claimed < until.count && errors.count < MAX_ERRORS_FOR_COUNT : stopAt !== undefined && t < stopAt);
  const client = async (c: number): Promise<void> => {
    for (let seq = 0; ; ) {
      const t0 = nowNs();
      if (!more(t0)) return;
      claimed++;
      try {
        await opts.request(c, seq++);
        allOk++;
        const t1 = nowNs();
        if (t0 >= measureFrom) {
          ok++;
          latency.recordNs(t1 - t0);
          if (t1 > lastAnswer) lastAnswer = t1;
        }
      } catch (err) {
        errors.add(err);
        if ('count' in until) claimed--;
        await sleep(ERROR_BACKOFF_MS);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.clients }, (_, c) => client(c)));
  } finally {
    clearInterval(timer);
  }
  const elapsedMs = Number(lastAnswer - measureFrom) / 1e6;
  const perSecond = elapsedMs > 0 ? (ok / elapsedMs) * 1000 : 0;
  const loadGenCpuPercent = cpu().percent;
  process.stderr.write(`  ${opts.label}: done, ${ok} ok in ${(elapsedMs / 1000).toFixed(1)}s (${perSecond.toFixed(0)}/s), ${errors.count} errors${errors.count > 0 ? ` (${errors.describe()})` : ''}\n`);
  return { label: opts.label, ok, allOk, errors, latency, perSecond, loadGenCpuPercent };
}
