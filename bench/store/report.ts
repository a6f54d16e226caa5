/**
 * The markdown report: one table `| workload | ketch | etcd | ketch/etcd |` with both targets' rows
 * lined up by key, the issue's targets (reported, not asserted), errors, versions and settings, and
 * last the exact command line.
 */
import type { Row, TargetResult, Unit } from './results.js';

interface Target {
  readonly key: string;
  readonly what: string;
  /** The ketch/etcd ratio must be at least (higher is better) or at most (lower is better) `limit`. */
  readonly atLeast: boolean;
  readonly limit: number;
}

const TARGETS: readonly Target[] = [
  { key: 'put:64:rate', what: 'put throughput, 64 clients', atLeast: true, limit: 1.0 },
  { key: 'put:1:p50', what: 'put p50 latency, 1 client', atLeast: false, limit: 1.0 },
  { key: 'rss:loaded:max', what: 'RSS with the key space loaded (largest member)', atLeast: false, limit: 2.0 },
];

export interface ReportInput {
  readonly ketch: TargetResult | undefined;
  /** undefined when etcd was not run; `etcdSkipped` says why. */
  readonly etcd: TargetResult | undefined;
  readonly etcdSkipped: string | undefined;
  /** Lines describing machine and settings. */
  readonly notes: readonly string[];
  readonly command: string;
}

function formatValue(v: number | undefined, unit: Unit): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  switch (unit) {
    case 'req/s':
    case 'events/s':
      return `${Math.round(v).toLocaleString('en-US')} ${unit}`;
    case 'ms':
      return `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ms`;
    case 'MiB':
      return `${v.toFixed(1)} MiB`;
    default: {
      const never: never = unit;
      return String(never);
    }
  }
}

function ratio(k: number | undefined, e: number | undefined): number | undefined {
  return k === undefined || e === undefined || e === 0 || !Number.isFinite(k) || !Number.isFinite(e) ? undefined : k / e;
}

const times = (r: number | undefined): string => (r === undefined ? 'n/a' : `${r.toFixed(2)}×`);

/** Rows of both targets in first-seen order (ketch's, then any only etcd has). */
function mergedRows(input: ReportInput): Array<{ key: string; label: string; unit: Unit }> {
  const seen = new Map<string, Row>();
  for (const r of [...(input.ketch?.rows ?? []), ...(input.etcd?.rows ?? [])]) if (!seen.has(r.key)) seen.set(r.key, r);
  return [...seen.values()];
}

const valueOf = (t: TargetResult | undefined, key: string): number | undefined => t?.rows.find((r) => r.key === key)?.value;
const errorCount = (t: TargetResult | undefined): number | undefined => (t === undefined ? undefined : t.errors.reduce((n, e) => n + e.tally.count, 0));

export function renderReport(input: ReportInput): string {
  const { ketch, etcd } = input;
  const lines: string[] = ['| workload | ketch | etcd | ketch/etcd |', '|---|---:|---:|---:|'];
  for (const row of mergedRows(input)) {
    const k = valueOf(ketch, row.key);
    const e = valueOf(etcd, row.key);
    lines.push(`| ${row.label} | ${ketch ? formatValue(k, row.unit) : 'n/a'} | ${etcd ? formatValue(e, row.unit) : 'n/a'} | ${times(ratio(k, e))} |`);
  }
  const ke = errorCount(ketch);
  const ee = errorCount(etcd);
  lines.push(`| errors, all phases | ${ke ?? 'n/a'} | ${ee ?? 'n/a'} | — |`);

  lines.push('', 'Targets (ketch/etcd; reported, not asserted):');
  for (const t of TARGETS) {
    const r = ratio(valueOf(ketch, t.key), valueOf(etcd, t.key));
    const verdict = r === undefined ? 'not measured' : (t.atLeast ? r >= t.limit : r <= t.limit) ? 'met' : 'NOT met';
    lines.push(`- ${t.what} ${t.atLeast ? '≥' : '≤'} ${t.limit.toFixed(1)}× etcd: ${times(r)} — ${verdict}`);
  }

  lines.push('', 'Errors and failures:');
  let any = false;
  for (const t of [ketch, etcd]) {
    if (t === undefined) continue;
    for (const f of t.failures) {
      any = true;
      lines.push(`- ${t.kind}: ${f}`);
    }
    for (const e of t.errors) {
      if (e.tally.count === 0) continue;
      any = true;
      const kinds = [...e.tally.byMessage].map(([msg, n]) => `${n}× ${msg}`).join('; ');
      lines.push(`- ${t.kind}, ${e.phase}: ${e.tally.count} errors (${kinds})`);
    }
  }
  if (!any) lines.push('- none');

  lines.push('', `- ketch: ${ketch?.version ?? 'not run'}`, `- etcd: ${etcd?.version ?? `not run (${input.etcdSkipped ?? 'not requested'})`}`);
  for (const n of input.notes) lines.push(`- ${n}`);
  for (const t of [ketch, etcd]) {
    if (t === undefined) continue;
    const cpu = t.clientCpu.map((c) => `${c.phase}: ${c.percent.toFixed(0)}%`).join('; ');
    lines.push(`- ${t.kind} run: load average ${t.loadAverage?.toFixed(2) ?? 'n/a'} at start; load generator CPU per phase (100% = one core): ${cpu}`);
  }
  lines.push('', `Command: \`${input.command}\``);
  return `${lines.join('\n')}\n`;
}
