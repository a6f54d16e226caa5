import type { Operation } from '../../history/index.js';
import { AnomalyLog, type CheckerVerdict } from '../anomalies.js';

/**
 * The set checker (Jepsen's set-full, reduced):
 * - lost: an acknowledged add missing from a member's final read, or from a linearizable read
 *   that began after the add was acknowledged (a stale read), or an element a read had shown that
 *   a read begun after it no longer has;
 * - unexpected: an element in a read that no client ever added, or whose add failed outright;
 * - divergent: members' final reads differ (at the same revision);
 * - missing-final-read: a member could not be read at the end, so its state is unchecked.
 * Adds of unknown outcome (info) may be present or not; the stats count how many survived.
 */
export type SetAnomalyKind = 'lost' | 'unexpected' | 'divergent' | 'missing-final-read';

interface FinalReadOutput {
  readonly member: string;
  readonly rev: number;
  /** The revision a linearizable read returned just before; absent in older histories. */
  readonly target?: number;
  readonly elements: number[];
}

export function checkSet(ops: readonly Operation[]): CheckerVerdict<SetAnomalyKind> {
  const log = new AnomalyLog<SetAnomalyKind>();
  const adds = new Map<number, Operation>();
  for (const op of ops) if (op.f === 'add') adds.set(op.input as number, op);
  const acknowledged = [...adds.values()].filter((a) => a.outcome === 'ok');
  const unexpected = (n: number, where: string, line: number | undefined): void => {
    const add = adds.get(n);
    if (add !== undefined && add.outcome !== 'fail') return;
    log.add({
      kind: 'unexpected',
      key: String(n),
      lines: [...(line === undefined ? [] : [line]), ...(add ? [add.invokeLine] : [])],
      detail: add === undefined ? `${where} has ${n}, which no client added` : `${where} has ${n}, whose add failed`,
    });
  };

  // Reads during the run: linearizable, so they must have every add acknowledged before they began.
  const reads = ops.filter((o) => o.f === 'read' && o.outcome === 'ok');
  const byAck = acknowledged.filter((a) => a.completeNs !== undefined).sort((a, b) => (a.completeNs as number) - (b.completeNs as number));
  /** element -> when a read that showed it completed (the earliest such). */
  const shownAt = new Map<number, { ns: number; line: number }>();
  for (const r of reads) {
    for (const n of r.output as number[]) {
      const at = shownAt.get(n);
      if (at === undefined || (r.completeNs as number) < at.ns) shownAt.set(n, { ns: r.completeNs as number, line: r.completeLine as number });
    }
  }
  for (const r of reads) {
    const has = new Set(r.output as number[]);
    for (const n of has) unexpected(n, `the read at line ${r.completeLine}`, r.completeLine);
    for (const a of byAck) {
      if ((a.completeNs as number) >= r.invokeNs) break;
      const n = a.input as number;
      if (!has.has(n)) log.add({ kind: 'lost', key: String(n), lines: [a.completeLine as number, r.invokeLine], detail: `add ${n} was acknowledged before the read at line ${r.invokeLine} began, which does not have it` });
    }
    for (const [n, at] of shownAt) {
      const add = adds.get(n);
      const reportedAbove = add?.outcome === 'ok' && (add.completeNs as number) < r.invokeNs;
      if (at.ns < r.invokeNs && !has.has(n) && !reportedAbove) {
        log.add({ kind: 'lost', key: String(n), lines: [at.line, r.invokeLine], detail: `${n} was in a read that completed (line ${at.line}) before the read at line ${r.invokeLine} began, which does not have it` });
      }
    }
  }

  const finals = ops.filter((o) => o.f === 'final-read');
  let survivedUnknown = 0;
  const finalSets: Array<{ member: string; rev: number; set: Set<number> }> = [];
  for (const f of finals) {
    const member = (f.input as { member: string }).member;
    if (f.outcome !== 'ok') {
      log.add({ kind: 'missing-final-read', who: member, lines: [f.invokeLine], detail: `member ${member} could not be read after the faults healed` });
      continue;
    }
    const out = f.output as FinalReadOutput;
    const set = new Set(out.elements);
    finalSets.push({ member, rev: out.rev, set });
    for (const n of set) unexpected(n, `member ${member}'s final read`, f.completeLine);
    for (const a of acknowledged) {
      const n = a.input as number;
      if (!set.has(n)) log.add({ kind: 'lost', who: member, key: String(n), lines: [a.invokeLine, f.completeLine as number], detail: `acknowledged add ${n} is missing from member ${member}'s final read (revision ${out.rev}${out.target !== undefined && out.rev < out.target ? `; the member never caught up with revision ${out.target}` : ''})` });
    }
    if (finalSets.length === 1) survivedUnknown = [...adds.values()].filter((a) => a.outcome !== 'ok' && a.outcome !== 'fail' && set.has(a.input as number)).length;
  }
  const first = finalSets[0];
  for (const other of finalSets.slice(1)) {
    if (first === undefined || other.rev !== first.rev) continue;
    const onlyFirst = [...first.set].filter((n) => !other.set.has(n));
    const onlyOther = [...other.set].filter((n) => !first.set.has(n));
    if (onlyFirst.length + onlyOther.length > 0) {
      log.add({
        kind: 'divergent',
        who: `${first.member},${other.member}`,
        revision: first.rev,
        detail: `at revision ${first.rev}, ${first.member} has ${onlyFirst.length} elements ${other.member} lacks (${onlyFirst.slice(0, 5).join(', ')}) and lacks ${onlyOther.length} it has (${onlyOther.slice(0, 5).join(', ')})`,
      });
    }
  }
  return log.verdict({
    adds: adds.size,
    acknowledged: acknowledged.length,
    'unknown adds present': survivedUnknown,
    reads: reads.length,
    'final reads': finalSets.length,
  });
}
