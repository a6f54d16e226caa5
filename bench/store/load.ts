/**
 * The closed-loop load generator: `clients` loops, each sending its next request when the previous
 * one answered. A phase runs either for a warm-up plus a measured duration, or until a fixed number
 * of requests succeeded. Only successful requests started inside the measured window count towards
 * throughput and latency; errors are counted over the whole phase, with one sample message per kind.
 */
import { describeError } from './conns.js';
import { Histogram } from './histogram.js';

export class ErrorTally {
  count = 0;
  readonly byMessage = new Map<string, number>();

  add(err: unknown): void {
    this.count++;
    const msg = describeError(err);
    this.byMessage.set(msg, (this.byMessage.get(msg) ?? 0) + 1);
  }
}

export interface LoopResult {
  /** Successful requests started in the measured window. */
  readonly ok: number;
  readonly errors: ErrorTally;
  readonly latency: Histogram;
  /** From the start of the measured window to the last measured answer. */
  readonly elapsedMs: number;
  readonly perSecond: number;
  /** CPU the load generator (this process) used over the phase; 100 is one core. */
  readonly clientCpuPercent: number;
}

export type Until = { readonly warmupMs: number; readonly durationMs: number } | { readonly count: number };

export interface LoopOptions {
  /** Shown in the progress lines on stderr. */
  readonly label: string;
  readonly clients: number;
  readonly until: Until;
  /** Sends one request for client `client`; resolves when it succeeded. */
  readonly request: (client: number) => Promise<unknown>;
}

const now = (): bigint => process.hrtime.bigint();
const ERROR_BACKOFF_MS = 10;
/** A fixed-count phase gives up after this many errors rather than retrying for ever. */
const MAX_ERRORS_FOR_COUNT = 1000;

export async function runLoop(opts: LoopOptions): Promise<LoopResult> {
  const { until } = opts;
  const start = now();
  const cpuBefore = process.cpuUsage();
  const measureFrom = 'count' in until ? start : start + BigInt(until.warmupMs) * 1_000_000n;
  const stopAt = 'count' in until ? undefined : measureFrom + BigInt(until.durationMs) * 1_000_000n;
  const latency = new Histogram();
  const errors = new ErrorTally();
  let ok = 0;
  let started = 0;
  let lastAnswer = measureFrom;

  const more = (t: bigint): boolean =>
    'count' in until ? started < until.count && errors.count < MAX_ERRORS_FOR_COUNT : stopAt !== undefined && t < stopAt;

  const progress = setInterval(() => {
    const s = Number(now() - start) / 1e9;
    process.stderr.write(`  ${opts.label}: ${s.toFixed(0)}s ${ok} ok ${errors.count} errors\n`);
  }, 1000);
  progress.unref();

  const client = async (c: number): Promise<void> => {
    for (;;) {
      const t0 = now();
      if (!more(t0)) return;
      started++;
      try {
        await opts.request(c);
        const t1 = now();
        if (t0 >= measureFrom) {
          ok++;
          latency.recordNs(t1 - t0);
          if (t1 > lastAnswer) lastAnswer = t1;
        }
      } catch (err) {
        errors.add(err);
        // A request that failed does not count towards a fixed total.
        if ('count' in until) started--;
        await new Promise((r) => setTimeout(r, ERROR_BACKOFF_MS));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.clients }, (_, c) => client(c)));
  } finally {
    clearInterval(progress);
  }
  const elapsedMs = Number(lastAnswer - measureFrom) / 1e6;
  const perSecond = elapsedMs > 0 ? (ok / elapsedMs) * 1000 : 0;
  const cpu = process.cpuUsage(cpuBefore);
  const clientCpuPercent = ((cpu.user + cpu.system) / (Number(now() - start) / 1000)) * 100;
  process.stderr.write(
    `  ${opts.label}: done, ${ok} ok in ${(elapsedMs / 1000).toFixed(1)}s (${Math.round(perSecond)}/s), ${errors.count} errors, load generator CPU ${clientCpuPercent.toFixed(0)}%\n`,
  );
  return { ok, errors, latency, elapsedMs, perSecond, clientCpuPercent };
}
