import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  ANOMALY_EXPLANATIONS,
  checkLinearizability,
  MODELS,
  readOperations,
  type CheckProgress,
  type LinearizabilityReport,
  type Model,
} from '../jepsen-style-tests/checkers/linearizability/index.js';
import { checkHistory } from '../jepsen-style-tests/checkers/run_checks.js';
import { HistoryFormatError } from '../jepsen-style-tests/errors.js';
import { isWorkloadName, WORKLOAD_NAMES } from '../jepsen-style-tests/harness/workload.js';
import { renderLinearizabilityHtml } from '../jepsen-style-tests/report/linearizability_timeline.js';

/**
 * `ketch jepsen check`: checks a recorded history for linearizability. Prints
 * `linearizable: true|false|unknown` first on stdout, then what was found; progress goes to
 * stderr. Exit codes: 0 linearizable, 1 not, 3 unknown (time ran out), 2 bad usage or a malformed
 * history (the message names the file and line).
 */
export const JEPSEN_CHECK_USAGE = `usage: ketch jepsen check --model register|kv FILE [--timeout 60s] [--html OUT.html]
       ketch jepsen check --workload watch|set|append|lease-lock FILE

Checks a history (JSON Lines, one event a line:
  {"process": 3, "type": "invoke"|"ok"|"fail"|"info", "f": "write", "key": "k", "value": 4, "time": 1200}
with time in nanoseconds) for linearizability, one key at a time.

  --model register   read (value: a number, null when missing), write (a number), cas ([from, to];
                     "fail" means the compare did not match)
  --model kv         get (value: the string, "" when absent), put (a string), append (a string)
  --timeout D        give up after D (e.g. 500ms, 60s, 5m; 0 for no limit; default 60s):
                     the verdict is then "unknown"
  --html OUT.html    write a report; for a history that is not linearizable, a timeline of the
                     smallest failing window found

  --workload W       check a history recorded by \`ketch jepsen run --workload W\` with that
                     workload's checker instead (watch guarantees, set, list-append, lease-lock);
                     prints "valid: true|false", the anomalies by kind and examples

Exit status: 0 linearizable, 1 not linearizable, 3 unknown, 2 usage error or malformed history.
With --workload: 0 valid, 1 anomalies found, 2 usage error or malformed history.
`;

export const EXIT_LINEARIZABLE = 0;
export const EXIT_NOT_LINEARIZABLE = 1;
export const EXIT_USAGE = 2;
export const EXIT_UNKNOWN = 3;

const PROGRESS_AFTER_MS = 1000;
const PROGRESS_EVERY_MS = 1000;

