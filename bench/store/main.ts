/**
 * store-bench: the same workload against a ketch cluster and a real etcd cluster of the same size on
 * this machine, printed as one markdown table with ketch/etcd ratios.
 *
 *   npm run bench -- [--phases fill,put,get,watch] [--seconds 10] [--target both|ketch|etcd] [--out FILE] [--keys 100000] …
 *
 * Progress goes to stderr; the table (and the command line) to stdout, and to --out if given.
 * Member processes are killed on exit, error and Ctrl-C; the temp directory is removed unless
 * --keep-data is given or a target failed (its member logs are there).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { killAllMembers } from './cluster.js';
import { renderReport } from './report.js';
import type { TargetResult } from './results.js';
import { benchTarget, PHASES, type BenchSettings } from './target.js';
import { makeKeySpace } from './workloads.js';

const HELP = `usage: store-bench [flags]

  --target both|ketch|etcd   what to run (default both; etcd is skipped when --etcd-bin is missing)
  --phases LIST              phases to run, of fill,put,get,watch (default all); \`--phases fill\` is
                             the fill and the RSS with the key space loaded alone
  --seconds N                measured duration of each phase (default 10)
  --warmup-seconds N         unmeasured warm-up before each phase (default 1)
  --out FILE                 also write the markdown report to FILE
  --nodes N                  members per cluster (default 3)
  --keys N                   key space, filled before the phases (default 100000)
  --value-bytes N            value size (default 256)
  --put-clients LIST         client counts of the put phases (default 1,16,64,256)
  --get-clients N            clients of the get phases (default 64)
  --max-conns N              gRPC connections per phase: min(clients, N) (default 8)
  --watchers N               watchers on the watched prefix (default 100)
  --watch-streams N          Watch streams the watchers share (default 10)
  --watch-writers N          concurrent writers in the watch phase (default 4)
  --endpoints leader|all     send requests to the leader or spread them over members (default leader)
  --request-timeout-ms N     per-request deadline (default 5000)
  --etcd-bin PATH            (default /usr/bin/etcd)
  --keep-data                keep the temp directory with data and member logs
`;

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'both' },
    phases: { type: 'string', default: PHASES.join(',') },
    seconds: { type: 'string', default: '10' },
    'warmup-seconds': { type: 'string', default: '1' },
    out: { type: 'string' },
    nodes: { type: 'string', default: '3' },
    keys: { type: 'string', default: '100000' },
    'value-bytes': { type: 'string', default: '256' },
    'put-clients': { type: 'string', default: '1,16,64,256' },
    'get-clients': { type: 'string', default: '64' },
    'max-conns': { type: 'string', default: '8' },
    watchers: { type: 'string', default: '100' },
    'watch-streams': { type: 'string', default: '10' },
    'watch-writers': { type: 'string', default: '4' },
    endpoints: { type: 'string', default: 'leader' },
    'request-timeout-ms': { type: 'string', default: '5000' },
    'etcd-bin': { type: 'string', default: '/usr/bin/etcd' },
    'keep-data': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

function num(flag: string, v: string, min = 1): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) {
    process.stderr.write(`store-bench: --${flag}: "${v}" must be a number ≥ ${min}\n`);
    process.exit(2);
  }
  return n;
}

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) {
    process.stderr.write(`store-bench: --${flag}: "${v}" must be one of ${allowed.join(', ')}\n`);
    process.exit(2);
  }
  return v as T;
}

const target = oneOf('target', values.target, ['both', 'ketch', 'etcd'] as const);
const etcdBin = values['etcd-bin'];
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ketch-bench-'));
const settings: BenchSettings = {
  phases: new Set(values.phases.split(',').map((p) => oneOf('phases', p.trim(), PHASES))),
  nodes: num('nodes', values.nodes),
  dataDir,
  etcdBin,
  heartbeatMs: 100,
  electionMs: 1000,
  warmupMs: num('warmup-seconds', values['warmup-seconds'], 0) * 1000,
  durationMs: num('seconds', values.seconds) * 1000,
  requestTimeoutMs: num('request-timeout-ms', values['request-timeout-ms']),
  endpoints: oneOf('endpoints', values.endpoints, ['leader', 'all'] as const),
  maxConns: num('max-conns', values['max-conns']),
  putClients: values['put-clients'].split(',').map((c) => num('put-clients', c.trim())),
  fillClients: 64,
  getClients: num('get-clients', values['get-clients']),
  watchers: num('watchers', values.watchers),
  watchStreams: num('watch-streams', values['watch-streams']),
  watchWriters: num('watch-writers', values['watch-writers']),
};
const keySpace = makeKeySpace(num('keys', values.keys), num('value-bytes', values['value-bytes']));

let keepData = values['keep-data'];
const cleanUp = (): void => {
  killAllMembers();
  if (!keepData) rmSync(dataDir, { recursive: true, force: true });
};
process.on('exit', cleanUp);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    process.stderr.write(`store-bench: ${sig}, stopping members\n`);
    process.exit(130);
  });
}

function commandLine(): string {
  const quote = (a: string): string => (/^[\w./:=,@-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  const args = process.argv.slice(2).map(quote).join(' ');
  const script = path.relative(process.cwd(), process.argv[1] ?? '');
  const npmScript = process.env.npm_lifecycle_event;
  if (npmScript !== undefined) return `npm run ${npmScript}${args === '' ? '' : ` -- ${args}`}`;
  return `node ${script}${args === '' ? '' : ` ${args}`}`;
}

function notes(): string[] {
  const cpus = os.cpus();
  return [
    `machine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB, Linux ${os.release()}, Node ${process.version}; shared machine, members and load generator on the same cores`,
    `clusters: ${settings.nodes} members each on 127.0.0.1, fresh data dirs, heartbeat ${settings.heartbeatMs} ms, election ${settings.electionMs} ms, other settings each system's defaults; started fresh per target`,
    `load: raw grpc-js clients of etcd's v3 protos (same for both), closed loop, min(clients, ${settings.maxConns}) connections, requests to ${settings.endpoints === 'leader' ? 'the leader' : 'all members round-robin'}, per-request deadline ${settings.requestTimeoutMs} ms`,
    `workload: ${keySpace.keys.length.toLocaleString('en-US')} keys of 11 B, values of ${keySpace.value.length} B, random keys; fill with ${settings.fillClients} clients; warm-up ${settings.warmupMs / 1000} s then ${settings.durationMs / 1000} s per phase; watch latency from put sent to event received; RSS from /proc/<pid>/status`,
  ];
}

async function main(): Promise<void> {
  let etcdSkipped: string | undefined;
  if (target === 'ketch') etcdSkipped = '--target ketch';
  else if (!existsSync(etcdBin)) etcdSkipped = `${etcdBin} not found`;
  let ketch: TargetResult | undefined;
  let etcd: TargetResult | undefined;
  if (target !== 'etcd') ketch = await benchTarget('ketch', settings, keySpace);
  if (etcdSkipped === undefined) etcd = await benchTarget('etcd', settings, keySpace);
  if ([ketch, etcd].some((t) => t !== undefined && t.failures.length > 0)) {
    keepData = true;
    process.stderr.write(`store-bench: a phase failed; data and member logs kept in ${dataDir}\n`);
  }
  const report = renderReport({ ketch, etcd, etcdSkipped, notes: notes(), command: commandLine() });
  process.stdout.write(report);
  if (values.out !== undefined) writeFileSync(values.out, report);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`store-bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
