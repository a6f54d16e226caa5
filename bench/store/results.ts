/**
 * What one target's run produced: table rows keyed so that both targets' rows line up, the errors
 * each phase counted, and the phases that could not run at all.
 */
import type { TargetKind } from './cluster.js';
import type { ErrorTally, LoopResult } from './load.js';

/** Throughputs are better higher, latencies and memory lower. */
export type Unit = 'req/s' | 'events/s' | 'ms' | 'MiB';

export interface Row {
  /** Stable across targets (e.g. `put:64:rate`), for lining rows up and checking targets. */
  readonly key: string;
  readonly label: string;
  readonly unit: Unit;
  readonly value: number | undefined;
}

export interface TargetResult {
  readonly kind: TargetKind;
  version: string;
  readonly rows: Row[];
  readonly errors: Array<{ readonly phase: string; readonly tally: ErrorTally }>;
  /** Phases (or the whole start) that failed, with the reason. */
  readonly failures: string[];
  /** The load generator's CPU per phase (100 is one core): near 100, the client bounds the numbers. */
  readonly clientCpu: Array<{ readonly phase: string; readonly percent: number }>;
  /** The machine's 1-minute load average when the target's cluster started. */
  loadAverage: number | undefined;
}

export function emptyResult(kind: TargetKind): TargetResult {
  return { kind, version: 'n/a', rows: [], errors: [], failures: [], clientCpu: [], loadAverage: undefined };
}

/** Throughput and p50/p90/p99 rows for one closed-loop phase. */
export function loopRows(key: string, label: string, r: LoopResult, unit: Unit = 'req/s'): Row[] {
  return [
    { key: `${key}:rate`, label: `${label}: throughput`, unit, value: r.perSecond },
    ...latencyRows(key, label, r.latency),
  ];
}

export function latencyRows(key: string, label: string, h: LoopResult['latency']): Row[] {
  return ([0.5, 0.9, 0.99] as const).map((q) => {
    const p = `p${Math.round(q * 100)}`;
    return { key: `${key}:${p}`, label: `${label}: ${p} latency`, unit: 'ms' as const, value: h.quantileMs(q) };
  });
}
