import type { Operation } from '../../history/index.js';
import { AnomalyLog, type Anomaly, type CheckerVerdict } from '../anomalies.js';
import { DependencyGraph, findCycles, type Cycle, type CycleKind, type DependencyEdge } from './cycles.js';
import { linkRealtime } from './realtime.js';

/**
 * The list-append checker, after Elle (Kingsbury & Alvaro, VLDB 2020), for histories of `txn`
 * operations whose micro-ops are ['r', key, list] and ['append', key, value], every value
 * appended once:
 * - duplicate: a read has a value twice (an append applied twice);
 * - incompatible-order: two reads of a key are not prefixes of one another (no single order of
 *   appends explains both);
 * - garbage: a read has a value no transaction appended to that key;
 * - aborted-read (G1a): a read has a value appended by a transaction that failed;
 * - intermediate-read (G1b): a read ends with a value its transaction later overwrote by
 *   appending again to the same key;
 * - internal: a read inside a transaction misses that transaction's own earlier append;
 * - lost: an append acknowledged before a read began is missing from it (stale or lost);
 * - non-monotonic: a read shorter than a read of the same key that completed before it began;
 * - G0, G1c, G2: a cycle of write-write, write-read and read-write dependencies between
 *   committed transactions (the version order of each key is its longest read);
 * - G0-realtime, G1c-realtime, G2-realtime: the same, closed only with real-time edges (T1 completed
 *   before T2 was invoked): serializable, but not strictly serializable.
 * A cycle's anomaly lists its steps (`CycleAnomaly`), each with what it is and why.
 */
export type AppendAnomalyKind =
  | 'duplicate'
  | 'incompatible-order'
  | 'garbage'
  | 'aborted-read'
  | 'intermediate-read'
  | 'internal'
  | 'lost'
  | 'non-monotonic'
  | CycleKind;

/** One edge of a reported cycle, by the history lines where its transactions were invoked. */
export interface CycleStep {
  readonly from: number;
  readonly to: number;
  readonly type: DependencyEdge['type'];
  readonly key?: string;
  /** Why the edge is there: "T@12 read x without 5, which T@30 appended next". */
  readonly why: string;
}

export interface CycleAnomaly extends Anomaly<AppendAnomalyKind> {
  readonly steps: readonly CycleStep[];
}

type MicroOp = ['r', string, number[] | null] | ['append', string, number];

interface Read {
  readonly op: Operation;
  readonly key: string;
  readonly list: readonly number[];
}

