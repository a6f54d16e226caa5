/**
 * `ketch jepsen run`: one fault-injection run against a real local cluster. Writes history.jsonl,
 * results.json and report.html to --out; exits 0 when every checker finds the history valid, 1
 * when any finds an anomaly, 2 when the harness itself failed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkLinearizability, readOperations, registerModel } from '../jepsen-style-tests/checkers/linearizability/index.js';
import { parseNemesis, runTest } from '../jepsen-style-tests/harness/run.js';
import { renderReport } from '../jepsen-style-tests/report/report_html.js';

const HELP = `usage: ketch jepsen run --workload register --nemesis N[,N...] --out DIR [flags]

  --workload register          the workload (register: read, write, cas on a few keys)
  --nemesis LIST               kill, kill-leader, kill-all, pause, partition-halves,
                               partition-leader, partition-bridge, partition-asym, none
  --nodes 3|5                  cluster size (default 3)
  --time DURATION              how long clients run, e.g. 30s (default 30s)
  --rate N                     operations per second over all clients (default: as fast as they go)
  --concurrency N              clients (default 10)
  --store-args "..."           extra flags for every ketch store (e.g. "--unsafe-stale-reads")
  --target ketch               the system under test (only ketch for now)
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
    if (values.workload !== 'register') throw new Error(`--workload ${values.workload}: only "register" exists so far`);
    if (values.target !== 'ketch') throw new Error(`--target ${values.target}: only "ketch" is supported so far`);
    const nodes = Number(values.nodes);
    if (nodes !== 3 && nodes !== 5) throw new Error('--nodes must be 3 or 5');
    const log = (line: string): void => void process.stderr.write(`jepsen: ${line}\n`);
    const res = await runTest({
      workload: 'register',
      nemesis: parseNemesis(values.nemesis),
      nodes,
      timeMs: parseDurationMs(values.time),
      rate: Number(values.rate),
      concurrency: Number(values.concurrency),
      storeArgs: values['store-args'].split(' ').filter((s) => s.length > 0),
      outDir: values.out,
      seed: Number(values.seed),
      log,
    });
    log(`checking ${res.operations} operations for linearizability`);
    const ops = readOperations(await readFile(res.historyPath, 'utf8'), res.historyPath, registerModel);
    const report = checkLinearizability(ops, registerModel, { timeoutMs: 120_000 });
    const valid = report.linearizable;
    const results = {
      workload: values.workload,
      nemesis: values.nemesis,
      nodes,
      operations: ops.length,
      valid: valid === true,
      checkers: {
        linearizability: {
          valid,
          ...(report.failure === undefined
            ? {}
            : { anomaly: { key: report.failure.key, kind: report.failure.diagnosis?.kind, window: report.failure.diagnosis?.window ?? report.failure.operations } }),
        },
      },
      nemesisWindows: res.windows,
    };
    await writeFile(path.join(values.out, 'results.json'), JSON.stringify(results, null, 2));
    await writeFile(
      path.join(values.out, 'report.html'),
      renderReport({
        title: `ketch: ${values.workload} under ${values.nemesis}`,
        verdicts: [{ checker: 'linearizability (register)', valid, ...(report.failure ? { detail: `key ${report.failure.key}: ${report.failure.diagnosis?.kind ?? 'anomaly'}` } : {}) }],
        operations: ops,
        windows: res.windows,
      }),
    );
    process.stdout.write(`linearizability: ${valid === true ? 'valid' : valid === false ? 'INVALID' : 'unknown'} (${ops.length} operations)\nresults: ${path.join(values.out, 'results.json')}\nreport: ${path.join(values.out, 'report.html')}\n`);
    return valid === true ? 0 : valid === false ? 1 : 2;
  } catch (err) {
    process.stderr.write(`ketch jepsen run: ${(err as Error).message}\n`);
    return 2;
  }
}