export async function runJepsenCheckCommand(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        model: { type: 'string' },
        workload: { type: 'string' },
        timeout: { type: 'string', default: '60s' },
        html: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    return usageError((err as Error).message);
  }
  const flags = parsed.values;
  if (flags.help) {
    process.stdout.write(JEPSEN_CHECK_USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) return usageError('expected exactly one history file');
  const file = parsed.positionals[0]!;
  if (flags.workload !== undefined && flags.workload !== 'register') return checkWorkload(flags.workload, file);
  if (flags.workload === 'register') flags.model ??= 'register';
  const model: Model | undefined = flags.model === undefined ? undefined : MODELS[flags.model];
  if (model === undefined) return usageError(flags.model === undefined ? '--model is required' : `unknown model '${flags.model}' (register or kv)`);
  const timeoutMs = parseDurationMs(flags.timeout);
  if (timeoutMs === undefined) return usageError(`--timeout: cannot read '${flags.timeout}' (e.g. 500ms, 60s, 5m)`);

  const text = await readHistoryFile(file);
  if (text === undefined) return EXIT_USAGE;
  let ops;
  try {
    ops = readOperations(text, file, model);
  } catch (err) {
    if (err instanceof HistoryFormatError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }

  const report = checkLinearizability(ops, model, {
    ...(timeoutMs === 0 ? {} : { timeoutMs }),
    onProgress: progressPrinter(),
  });
  process.stdout.write(describeReport(report, model));
  if (flags.html !== undefined) {
    await writeFile(flags.html, renderLinearizabilityHtml(report, model, { source: file }));
    process.stdout.write(`report: ${flags.html}\n`);
  }
  return report.linearizable === true ? EXIT_LINEARIZABLE : report.linearizable === false ? EXIT_NOT_LINEARIZABLE : EXIT_UNKNOWN;
}

/** `--workload W`: the workload's own checker over a recorded history. */
async function checkWorkload(workload: string, file: string): Promise<number> {
  if (!isWorkloadName(workload)) return usageError(`unknown workload '${workload}' (${WORKLOAD_NAMES.join(', ')})`);
  const text = await readHistoryFile(file);
  if (text === undefined) return EXIT_USAGE;
  let verdict;
  try {
    verdict = checkHistory(workload, text, file);
  } catch (err) {
    if (err instanceof HistoryFormatError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`ketch jepsen check: ${file} is not a ${workload} history: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  const lines = [`valid: ${verdict.valid}`];
  for (const c of verdict.checkers) {
    lines.push(`${c.name}: ${c.valid === true ? 'valid' : c.valid === false ? 'INVALID' : 'unknown'} (${c.summary})`);
    for (const a of c.anomalies) lines.push(`  ${a.kind}: ${a.detail}${a.lines && a.lines.length > 0 ? `  (lines ${a.lines.join(', ')})` : ''}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  return verdict.valid === true ? EXIT_LINEARIZABLE : verdict.valid === false ? EXIT_NOT_LINEARIZABLE : EXIT_UNKNOWN;
}

function usageError(message: string): number {
  process.stderr.write(`ketch jepsen check: ${message}\n\n${JEPSEN_CHECK_USAGE}`);
  return EXIT_USAGE;
}

/** 60s, 500ms, 5m, 1h, or a bare number of seconds; undefined when unreadable. */
export function parseDurationMs(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (m === null) return undefined;
  const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unitMs;
}

/** Progress lines on stderr, once a check has run for a second, at most one a second. */
function progressPrinter(): (p: CheckProgress) => void {
  let lastMs = 0;
  return (p) => {
    const done = p.current === undefined && p.partitionsDone === p.partitionsTotal;
    if (p.elapsedMs < PROGRESS_AFTER_MS || (!done && p.elapsedMs - lastMs < PROGRESS_EVERY_MS)) return;
    lastMs = p.elapsedMs;
    const current =
      p.current === undefined ? '' : `; key ${p.current.key === undefined ? '(none)' : JSON.stringify(p.current.key)}: ${p.current.deepest}/${p.current.operations} operations linearized at best`;
    process.stderr.write(`jepsen check: ${p.partitionsDone}/${p.partitionsTotal} keys done${current} (${(p.elapsedMs / 1000).toFixed(1)} s)\n`);
  };
}

export function describeReport(report: LinearizabilityReport, model: Model): string {
  const lines = [`linearizable: ${report.linearizable}`];
  const seconds = (report.elapsedMs / 1000).toFixed(2);
  lines.push(`${report.operations} operations, ${report.partitionsTotal} key${report.partitionsTotal === 1 ? '' : 's'}, model ${report.model}, ${seconds} s`);
  if (report.linearizable === 'unknown') {
    const stuck = report.partitions.find((p) => p.verdict === 'unknown');
    lines.push(
      `gave up (${report.unknownReason ?? 'unknown'}) on key ${stuck === undefined ? '?' : keyName(stuck.key)} after ${report.partitions.length - 1} of ${report.partitionsTotal} keys were found linearizable`,
    );
  }
  const failure = report.failure;
  if (failure !== undefined) {
    lines.push(`key ${keyName(failure.key)} is not linearizable`);
    const d = failure.diagnosis;
    if (d !== undefined) {
      const recorded = new Map(failure.operations.map((op) => [op.id, op]));
      const show = (id: number): string => {
        const op = recorded.get(id)!;
        return `process ${op.process}: ${model.describe(op)}  (lines ${op.invokeLine}-${op.completeLine ?? 'end'})`;
      };
      lines.push(`it stops being linearizable when this operation completes:`, `  ${show(d.culprit.id)}`);
      lines.push(ANOMALY_EXPLANATIONS[d.kind]);
      lines.push(`smallest failing window found (${d.window.length} of ${d.prefixOperations} operations${d.minimal ? '' : '; not fully minimized'}):`);
      for (const op of [...d.window].sort((a, b) => a.invokeNs - b.invokeNs)) lines.push(`  ${op.id === d.culprit.id ? '>' : ' '} ${show(op.id)}`);
    }
  }
  return lines.join('\n') + '\n';
}

function keyName(key: string | undefined): string {
  return key === undefined ? '(no key)' : JSON.stringify(key);
}

/** The history file's text, or undefined (after saying why) when it can't be read. */
async function readHistoryFile(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    process.stderr.write(`ketch jepsen check: cannot read ${file}: ${(err as Error).message}\n`);
    return undefined;
  }
}
