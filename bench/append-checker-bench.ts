/**
 * append-checker-bench: the list-append checker (Elle-style, with real-time edges) on a large
 * simulated history of a strictly serializable store, as the `append` workload records them.
 *
 *   node dist/bench/append-checker-bench.js [--transactions 20000] [--clients 50] [--runs 5] [--seed 1]
 *                                           [--keys 8] [--per-key-step 40] [--stale-read-rate 0]
 *
 * `--keys` transactions choose from at once, moving on to a fresh one every `--per-key-step`
 * transactions (as Elle's generator does, which keeps lists short). Prints the median over
 * `--runs` of: parsing and pairing the history, the whole check, and the real-time sweep alone;
 * the last line reads `append-checker-bench: N transactions in M ms`.
 */
import { parseArgs } from 'node:util';
import { checkAppend } from '../jepsen-style-tests/checkers/append/check.js';
import { linkRealtime } from '../jepsen-style-tests/checkers/append/realtime.js';
import { simulateAppendHistory } from '../jepsen-style-tests/checkers/append/testing/simulate.js';
import { toJsonLines } from '../jepsen-style-tests/checkers/linearizability/testing/simulate.js';
import { pairOperations, parseHistory } from '../jepsen-style-tests/history/index.js';

const { values } = parseArgs({
  options: {
    transactions: { type: 'string', default: '20000' },
    clients: { type: 'string', default: '50' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    keys: { type: 'string', default: '8' },
    'per-key-step': { type: 'string', default: '40' },
    'stale-read-rate': { type: 'string', default: '0' },
  },
});
const transactions = Number(values.transactions);
const staleReadRate = Number(values['stale-read-rate']);
const events = simulateAppendHistory({
  seed: Number(values.seed),
  clients: Number(values.clients),
  transactions,
  activeKeys: Number(values.keys),
  transactionsPerKeyStep: Number(values['per-key-step']),
  ...(staleReadRate > 0 ? { staleReadRate } : {}),
});
const text = toJsonLines(events);

function timed<T>(f: () => T): { result: T; ms: number } {
  const startMs = performance.now();
  const result = f();
  return { result, ms: performance.now() - startMs };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const parseMs: number[] = [];
const checkMs: number[] = [];
const sweepMs: number[] = [];
let verdict: ReturnType<typeof checkAppend> | undefined;
for (let run = 0; run < Number(values.runs); run++) {
  const parsed = timed(() => pairOperations(parseHistory(text, 'bench'), 'bench'));
  parseMs.push(parsed.ms);
  const checked = timed(() => checkAppend(parsed.result));
  checkMs.push(checked.ms);
  verdict = checked.result;
  const txns = parsed.result.filter((o) => o.f === 'txn');
  sweepMs.push(timed(() => linkRealtime(txns, () => undefined)).ms);
}
const v = verdict as ReturnType<typeof checkAppend>;
const out = process.stdout;
out.write(`history: ${events.length} events, ${(text.length / 1e6).toFixed(1)} MB; stats: ${JSON.stringify(v.stats)}\n`);
out.write(`verdict: ${v.valid ? 'valid' : `INVALID ${JSON.stringify(v.counts)}`}\n`);
out.write(`median of ${checkMs.length}: parse+pair ${median(parseMs).toFixed(0)} ms, check ${median(checkMs).toFixed(0)} ms (real-time sweep ${median(sweepMs).toFixed(0)} ms)\n`);
out.write(`append-checker-bench: ${v.stats.transactions} transactions in ${median(checkMs).toFixed(0)} ms\n`);