export function checkAppend(ops: readonly Operation[]): CheckerVerdict<AppendAnomalyKind> {
  const log = new AnomalyLog<AppendAnomalyKind>();
  const txns = ops.filter((o) => o.f === 'txn');
  /** key -> value -> the transaction that appended it, and whether it was the last append to the key in it. */
  const writer = new Map<string, Map<number, { op: Operation; last: boolean }>>();
  for (const t of txns) {
    const micro = t.input as MicroOp[];
    micro.forEach((m, i) => {
      if (m[0] !== 'append') return;
      const last = !micro.slice(i + 1).some((n) => n[0] === 'append' && n[1] === m[1]);
      let byValue = writer.get(m[1]);
      if (byValue === undefined) writer.set(m[1], (byValue = new Map()));
      byValue.set(m[2], { op: t, last });
    });
  }

  // External reads (the first read of each key in a transaction, before its own appends) and internal consistency.
  const reads: Read[] = [];
  let readCount = 0;
  for (const t of txns) {
    if (t.outcome !== 'ok') continue;
    const own = new Map<string, number[]>();
    const readBefore = new Set<string>();
    for (const m of t.output as MicroOp[]) {
      if (m[0] === 'append') {
        own.set(m[1], [...(own.get(m[1]) ?? []), m[2]]);
        continue;
      }
      const list = m[2] ?? [];
      readCount++;
      const mine = own.get(m[1]) ?? [];
      if (mine.length > 0) {
        const tail = list.slice(list.length - mine.length);
        if (tail.length !== mine.length || tail.some((v, i) => v !== mine[i])) {
          log.add({ kind: 'internal', key: m[1], lines: [t.completeLine as number], detail: `read of ${m[1]} = [${list.join(' ')}] misses its own transaction's appends [${mine.join(' ')}]` });
        }
        continue;
      }
      if (readBefore.has(m[1])) continue;
      readBefore.add(m[1]);
      reads.push({ op: t, key: m[1], list });
    }
  }

  const byKey = new Map<string, Read[]>();
  for (const r of reads) {
    let list = byKey.get(r.key);
    if (list === undefined) byKey.set(r.key, (list = []));
    list.push(r);
  }
  /** key -> the version order: its longest read, when every read is a prefix of it. */
  const order = new Map<string, readonly number[]>();
  for (const [key, list] of byKey) {
    const values = writer.get(key) ?? new Map();
    let longest: Read | undefined;
    for (const r of list) {
      const seen = new Set<number>();
      for (const v of r.list) {
        if (seen.has(v)) log.add({ kind: 'duplicate', key, lines: [r.op.completeLine as number], detail: `read of ${key} has ${v} twice: [${r.list.join(' ')}]` });
        seen.add(v);
        const w = values.get(v);
        if (w === undefined) log.add({ kind: 'garbage', key, lines: [r.op.completeLine as number], detail: `read of ${key} has ${v}, which no transaction appended to ${key}` });
        else if (w.op.outcome === 'fail') log.add({ kind: 'aborted-read', key, lines: [r.op.completeLine as number, w.op.invokeLine], detail: `read of ${key} has ${v}, appended by a transaction that failed (G1a)` });
      }
      const lastValue = r.list[r.list.length - 1];
      const w = lastValue === undefined ? undefined : values.get(lastValue);
      if (w !== undefined && !w.last && w.op !== r.op) {
        log.add({ kind: 'intermediate-read', key, lines: [r.op.completeLine as number, w.op.invokeLine], detail: `read of ${key} ends with ${lastValue}, which its transaction followed with another append to ${key} (G1b)` });
      }
      if (longest === undefined || r.list.length > longest.list.length) longest = r;
    }
    const full = (longest as Read).list;
    let compatible = true;
    for (const r of list) {
      const at = r.list.findIndex((v, i) => v !== full[i]);
      if (at !== -1) {
        compatible = false;
        log.add({
          kind: 'incompatible-order',
          key,
          lines: [r.op.completeLine as number, (longest as Read).op.completeLine as number],
          detail: `reads of ${key} disagree at position ${at}: [${r.list.join(' ')}] and [${full.join(' ')}]`,
        });
      }
    }
    if (compatible) order.set(key, full);
    checkRealTime(key, list, writer.get(key) ?? new Map(), log);
  }

  const graph = new DependencyGraph();
  for (const [key, full] of order) {
    const values = writer.get(key) as Map<number, { op: Operation }>;
    for (let i = 0; i + 1 < full.length; i++) {
      const prior = full[i] as number;
      const value = full[i + 1] as number;
      const a = values.get(prior)?.op;
      const b = values.get(value)?.op;
      if (a !== undefined && b !== undefined) graph.add({ from: a, to: b, type: 'ww', key, value, prior });
    }
    for (const r of byKey.get(key) ?? []) {
      const last = r.list[r.list.length - 1];
      const w = last === undefined ? undefined : values.get(last)?.op;
      if (w !== undefined) graph.add({ from: w, to: r.op, type: 'wr', key, value: last as number });
      const nextValue = full[r.list.length];
      const next = nextValue === undefined ? undefined : values.get(nextValue)?.op;
      if (next !== undefined) graph.add({ from: r.op, to: next, type: 'rw', key, value: nextValue as number });
    }
  }
  const dataEdges = graph.edgeCount;
  linkRealtime(txns, (from, to) => graph.addRealtime(from, to));
  for (const c of findCycles(graph)) log.add(cycleAnomaly(c));
  return log.verdict({
    transactions: txns.length,
    committed: txns.filter((t) => t.outcome === 'ok').length,
    reads: readCount,
    keys: byKey.size,
    'dependency edges': dataEdges,
    'real-time edges': graph.count('realtime'),
  });
}

/** "T@12": the transaction invoked at line 12 of the history. */
function name(op: Operation): string {
  return `T@${op.invokeLine}`;
}

