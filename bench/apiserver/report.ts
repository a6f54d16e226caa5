/**
 * The markdown report: one table with a row per measured phase (rate, p50/p99 latency, errors,
 * and what the API server, the store members and the benchmark process cost during it), then the
 * issue's targets with verdicts (reported, not asserted), failures and error kinds, the machine
 * and settings, the CPU profile summary if one was taken, and last the exact command line.
 */
import type { BenchResult, PhaseCost } from './results.js';

export function formatMs(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  return `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ms`;
}

const cpu = (c: { seconds: number; percent: number }): string => `${c.seconds.toFixed(1)} s (${c.percent.toFixed(0)}%)`;

/** CPU time per operation, in the unit that reads best (µs or ms). */
function perOp(seconds: number, ops: readonly [number, string] | undefined): string {
  if (ops === undefined || ops[0] <= 0) return '—';
  const us = (seconds * 1e6) / ops[0];
  return `${us >= 1000 ? `${(us / 1000).toFixed(us >= 10_000 ? 0 : 1)} ms` : `${us.toFixed(0)} µs`} / ${ops[1]}`;
}

function costCells(c: PhaseCost | undefined, ops: readonly [number, string] | undefined): string[] {
  if (c === undefined) return ['〃', '〃', '〃', '〃', '〃', '〃'];
  return [
    c.apiserverRssMiB === undefined ? 'n/a' : `${c.apiserverRssMiB.toFixed(0)} MiB`,
    cpu(c.apiserverCpu),
    perOp(c.apiserverCpu.seconds, ops),
    cpu(c.storeCpu),
    perOp(c.storeCpu.seconds, ops),
    cpu(c.benchCpu),
  ];
}

export interface ReportInput {
  readonly result: BenchResult;
  readonly notes: readonly string[];
  readonly command: string;
}

export function renderReport({ result, notes, command }: ReportInput): string {
  const lines: string[] = [
    '| phase | rate | p50 | p99 | errors | apiserver RSS at end | apiserver CPU | apiserver CPU per op | store CPU (3 members) | store CPU per op | bench CPU | notes |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of result.rows) {
    lines.push(`| ${r.phase} | ${r.rate ?? '—'} | ${formatMs(r.p50Ms)} | ${formatMs(r.p99Ms)} | ${r.errors} | ${costCells(r.cost, r.ops).join(' | ')} | ${r.notes} |`);
  }
  lines.push('', "CPU columns: CPU seconds used during the phase (in brackets, as a percentage of one core over the phase's wall time). Per op: that CPU divided by the phase's operations (requests, lists, or deliveries to a watcher): a figure that depends less on how busy the shared machine was. A phase with several rows (the fan-out) shows its RSS and CPU on its first row; they cover the whole phase.");

  lines.push('', 'Targets (reported, not asserted):');
  if (result.targets.length === 0) lines.push('- none measured');
  for (const t of result.targets) lines.push(`- ${t.what}: ${t.measured} — ${t.met === undefined ? 'not measured' : t.met ? 'met' : '**NOT met**'}`);

  lines.push('', 'Failures:');
  if (result.failures.length === 0) lines.push('- none');
  for (const f of result.failures) lines.push(`- ${f}`);
  if (result.errorNotes.length > 0) {
    lines.push('', 'Errors by kind:');
    for (const e of result.errorNotes) lines.push(`- ${e}`);
  }

  lines.push('', `- ${result.version}`);
  for (const n of notes) lines.push(`- ${n}`);
  if (result.profile.length > 0) {
    lines.push('', 'API server CPU profile (`--cpu-prof`):');
    for (const p of result.profile) lines.push(`- ${p}`);
  }
  lines.push('', `Command: \`${command}\``);
  return `${lines.join('\n')}\n`;
}
