import type { Operation } from '../../history/index.js';
import { AnomalyLog, type CheckerVerdict } from '../anomalies.js';
import { findCycles, type DependencyEdge } from './cycles.js';

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
 *   committed transactions (the version order of each key is its longest read).
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
  | 'G0'
  | 'G1c'
  | 'G2';

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

  const edges: DependencyEdge[] = [];
  for (const [key, full] of order) {
    const values = writer.get(key) as Map<number, { op: Operation }>;
    for (let i = 0; i + 1 < full.length; i++) {
      const a = values.get(full[i] as number)?.op;
      const b = values.get(full[i + 1] as number)?.op;
      if (a !== undefined && b !== undefined && a !== b) edges.push({ from: a, to: b, type: 'ww', key });
    }
    for (const r of byKey.get(key) ?? []) {
      const last = r.list[r.list.length - 1];
      const w = last === undefined ? undefined : values.get(last)?.op;
      if (w !== undefined && w !== r.op) edges.push({ from: w, to: r.op, type: 'wr', key });
      const nextValue = full[r.list.length];
      const next = nextValue === undefined ? undefined : values.get(nextValue)?.op;
      if (next !== undefined && next !== r.op) edges.push({ from: r.op, to: next, type: 'rw', key });
    }
  }
  for (const c of findCycles(edges)) {
    log.add({
      kind: c.kind,
      lines: c.steps.map((s) => s.from.invokeLine),
      detail: `${c.kind} cycle: ${c.steps.map((s) => `T@${s.from.invokeLine} -${s.type} ${s.key}-> `).join('')}T@${(c.steps[0] as DependencyEdge).from.invokeLine}`,
    });
  }
  return log.verdict({ transactions: txns.length, committed: txns.filter((t) => t.outcome === 'ok').length, reads: readCount, keys: byKey.size, 'dependency edges': edges.length });
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
