import { Rand } from '../../linearizability/testing/rand.js';
import type { RecordedEvent } from '../../linearizability/testing/simulate.js';

/**
 * List-append histories of a simulated store that is strictly serializable by construction, for
 * testing and benchmarking the checker: clients run one transaction at a time, and each
 * transaction takes effect atomically at one random moment between its invocation and its
 * completion, against one true state. Some fail without effect; some time out as "info" and took
 * effect, take effect long after their completion, or never. Like Elle's generator, transactions
 * move on to fresh keys as time goes by, so lists stay short. A final transaction reads every key.
 *
 * With `staleReadRate`, that share of read-only transactions reads the state as it was
 * `staleByNs` before its invocation: a store that is serializable but not strictly so.
 */
export interface AppendSimulationOptions {
  readonly seed: number;
  readonly clients: number;
  readonly transactions: number;
  /** Keys a transaction chooses from at any moment (default 8). */
  readonly activeKeys?: number;
  /** Transactions (in invocation order) after which the window of keys moves on by one (default 40). */
  readonly transactionsPerKeyStep?: number;
  readonly infoRate?: number;
  readonly failRate?: number;
  readonly staleReadRate?: number;
  readonly staleByNs?: number;
}

type MicroOp = ['r', string, number[] | null] | ['append', string, number];

interface Planned {
  readonly process: number;
  readonly invokeNs: number;
  readonly completeNs: number;
  readonly outcome: 'ok' | 'fail' | 'info';
  /** When it takes effect; undefined when it never does. */
  effectNs: number | undefined;
  micro: MicroOp[];
  /** Read the state as of this time instead of at effectNs (a stale read). */
  readAtNs?: number;
}

export function simulateAppendHistory(options: AppendSimulationOptions): RecordedEvent[] {
  const rand = new Rand(options.seed);
  const activeKeys = options.activeKeys ?? 8;
  const perStep = options.transactionsPerKeyStep ?? 40;
  const infoRate = options.infoRate ?? 0.02;
  const failRate = options.failRate ?? 0.05;

  // When: each client runs its transactions back to back, with a little think time.
  const planned: Planned[] = [];
  const clocks = Array.from({ length: options.clients }, () => rand.int(1000));
  const processes = Array.from({ length: options.clients }, (_, i) => i);
  for (let n = 0; n < options.transactions; n++) {
    const c = n % options.clients;
    const invokeNs = clocks[c] as number;
    const completeNs = invokeNs + 200 + rand.int(5000);
    const roll = rand.next();
    const outcome = roll < infoRate ? 'info' : roll < infoRate + failRate ? 'fail' : 'ok';
    const effectNs = outcome === 'fail' ? undefined : outcome === 'ok' || rand.chance(0.3) ? invokeNs + 1 + rand.int(completeNs - invokeNs - 1) : rand.chance(0.5) ? completeNs + rand.int(100_000) : undefined;
    planned.push({ process: processes[c] as number, invokeNs, completeNs, outcome, effectNs, micro: [] });
    if (outcome === 'info') processes[c] = (processes[c] as number) + options.clients; // a client whose outcome is unknown is retired
    clocks[c] = completeNs + 1 + rand.int(300);
  }
  planned.sort((a, b) => a.invokeNs - b.invokeNs);

  // What: micro-ops over a window of keys that moves on with invocation order.
  let unique = 0;
  planned.forEach((p, rank) => {
    const base = Math.floor(rank / perStep);
    p.micro = Array.from({ length: 1 + rand.int(4) }, (): MicroOp => {
      const key = `k${base + rand.int(activeKeys)}`;
      return rand.chance(0.5) ? ['r', key, null] : ['append', key, ++unique];
    });
    if (options.staleReadRate !== undefined && p.outcome === 'ok' && p.micro.every((m) => m[0] === 'r') && rand.chance(options.staleReadRate)) {
      p.readAtNs = p.invokeNs - (options.staleByNs ?? 20_000);
    }
  });
  const lastNs = Math.max(...planned.map((p) => Math.max(p.completeNs, p.effectNs ?? 0)));
  const keys = [...new Set(planned.flatMap((p) => p.micro.map((m) => m[1])))];
  planned.push({ process: 2 * options.transactions + options.clients, invokeNs: lastNs + 1, completeNs: lastNs + 2, outcome: 'ok', effectNs: lastNs + 1, micro: keys.map((k): MicroOp => ['r', k, null]) });

  // Apply in effect order against one state; each key keeps when each of its values was appended.
  const state = new Map<string, Array<{ value: number; atNs: number }>>();
  const results = new Map<Planned, MicroOp[]>();
  for (const p of planned.filter((q) => q.effectNs !== undefined).sort((a, b) => (a.effectNs as number) - (b.effectNs as number))) {
    results.set(
      p,
      p.micro.map((m): MicroOp => {
        let list = state.get(m[1]);
        if (list === undefined) state.set(m[1], (list = []));
        if (m[0] === 'append') {
          list.push({ value: m[2], atNs: p.effectNs as number });
          return m;
        }
        const asOf = p.readAtNs;
        return ['r', m[1], list.filter((v) => asOf === undefined || v.atNs < asOf).map((v) => v.value)];
      }),
    );
  }

  const events: RecordedEvent[] = [];
  for (const p of planned) {
    const input = p.micro.map((m): MicroOp => (m[0] === 'r' ? ['r', m[1], null] : m));
    events.push({ process: p.process, type: 'invoke', f: 'txn', value: input, time: p.invokeNs });
    events.push({ process: p.process, type: p.outcome, f: 'txn', value: p.outcome === 'ok' ? results.get(p) : input, time: p.completeNs });
  }
  return events.sort((a, b) => a.time - b.time);
}
