/**
 * `npm run jepsen`: the long matrix. Every workload under every nemesis against a 5-member
 * cluster, one run each, then a summary table. Exits 1 if any run found an anomaly, 2 if a run
 * itself failed.
 *
 *   npm run jepsen -- [--time 120s] [--nodes 5] [--out DIR] [--only kill,pause] [--workloads watch,set] [--target etcd] [--net netns]
 *
 * Rows marked netns (packet loss, and a mix with it) need network namespaces: they run with
 * `--net netns` where that works (root on Linux) and are listed as skipped, with the reason,
 * elsewhere. `--net netns` runs every row in namespaces (delay then needs tc netem).
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runJepsenRunCommand } from '../cli/jepsen_run.js';
import { NetnsNetwork } from '../kvstore/cluster/index.js';
import { WORKLOAD_NAMES } from './harness/workload.js';

const MATRIX: ReadonlyArray<{ readonly name: string; readonly nemesis: string; readonly net?: 'netns' }> = [
  { name: 'partition-halves', nemesis: 'partition-halves' },
  { name: 'partition-leader', nemesis: 'partition-leader' },
  { name: 'partition-bridge', nemesis: 'partition-bridge' },
  { name: 'partition-asym', nemesis: 'partition-asym' },
  { name: 'kill', nemesis: 'kill' },
  { name: 'kill-leader', nemesis: 'kill-leader' },
  { name: 'kill-all', nemesis: 'kill-all' },
  { name: 'pause', nemesis: 'pause' },
  { name: 'delay', nemesis: 'delay' },
  { name: 'member', nemesis: 'member' },
  { name: 'mixed', nemesis: 'partition-leader,kill-leader,delay,pause,member,partition-halves,kill' },
  { name: 'loss', nemesis: 'loss', net: 'netns' },
  { name: 'mixed-netns', nemesis: 'partition-leader,loss,kill-leader,partition-asym,member,pause', net: 'netns' },
];

const { values } = parseArgs({
  options: {
    time: { type: 'string', default: '120s' },
    nodes: { type: 'string', default: '5' },
    out: { type: 'string' },
    only: { type: 'string' },
    workloads: { type: 'string', default: WORKLOAD_NAMES.join(',') },
    target: { type: 'string', default: 'ketch' },
    net: { type: 'string', default: 'loopback' },
  },
});
const netnsUnavailable = NetnsNetwork.unavailableReason();
const outRoot = values.out ?? path.join(tmpdir(), `ketch-jepsen-${Date.now()}`);
await mkdir(outRoot, { recursive: true });
const rows: Array<{ workload: string; name: string; code: number | string; seconds: number }> = [];
const selected = values.only === undefined ? MATRIX : MATRIX.filter((m) => values.only!.split(',').includes(m.name));
const workloads = values.workloads.split(',').filter((w) => w.length > 0);
const runs = workloads.flatMap((workload) => selected.map((m) => ({ workload, ...m })));
for (const [i, m] of runs.entries()) {
  const net = m.net ?? values.net;
  if (net === 'netns' && (netnsUnavailable !== undefined || values.target !== 'ketch')) {
    const why = netnsUnavailable ?? 'netns mode runs ketch members only';
    process.stderr.write(`\n== jepsen ${i + 1}/${runs.length}: ${m.workload} under ${m.nemesis}: skipped (needs --net netns: ${why})\n`);
    rows.push({ workload: m.workload, name: m.name, code: `skipped: ${why}`, seconds: 0 });
    continue;
  }
  process.stderr.write(`\n== jepsen ${i + 1}/${runs.length}: ${m.workload} under ${m.nemesis} (${values.time}, ${values.nodes} nodes, ${values.target}, ${net})\n`);
  const start = Date.now();
  const out = path.join(outRoot, `${m.workload}-${m.name}`);
  const code = await runJepsenRunCommand(['--workload', m.workload, '--nemesis', m.nemesis, '--nodes', values.nodes, '--time', values.time, '--target', values.target, '--net', net, '--out', out]);
  rows.push({ workload: m.workload, name: m.name, code, seconds: Math.round((Date.now() - start) / 1000) });
}
const verdict = (c: number | string): string => (typeof c === 'string' ? c : c === 0 ? 'valid' : c === 1 ? 'ANOMALY' : 'harness failed');
process.stdout.write(`\n| run | verdict | seconds | report |\n|---|---|---:|---|\n`);
for (const r of rows) process.stdout.write(`| ${r.workload} × ${r.name} | ${verdict(r.code)} | ${r.seconds} | ${path.join(outRoot, `${r.workload}-${r.name}`, 'report.html')} |\n`);
process.exitCode = rows.some((r) => r.code === 1) ? 1 : rows.some((r) => typeof r.code === 'number' && r.code !== 0) ? 2 : 0;
