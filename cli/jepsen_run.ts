/**
 * `ketch jepsen run`: one fault-injection run against a real local cluster. Writes history.jsonl,
 * results.json and report.html to --out; exits 0 when every checker finds the history valid, 1
 * when any finds an anomaly, 2 when the harness itself failed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { NetnsNetwork } from '../kvstore/cluster/index.js';
import { checkHistory } from '../jepsen-style-tests/checkers/run_checks.js';
import { dockerUnavailableReason } from '../jepsen-style-tests/harness/docker_cluster.js';
import { findEtcd } from '../jepsen-style-tests/harness/etcd_cluster.js';
import { isWorkloadName, WORKLOAD_NAMES } from '../jepsen-style-tests/harness/workload.js';
import { parseNemesis, runTest } from '../jepsen-style-tests/harness/run.js';
import { renderReport } from '../jepsen-style-tests/report/report_html.js';

const HELP = `usage: ketch jepsen run --workload W --nemesis N[,N...] --out DIR [flags]

  --workload W                 register   read, write, cas on a few keys (linearizability)
                               watch      puts, deletes, txns; five watchers (etcd's watch guarantees)
                               set        unique adds; a final read on every member
                               append     list-append transactions (lost, duplicated, non-monotonic, cycles)
                               lease-lock a lock on a leased key; fenced writes (mutual exclusion)
  --nemesis LIST               kill, kill-leader, kill-all, pause, partition-halves,
                               partition-leader, partition-bridge, partition-asym,
                               delay (100 ms +- 50 ms on every peer link), loss (20% of packets;
                               netns mode only), member (remove a member, add it back), none;
                               several, comma-separated, take turns
  --nodes 3|5                  cluster size (default 3)
  --time DURATION              how long clients run, e.g. 30s (default 30s)
  --rate N                     operations per second over all clients (default: as fast as they go)
  --concurrency N              clients (default 10)
  --store-args "..."           extra flags for every member (ketch store, or etcd with --target etcd),
                               e.g. "--unsafe-stale-reads"
  --target ketch|etcd          the system under test: ketch store processes (default), or a real etcd
                               cluster (the etcd binary on PATH, or ETCD_BIN), same proxy and nemeses
  --net loopback|netns|docker  loopback (default): members on 127.0.0.1, partitions and delay through
                               a proxy on each peer link; netns (root on Linux): a network namespace
                               and IP per member on a bridge, partitions and loss as nftables drops,
                               delay through tc netem where the kernel has it; docker: a container
                               per member, built from the Dockerfile (process faults only)
  --seed N                     seed for the workload's and nemesis's choices (default 1)
  --out DIR                    where history.jsonl, results.json and report.html go
`;

function parseDurationMs(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (m === null) throw new Error(`--time: "${v}" is not a duration like 30s`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

export async function runJepsenRunCommand(argv: readonly string[]): Promise<number> {
  // --store-args takes flags as its value ("--unsafe-stale-reads"), which parseArgs would read as
  // an option of its own: bind the value explicitly.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--store-args' && i + 1 < argv.length) args.push(`--store-args=${argv[++i] as string}`);
    else args.push(a);
  }
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        workload: { type: 'string', default: 'register' },
        nemesis: { type: 'string', default: 'partition-leader,kill' },
        nodes: { type: 'string', default: '3' },
        time: { type: 'string', default: '30s' },
        rate: { type: 'string', default: '0' },
        concurrency: { type: 'string', default: '10' },
        'store-args': { type: 'string', default: '' },
        target: { type: 'string', default: 'ketch' },
        net: { type: 'string', default: 'loopback' },
        seed: { type: 'string', default: '1' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`ketch jepsen run: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  try {
    if (values.out === undefined) throw new Error('--out DIR is required');
    const workload = values.workload;
    if (!isWorkloadName(workload)) throw new Error(`--workload ${workload}: unknown (known: ${WORKLOAD_NAMES.join(', ')})`);
    const target = values.target;
    if (target !== 'ketch' && target !== 'etcd') throw new Error(`--target ${target}: expected ketch or etcd`);
    if (target === 'etcd' && findEtcd() === undefined) throw new Error('--target etcd: no etcd binary on PATH (install etcd-server, or set ETCD_BIN)');
    const net = values.net;
    if (net !== 'loopback' && net !== 'netns' && net !== 'docker') throw new Error(`--net ${net}: expected loopback, netns or docker`);
    const why = net === 'netns' ? NetnsNetwork.unavailableReason() : net === 'docker' ? await dockerUnavailableReason() : undefined;
    if (why !== undefined) throw new Error(`--net ${net}: unavailable here: ${why}`);
    const nodes = Number(values.nodes);
    if (nodes !== 3 && nodes !== 5) throw new Error('--nodes must be 3 or 5');
    const log = (line: string): void => void process.stderr.write(`jepsen: ${line}\n`);
    const res = await runTest({
      workload,
      nemesis: parseNemesis(values.nemesis),
      nodes,
      timeMs: parseDurationMs(values.time),
      rate: Number(values.rate),
      concurrency: Number(values.concurrency),
      storeArgs: values['store-args'].split(' ').filter((s) => s.length > 0),
      target,
      net,
      outDir: values.out,
      seed: Number(values.seed),
      log,
    });
    log(`checking ${res.operations} operations (${workload})`);
    const verdict = checkHistory(workload, await readFile(res.historyPath, 'utf8'), res.historyPath);
    const valid = verdict.valid;
    const results = {
      workload,
      nemesis: values.nemesis,
      nodes,
      target: values.target,
      net,
      operations: verdict.operations.length,
      valid: valid === true,
      checkers: Object.fromEntries(verdict.checkers.map((c) => [c.name, c.json])),
      nemesisWindows: res.windows,
    };
    await writeFile(path.join(values.out, 'results.json'), JSON.stringify(results, null, 2));
    await writeFile(
      path.join(values.out, 'report.html'),
      renderReport({
        title: `${values.target}: ${workload} under ${values.nemesis}${net === 'loopback' ? '' : ` (${net})`}`,
        verdicts: verdict.checkers.map((c) => ({ checker: c.name, valid: c.valid, detail: c.summary })),
        anomalies: verdict.checkers.flatMap((c) => c.anomalies.map((a) => ({ checker: c.name, ...a }))),
        operations: verdict.operations,
        windows: res.windows,
      }),
    );
    for (const c of verdict.checkers) process.stdout.write(`${c.name}: ${c.valid === true ? 'valid' : c.valid === false ? 'INVALID' : 'unknown'} (${c.summary})\n`);
    process.stdout.write(`results: ${path.join(values.out, 'results.json')}\nreport: ${path.join(values.out, 'report.html')}\n`);
    return valid === true ? 0 : valid === false ? 1 : 2;
  } catch (err) {
    process.stderr.write(`ketch jepsen run: ${(err as Error).message}\n`);
    return 2;
  }
}
