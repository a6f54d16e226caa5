/**
 * What a run produced: one table row per measured phase (with what the API server, the store and
 * the load generator cost during it), the targets with their verdicts, and failures.
 */
import type { CpuUse } from './proc.js';

export interface PhaseCost {
  /** The API server's VmRSS at the end of the phase. */
  readonly apiserverRssMiB: number | undefined;
  readonly apiserverCpu: CpuUse;
  /** All store members together. */
  readonly storeCpu: CpuUse;
  /** This process: load generator and watchers. */
  readonly benchCpu: CpuUse;
}

export interface Row {
  readonly phase: string;
  /** Formatted, with its unit ("100 req/s"), or undefined. */
  readonly rate: string | undefined;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly errors: number;
  readonly notes: string;
  /** What the phase's CPU is divided by for the per-operation column, e.g. [7790, 'request']. */
  readonly ops?: readonly [count: number, unit: string];
  cost?: PhaseCost;
}

export interface TargetVerdict {
  readonly what: string;
  readonly measured: string;
  /** undefined: not measured (the phase did not run). */
  readonly met: boolean | undefined;
}

export interface BenchResult {
  version: string;
  readonly rows: Row[];
  readonly targets: TargetVerdict[];
  /** Phases that failed (could not run, or a correctness check failed). */
  readonly failures: string[];
  /** Error kinds per phase ("create 100 QPS: 3× 409 Conflict"). */
  readonly errorNotes: string[];
  /** Lines about the apiserver's CPU profile, when one was taken. */
  profile: string[];
}

export function emptyResult(): BenchResult {
  return { version: 'n/a', rows: [], targets: [], failures: [], errorNotes: [], profile: [] };
}
