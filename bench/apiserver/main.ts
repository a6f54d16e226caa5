/**
 * apiserver-bench: a 3-member store cluster and one `ketch apiserver` as real processes on
 * loopback, driven over HTTP and WebSocket as clients drive kube-apiserver:
 *
 *   1. pod creates and updates (PUT, merge PATCH) at a fixed offered rate (open loop), and at the
 *      most N clients get through (closed loop), with p50/p99 latency;
 *   2. lists of --pods pods: full, paginated (limit + continue) and resourceVersion=0 (watch cache);
 *   3. watch fan-out: --watchers WebSocket watches, a steady writer, delivery latency, and a check
 *      that every watcher got every event exactly once, in order.
 *
 *   npm run bench:apiserver -- [--seconds 10] [--qps 100] [--pods 10000] [--watchers 1000] [--out FILE] …
 *
 * Progress goes to stderr; the markdown report to stdout, and to --out if given. The API server's
 * RSS and CPU time are read from /proc after each phase. Processes are killed on exit, error and
 * Ctrl-C; the temp directory is removed unless --keep-data is given or a phase failed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runFanout } from './fanout.js';
import { ApiClient } from './http_client.js';
import { runLists, type ListKind } from './lists.js';
import type { LoadResult } from './load.js';
import { closedLoop, fill, openLoop, PodPool, type MutationSettings } from './mutations.js';
import { cpuMeter, memoryMiB, selfCpuMeter } from './proc.js';
import { profileOf, summarizeProfile } from './profile.js';
import { renderReport, formatMs } from './report.js';
import { emptyResult, type BenchResult, type Row } from './results.js';
import { killEverything, startStack, type Stack } from './stack.js';

const HELP = `usage: apiserver-bench [flags]

  --seconds N             measured duration of each rate phase and of the fan-out writer (default 10)
  --warmup-seconds N      unmeasured warm-up before each rate phase (default 1)
  --qps N                 offered rate of the open-loop create/update phases (default 100)
  --clients N             concurrent clients of the closed-loop phases and the fill (default 16)
  --pods N                pods in the namespace for the list phase (default 10000)
  --list-runs N           measured runs of each kind of list (default 5)
  --page-size N           limit of the paginated list (default 500)
  --watchers N            WebSocket watchers in the fan-out phase (default 1000)
  --watch-qps N           writes per second in the fan-out phase (default 20)
  --request-timeout-ms N  per-request deadline (default 30000)
  --out FILE              also write the markdown report to FILE
  --cpu-prof DIR          run the API server under node --cpu-prof, keep the profile in DIR and summarize it
  --apiserver-log-level L the API server's --log-level (default warn)
  --keep-data             keep the temp directory (store data, member and API server logs)
`;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    'warmup-seconds': { type: 'string', default: '1' },
    qps: { type: 'string', default: '100' },
    clients: { type: 'string', default: '16' },
    pods: { type: 'string', default: '10000' },
    'list-runs': { type: 'string', default: '5' },
    'page-size': { type: 'string', default: '500' },
    watchers: { type: 'string', default: '1000' },
    'watch-qps': { type: 'string', default: '20' },
    'request-timeout-ms': { type: 'string', default: '30000' },
    out: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'apiserver-log-level': { type: 'string', default: 'warn' },
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
    process.stderr.write(`apiserver-bench: --${flag}: "${v}" must be a number ≥ ${min}\n`);
    process.exit(2);
  }
  return n;
}

const settings = {
  durationMs: num('seconds', values.seconds) * 1000,
  warmupMs: num('warmup-seconds', values['warmup-seconds'], 0) * 1000,
  qps: num('qps', values.qps),
  clients: Math.round(num('clients', values.clients)),
  pods: Math.round(num('pods', values.pods)),
  listRuns: Math.round(num('list-runs', values['list-runs'])),
  pageSize: Math.round(num('page-size', values['page-size'])),
  watchers: Math.round(num('watchers', values.watchers)),
  watchQps: num('watch-qps', values['watch-qps']),
  requestTimeoutMs: num('request-timeout-ms', values['request-timeout-ms']),
};
const BENCH_NS = 'bench';
const WATCH_NS = 'bench-watch';
const WATCH_POOL = 50;
const WATCH_TARGET_P99_MS = 200;
const MUTATION_TARGET_P99_MS = 100;
const TARGET_QPS = 100;

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ketch-apibench-'));
const cpuProfDir = values['cpu-prof'] === undefined ? undefined : path.resolve(values['cpu-prof']);
if (cpuProfDir !== undefined) mkdirSync(cpuProfDir, { recursive: true });
let keepData = values['keep-data'];
process.on('exit', () => {
  killEverything();
  if (!keepData) rmSync(dataDir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    process.stderr.write(`apiserver-bench: ${sig}, stopping\n`);
    process.exit(130);
  });
}

const say = (msg: string): void => void process.stderr.write(`[apiserver-bench] ${msg}\n`);
const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const rate = (n: number, unit: string): string => `${count(n)} ${unit}`;

function commandLine(): string {
  const quote = (a: string): string => (/^[\w./:=,@-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  const args = process.argv.slice(2).map(quote).join(' ');
  const npmScript = process.env.npm_lifecycle_event;
  if (npmScript !== undefined) return `npm run ${npmScript}${args === '' ? '' : ` -- ${args}`}`;
  return `node ${path.relative(process.cwd(), process.argv[1] ?? '')}${args === '' ? '' : ` ${args}`}`;
}

function loadRow(phase: string, r: LoadResult, notes: string, result: BenchResult): Row {
  if (r.errors.count > 0) result.errorNotes.push(`${phase}: ${r.errors.describe()}`);
  return { phase, rate: rate(r.perSecond, 'req/s'), p50Ms: r.latency.quantileMs(0.5), p99Ms: r.latency.quantileMs(0.99), errors: r.errors.count, notes: `${count(r.ok)} measured; ${notes}`, ops: [r.allOk + r.errors.count, 'request'] };
}

async function main(): Promise<void> {
  const result = emptyResult();
  const loadAtStart = os.loadavg()[0] ?? 0;
  let stack: Stack | undefined;
  let client: ApiClient | undefined;
  const targets = new Map<string, { measured: string; met: boolean }>();

  const phase = async (name: string, run: () => Promise<Row[]>): Promise<void> => {
    if (stack === undefined) return;
    const s = stack;
    if (!s.apiserverAlive()) {
      result.failures.push(`${name}: not run, the API server had exited (see ${s.apiserverLog})`);
      return;
    }
    say(name);
    const api = cpuMeter(() => [s.apiserverPid]);
    const store = cpuMeter(() => s.storePids());
    const bench = selfCpuMeter();
    try {
      const rows = await run();
      const first = rows[0];
      if (!s.apiserverAlive()) result.failures.push(`${name}: the API server exited during the phase (${s.apiserverExit() ?? '?'})`);
      else if (first !== undefined) first.cost = { apiserverRssMiB: memoryMiB(s.apiserverPid), apiserverCpu: api(), storeCpu: store(), benchCpu: bench() };
      result.rows.push(...rows);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      result.failures.push(`${name}: ${msg}`);
      say(`${name} failed: ${msg}`);
    }
  };

  try {
    say(`starting 3 store members and the API server in ${dataDir}`);
    stack = await startStack({ nodes: 3, dataDir, cpuProfDir, logLevel: values['apiserver-log-level'] });
    result.version = stack.version;
    say(`${stack.version}; API server pid ${stack.apiserverPid} at http://${stack.host}:${stack.port}`);
    client = new ApiClient({ host: stack.host, port: stack.port, maxSockets: Math.max(128, settings.clients), requestTimeoutMs: settings.requestTimeoutMs });
    const c = client;
    for (const ns of [BENCH_NS, WATCH_NS]) await c.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const s0 = stack;
    result.rows.push({ phase: 'idle, after start', rate: undefined, p50Ms: undefined, p99Ms: undefined, errors: 0, notes: 'namespaces created, nothing else', cost: { apiserverRssMiB: memoryMiB(s0.apiserverPid), apiserverCpu: { seconds: 0, percent: 0 }, storeCpu: { seconds: 0, percent: 0 }, benchCpu: { seconds: 0, percent: 0 } } });

    // 1. Mutations.
    const pool = new PodPool(c, BENCH_NS);
    const ms: MutationSettings = { qps: settings.qps, clients: settings.clients, warmupMs: settings.warmupMs, durationMs: settings.durationMs };
    const openNote = 'open loop, latency from the scheduled send';
    const mutationTarget = (key: string, r: LoadResult): void => {
      if (settings.qps !== TARGET_QPS) return;
      const p99 = r.latency.quantileMs(0.99);
      targets.set(key, { measured: `p99 ${formatMs(p99)}, ${r.errors.count} errors, ${count(r.perSecond)} of ${TARGET_QPS} req/s completed`, met: p99 !== undefined && p99 < MUTATION_TARGET_P99_MS && r.errors.count === 0 });
    };
    for (const kind of ['create', 'put', 'patch'] as const) {
      const label = `${kind === 'create' ? 'create (POST)' : kind === 'put' ? 'update (PUT with resourceVersion)' : 'update (merge PATCH of a label)'}, ${settings.qps} QPS offered`;
      await phase(label, async () => {
        const r = await openLoop(pool, kind, ms, label);
        mutationTarget(kind, r);
        return [loadRow(label, r, openNote, result)];
      });
    }
    for (const kind of ['create', 'put'] as const) {
      const label = `${kind === 'create' ? 'create (POST)' : 'update (PUT with resourceVersion)'}, closed loop, ${settings.clients} clients`;
      await phase(label, async () => [loadRow(label, await closedLoop(pool, kind, ms, label), 'max throughput', result)]);
    }

    // 2. Lists.
    const fillLabel = `fill to ${count(settings.pods)} pods, ${settings.clients} clients`;
    await phase(fillLabel, async () => {
      const before = pool.size;
      if (before >= settings.pods) return [{ phase: fillLabel, rate: undefined, p50Ms: undefined, p99Ms: undefined, errors: 0, notes: `nothing to fill: the mutation phases left ${count(before)} pods` }];
      const r = await fill(pool, settings.pods, settings.clients, fillLabel);
      if (pool.size < settings.pods) throw new Error(`only ${pool.size} of ${settings.pods} pods created (${r.errors.describe()})`);
      return [loadRow(fillLabel, r, `${count(pool.size - before)} pods created; namespace holds ${count(pool.size)}`, result)];
    });
    // Let the watch cache catch up with the fill before the resourceVersion=0 list checks its count.
    await new Promise((r) => setTimeout(r, 1000));
    const listLabels: Record<ListKind, string> = {
      full: 'full (no limit, from the store)',
      paginated: `paginated (limit=${settings.pageSize} + continue)`,
      rv0: 'resourceVersion=0 (watch cache)',
    };
    for (const kind of ['full', 'paginated', 'rv0'] as const) {
      const label = `list ${count(pool.size)} pods: ${listLabels[kind]}`;
      await phase(label, async () => {
        const r = await runLists(c, BENCH_NS, kind, { runs: settings.listRuns, pageSize: settings.pageSize, expectedItems: pool.size, label });
        if (r.wrongCounts.length > 0) result.failures.push(`${label}: wrong item count: ${r.wrongCounts.join('; ')}`);
        const pages = kind === 'paginated' ? ` in ${r.pages} pages` : '';
        return [{ phase: label, rate: undefined, p50Ms: r.latency.quantileMs(0.5), p99Ms: r.latency.quantileMs(0.99), errors: r.wrongCounts.length, ops: [r.runs + 1, 'list'], notes: `${r.runs} runs after 1 unmeasured (p99 = slowest); ${count(r.items)} items, ${(r.bytes / 1024 ** 2).toFixed(1)} MiB${pages} (${(r.bytes / Math.max(1, r.items) / 1024).toFixed(1)} KiB per pod)` }];
      });
    }

    // 3. Watch fan-out.
    const fanLabel = `watch fan-out, ${count(settings.watchers)} WebSocket watchers, ${settings.watchQps} writes/s`;
    await phase(fanLabel, async () => {
      const f = await runFanout(c, { namespace: WATCH_NS, watchers: settings.watchers, qps: settings.watchQps, durationMs: settings.durationMs, poolSize: WATCH_POOL, connectConcurrency: 50, drainTimeoutMs: 30_000 }, say);
      const t = f.totals;
      // Events of failed-but-committed writes are "unexpected" per watcher; they are fine as long as every watcher got them.
      const faults = t.missing + t.duplicate + t.outOfOrder + t.wrongType + f.unackedMissing;
      const complete = faults === 0 && f.endedEarly.size === 0 && f.connected === settings.watchers;
      if (!complete) {
        result.failures.push(
          `${fanLabel}: ${count(t.missing)} missing, ${count(t.duplicate)} duplicate, ${count(t.outOfOrder)} out-of-order, ${count(t.wrongType)} mistyped events over ${count(t.faultyWatchers)} watchers, ${count(f.unackedMissing)} missing events of failed-but-committed writes; ${f.connectFailures.length} watchers failed to connect`,
        );
      }
      if (f.writes.errors.count > 0) {
        result.failures.push(`${fanLabel}: ${f.writes.errors.count} writes failed at the writer (${f.writes.errors.describe()}); ${f.unackedEvents} of them committed anyway and reached ${f.unackedMissing === 0 ? 'every' : 'not every'} watcher`);
      }
      for (const [why, n] of f.endedEarly) result.failures.push(`${fanLabel}: ${n} watches ended early: ${why}`);
      const p99 = f.fromSend.quantileMs(0.99);
      if (settings.watchers >= 1000) {
        targets.set('watch-all', { measured: `${count(t.delivered)} of ${count(f.expectedEvents * settings.watchers)} deliveries; ${count(t.missing)} missing, ${count(t.duplicate)} duplicate, ${count(t.outOfOrder)} out of order`, met: complete });
        targets.set('watch-p99', { measured: `p99 ${formatMs(p99)} from send (${formatMs(f.fromAck.quantileMs(0.99))} from ack)`, met: complete && p99 !== undefined && p99 < WATCH_TARGET_P99_MS });
      }
      const expectedAll = f.expectedEvents * settings.watchers;
      return [
        {
          phase: `${fanLabel}: whole phase`,
          rate: undefined,
          p50Ms: undefined,
          p99Ms: undefined,
          errors: f.connectFailures.length,
          ops: [t.delivered, 'delivery'],
          notes: `${count(f.connected)} watchers connected in ${(f.connectMs / 1000).toFixed(1)} s, 50 at a time, from the current resourceVersion; the benchmark's own event-loop delay while writing and draining: p50 ${formatMs(f.benchLoopDelay.p50Ms)}, p99 ${formatMs(f.benchLoopDelay.p99Ms)}`,
        },
        loadRow(`${fanLabel}: writer`, f.writes, `open loop; half creates, half merge PATCHes of ${WATCH_POOL} pods; ${count(f.expectedEvents)} acknowledged`, result),
        { phase: `${fanLabel}: delivery from send`, rate: rate(f.deliveriesPerSecond, 'events/s'), p50Ms: f.fromSend.quantileMs(0.5), p99Ms: p99, errors: faults, notes: `${count(t.delivered)} of ${count(expectedAll)} delivered; ${count(t.missing)} missing, ${count(t.duplicate)} duplicate, ${count(t.outOfOrder)} out of order; plus ${count(t.unexpected)} deliveries of ${f.unackedEvents} failed-but-committed writes (${count(f.unackedMissing)} missing); last event ${formatMs(Math.max(0, f.drainMs))} after the last ack` },
        { phase: `${fanLabel}: delivery from ack`, rate: undefined, p50Ms: f.fromAck.quantileMs(0.5), p99Ms: f.fromAck.quantileMs(0.99), errors: faults, notes: `${count(f.beforeAck)} deliveries (${((f.beforeAck / Math.max(1, t.delivered)) * 100).toFixed(0)}%) arrived before the writer read its ack (counted as 0 ms)` },
      ];
    });
  } catch (err) {
    const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
    result.failures.push(`run: ${msg}`);
    say(`failed: ${msg}`);
  } finally {
    client?.close();
    if (stack !== undefined) {
      const pid = stack.apiserverPid;
      if (!stack.apiserverAlive()) result.failures.push(`the API server exited during the run (${stack.apiserverExit() ?? '?'}); see ${stack.apiserverLog}`);
      say('stopping the API server and the store members');
      await stack.stop();
      if (cpuProfDir !== undefined) {
        const file = profileOf(cpuProfDir, pid);
        if (file === undefined) result.failures.push(`--cpu-prof: no profile of pid ${pid} in ${cpuProfDir}`);
        else result.profile.push(...summarizeProfile(file));
      }
    }
  }

  const mutationWhat: Record<string, string> = { create: 'p99 create latency at 100 QPS < 100 ms', put: 'p99 update (PUT) latency at 100 QPS < 100 ms', patch: 'p99 update (merge PATCH) latency at 100 QPS < 100 ms' };
  for (const key of ['create', 'put', 'patch']) {
    const t = targets.get(key);
    result.targets.push({ what: mutationWhat[key]!, measured: t?.measured ?? (settings.qps !== TARGET_QPS ? `not measured (--qps ${settings.qps})` : 'not measured'), met: t?.met });
  }
  const wa = targets.get('watch-all');
  const wp = targets.get('watch-p99');
  const watchNote = settings.watchers < 1000 ? `not measured (--watchers ${settings.watchers})` : 'not measured';
  result.targets.push({ what: 'every one of 1,000 watchers receives every event exactly once, in order', measured: wa?.measured ?? watchNote, met: wa?.met });
  result.targets.push({ what: 'watch delivery p99 < 200 ms', measured: wp?.measured ?? watchNote, met: wp?.met });

  if (result.failures.length > 0) {
    keepData = true;
    say(`there were failures; data and logs kept in ${dataDir}`);
  }
  const cpus = os.cpus();
  const notes = [
    `machine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB, Linux ${os.release()}, Node ${process.version}; **shared with other work** (1-minute load average ${loadAtStart.toFixed(1)} at start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at end), and the 3 store members, the API server and this benchmark (load generator and every watcher) all run on those ${cpus.length} cores`,
    `system: 3 \`ketch store\` members (heartbeat 100 ms, election 1000 ms) and one \`ketch apiserver --log-level ${values['apiserver-log-level']}\` on 127.0.0.1, fresh data in a temp dir; HTTP/1.1 keep-alive clients (node:http), WebSocket watchers (ws, no compression)`,
    `settings: ${settings.warmupMs / 1000} s warm-up + ${settings.durationMs / 1000} s per rate phase; open loop at ${settings.qps} QPS (latency from when each request was due); closed loop with ${settings.clients} clients; lists of namespace "${BENCH_NS}", ${settings.listRuns} runs each; fan-out in namespace "${WATCH_NS}" with ${count(settings.watchers)} watchers and ${settings.watchQps} writes/s for ${settings.durationMs / 1000} s; pods: one container with image, port, env, requests and limits, three labels (their size as served is in the list rows)`,
    'memory: the API server\'s VmRSS from /proc/<pid>/status at the end of each phase; CPU: utime + stime from /proc/<pid>/stat',
  ];
  const report = renderReport({ result, notes, command: commandLine() });
  process.stdout.write(report);
  if (values.out !== undefined) writeFileSync(values.out, report);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`apiserver-bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
