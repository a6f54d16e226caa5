import type { Operation } from '../../history/index.js';
import { AnomalyLog, type CheckerVerdict } from '../anomalies.js';

/**
 * The lease-lock checker. Each acknowledged acquire gives a lock revision L (the lock key's
 * create_revision); the lock's tenure in the store runs from L until the key is deleted, which
 * must be before the next acknowledged acquire L'. So:
 * - fencing: a fenced write (compare create_revision == L) acknowledged at a revision outside
 *   (L, L'): the store let a holder write after someone else had the lock;
 * - double-grant: two acquires acknowledged at the same revision, or a release of L that deleted
 *   the key at a revision past L' (the key was still L's after L' was granted);
 * - order: an acquire that began after another had completed got an older lock revision;
 * - unsafe-window: two clients believed they held the lock at the same moment (from the end of
 *   an acquire to when its holder stopped believing: its release began, or its lease could no
 *   longer be known alive). Each window is reported with its start, end and holders. A holder
 *   believes only while a keep-alive sent less than a TTL ago was answered, so a window means
 *   the store let a lease go before its TTL ran out.
 * Acquires of unknown outcome may have taken the lock unseen; that never makes these checks
 * report something that did not happen, it only hides what they cannot see.
 */
export type LeaseLockAnomalyKind = 'fencing' | 'double-grant' | 'order' | 'unsafe-window';

interface Grant {
  readonly acquire: Operation;
  readonly lockRev: number;
  readonly startNs: number;
  endNs: number;
  release?: Operation;
}

export interface UnsafeWindow {
  readonly startNs: number;
  readonly endNs: number;
  readonly holders: readonly [number, number];
  readonly lockRevs: readonly [number, number];
}

export function checkLeaseLock(ops: readonly Operation[]): CheckerVerdict<LeaseLockAnomalyKind> & { readonly unsafeWindows: readonly UnsafeWindow[] } {
  const log = new AnomalyLog<LeaseLockAnomalyKind>();
  const endOfHistory = Math.max(0, ...ops.map((o) => o.completeNs ?? o.invokeNs));
  const grants: Grant[] = [];
  const byRev = new Map<number, Grant>();
  for (const op of ops) {
    if (op.f !== 'acquire' || op.outcome !== 'ok') continue;
    const lockRev = (op.output as { lockRev: number }).lockRev;
    const g: Grant = { acquire: op, lockRev, startNs: op.completeNs as number, endNs: endOfHistory };
    const other = byRev.get(lockRev);
    if (other !== undefined) {
      log.add({ kind: 'double-grant', revision: lockRev, lines: [other.acquire.completeLine as number, op.completeLine as number], detail: `two acquires were granted the lock at revision ${lockRev}` });
      continue;
    }
    byRev.set(lockRev, g);
    grants.push(g);
  }
  for (const op of ops) {
    if (op.f !== 'release') continue;
    const input = op.input as { lockRev: number; believedUntilNs: number };
    const g = byRev.get(input.lockRev);
    if (g === undefined || g.acquire.process !== op.process) continue;
    g.release = op;
    g.endNs = input.believedUntilNs;
  }
  const sorted = [...grants].sort((a, b) => a.lockRev - b.lockRev);
  const nextRev = new Map<number, number>();
  sorted.forEach((g, i) => nextRev.set(g.lockRev, sorted[i + 1]?.lockRev ?? Infinity));

  // Fencing: every accepted write of L lies inside L's tenure.
  const writeRevs = new Map<number, Operation>();
  let fenced = 0;
  for (const op of ops) {
    if (op.f !== 'fenced-write' || op.outcome !== 'ok') continue;
    fenced++;
    const { lockRev, rev } = op.output as { lockRev: number; rev: number };
    const next = nextRev.get(lockRev);
    if (next === undefined) continue; // its acquire's outcome was unknown to the client: never sent
    if (!(rev > lockRev && rev < next)) {
      log.add({ kind: 'fencing', revision: rev, lines: [op.invokeLine, op.completeLine as number], detail: `a write fenced by lock revision ${lockRev} was accepted at revision ${rev}, after the lock was granted again at revision ${next}` });
    }
    const same = writeRevs.get(rev);
    if (same !== undefined) log.add({ kind: 'fencing', revision: rev, lines: [same.completeLine as number, op.completeLine as number], detail: `two fenced writes were both accepted at revision ${rev}` });
    writeRevs.set(rev, op);
  }
  for (const g of grants) {
    const r = g.release;
    if (r === undefined || r.outcome !== 'ok') continue;
    const out = r.output as { released: boolean; rev: number };
    const next = nextRev.get(g.lockRev) as number;
    if (out.released && out.rev >= next) {
      log.add({ kind: 'double-grant', revision: out.rev, lines: [g.acquire.completeLine as number, r.completeLine as number], detail: `the release of lock ${g.lockRev} deleted the key at revision ${out.rev}, though the lock was granted again at revision ${next}` });
    }
  }

  // Real-time order of grants.
  const byInvoke = [...grants].sort((a, b) => a.acquire.invokeNs - b.acquire.invokeNs);
  const byComplete = [...grants].sort((a, b) => a.startNs - b.startNs);
  let c = 0;
  let newest: Grant | undefined;
  for (const g of byInvoke) {
    while (c < byComplete.length && (byComplete[c] as Grant).startNs < g.acquire.invokeNs) {
      const done = byComplete[c++] as Grant;
      if (newest === undefined || done.lockRev > newest.lockRev) newest = done;
    }
    if (newest !== undefined && newest.lockRev > g.lockRev) {
      log.add({ kind: 'order', revision: g.lockRev, lines: [newest.acquire.completeLine as number, g.acquire.invokeLine], detail: `an acquire began after one granted at revision ${newest.lockRev} had completed, and was granted the older revision ${g.lockRev}` });
    }
  }

  // Unsafe windows: overlapping beliefs.
  const windows: UnsafeWindow[] = [];
  const active: Grant[] = [];
  for (const g of byComplete) {
    for (let i = active.length - 1; i >= 0; i--) if ((active[i] as Grant).endNs <= g.startNs) active.splice(i, 1);
    for (const a of active) {
      const w: UnsafeWindow = { startNs: g.startNs, endNs: Math.min(a.endNs, g.endNs), holders: [a.acquire.process, g.acquire.process], lockRevs: [a.lockRev, g.lockRev] };
      windows.push(w);
      log.add({
        kind: 'unsafe-window',
        lines: [a.acquire.completeLine as number, g.acquire.completeLine as number],
        detail: `processes ${a.acquire.process} (lock ${a.lockRev}) and ${g.acquire.process} (lock ${g.lockRev}) both believed they held the lock for ${((w.endNs - w.startNs) / 1e6).toFixed(1)} ms from ${(w.startNs / 1e9).toFixed(3)} s`,
      });
    }
    active.push(g);
  }
  return { ...log.verdict({ grants: grants.length, 'fenced writes': fenced, 'unsafe windows': windows.length }), unsafeWindows: windows };
}
