/**
 * `npm run jepsen`: the long matrix. Every nemesis against a 5-member cluster, one run each, then a
 * summary table. Exits 1 if any run found an anomaly, 2 if a run itself failed.
 *
 *   npm run jepsen -- [--time 120s] [--nodes 5] [--out DIR]
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runJepsenRunCommand } from '../cli/jepsen_run.js';

const MATRIX: ReadonlyArray<{ readonly name: string; readonly nemesis: string }> = [
  { name: 'partition-halves', nemesis: 'partition-halves' },
  { name: 'partition-leader', nemesis: 'partition-leader' },
  { name: 'partition-bridge', nemesis: 'partition-bridge' },
  { name: 'partition-asym', nemesis: 'partition-asym' },
  { name: 'kill', nemesis: 'kill' },
  { name: 'kill-leader', nemesis: 'kill-leader' },
  { name: 'kill-all', nemesis: 'kill-all' },
  { name: 'pause', nemesis: 'pause' },
  { name: 'mixed', nemesis: 'partition-leader,kill-leader,pause,partition-halves,kill' },
];

const { values } = parseArgs({
  options: { time: { type: 'string', default: '120s' }, nodes: { type: 'string', default: '5' }, out: { type: 'string' }, only: { type: 'string' } },
});
const outRoot = values.out ?? path.join(tmpdir(), `ketch-jepsen-${Date.now()}`);
await mkdir(outRoot, { recursive: true });
const rows: Array<{ name: string; code: number; seconds: number }> = [];
const selected = values.only === undefined ? MATRIX : MATRIX.filter((m) => values.only!.split(',').includes(m.name));
for (const [i, m] of selected.entries()) {
  process.stderr.write(`\n== jepsen ${i + 1}/${selected.length}: register under ${m.nemesis} (${values.time}, ${values.nodes} nodes)\n`);
  const start = Date.now();
  const code = await runJepsenRunCommand(['--workload', 'register', '--nemesis', m.nemesis, '--nodes', values.nodes, '--time', values.time, '--out', path.join(outRoot, m.name)]);
  rows.push({ name: m.name, code, seconds: Math.round((Date.now() - start) / 1000) });
}
const verdict = (c: number): string => (c === 0 ? 'valid' : c === 1 ? 'ANOMALY' : 'harness failed');
process.stdout.write(`\n| run | verdict | seconds | report |\n|---|---|---:|---|\n`);
for (const r of rows) process.stdout.write(`| register × ${r.name} | ${verdict(r.code)} | ${r.seconds} | ${path.join(outRoot, r.name, 'report.html')} |\n`);
process.exitCode = rows.some((r) => r.code === 1) ? 1 : rows.some((r) => r.code !== 0) ? 2 : 0;