function explain(e: DependencyEdge): string {
  switch (e.type) {
    case 'ww':
      return `${name(e.to)} appended ${e.value} to ${e.key} right after ${name(e.from)} appended ${e.prior}`;
    case 'wr':
      return `${name(e.to)} read ${e.key} ending in ${e.value}, which ${name(e.from)} appended`;
    case 'rw':
      return `${name(e.from)} read ${e.key} without ${e.value}, which ${name(e.to)} appended next`;
    case 'realtime':
      return `${name(e.from)} completed (line ${e.from.completeLine as number}) before ${name(e.to)} was invoked (line ${e.to.invokeLine})`;
    default: {
      const unknown: never = e;
      throw new Error(`unknown edge ${String(unknown)}`);
    }
  }
}

/**
 * The cycle's steps with each run of real-time edges told as one (real-time edges link only
 * neighbours in time, so T1 completed before T3 was invoked may take T1 -> T2 -> T3).
 */
function joinRealtime(cycle: readonly DependencyEdge[]): DependencyEdge[] {
  const first = Math.max(0, cycle.findIndex((e) => e.type !== 'realtime'));
  const out: DependencyEdge[] = [];
  for (const e of [...cycle.slice(first), ...cycle.slice(0, first)]) {
    const last = out[out.length - 1];
    if (e.type === 'realtime' && last?.type === 'realtime') out[out.length - 1] = { from: last.from, to: e.to, type: 'realtime' };
    else out.push(e);
  }
  return out;
}

/** "G2-realtime cycle: T@1 -realtime-> T@5 -rw x-> T@1; T@1 completed (line 2) before T@5 was invoked (line 5)". */
function cycleAnomaly(c: Cycle): CycleAnomaly {
  const cycle = joinRealtime(c.steps);
  const steps = cycle.map((e): CycleStep => ({ from: e.from.invokeLine, to: e.to.invokeLine, type: e.type, ...(e.type === 'realtime' ? {} : { key: e.key }), why: explain(e) }));
  const path = cycle.map((e) => `${name(e.from)} -${e.type === 'realtime' ? 'realtime' : `${e.type} ${e.key}`}-> `).join('');
  const realtime = steps.filter((s) => s.type === 'realtime').map((s) => s.why);
  return {
    kind: c.kind,
    lines: cycle.map((e) => e.from.invokeLine),
    detail: `${c.kind} cycle: ${path}${name((cycle[0] as DependencyEdge).from)}${realtime.length > 0 ? `; ${realtime.join('; ')}` : ''}`,
    steps,
  };
}

/**
 * Real time, per key: a read must have every append acknowledged before it began, and be at
 * least as long as any read that completed before it began.
 */
function checkRealTime(key: string, reads: readonly Read[], values: ReadonlyMap<number, { op: Operation }>, log: AnomalyLog<AppendAnomalyKind>): void {
  const acked = [...values]
    .filter(([, w]) => w.op.outcome === 'ok')
    .sort((a, b) => (a[1].op.completeNs as number) - (b[1].op.completeNs as number));
  const byInvoke = [...reads].sort((a, b) => a.op.invokeNs - b.op.invokeNs);
  const byComplete = [...reads].sort((a, b) => (a.op.completeNs as number) - (b.op.completeNs as number));
  let c = 0;
  let longest: Read | undefined;
  for (const r of byInvoke) {
    while (c < byComplete.length && ((byComplete[c] as Read).op.completeNs as number) < r.op.invokeNs) {
      const done = byComplete[c++] as Read;
      if (longest === undefined || done.list.length > longest.list.length) longest = done;
    }
    if (longest !== undefined && r.list.length < longest.list.length) {
      log.add({
        kind: 'non-monotonic',
        key,
        lines: [longest.op.completeLine as number, r.op.invokeLine],
        detail: `read of ${key} (${r.list.length} values) began after a read with ${longest.list.length} values had completed`,
      });
    }
    const has = new Set(r.list);
    for (const [v, w] of acked) {
      if ((w.op.completeNs as number) >= r.op.invokeNs) break;
      if (!has.has(v)) log.add({ kind: 'lost', key, lines: [w.op.completeLine as number, r.op.invokeLine], detail: `append of ${v} to ${key} was acknowledged before a read began that does not have it` });
    }
  }
}
