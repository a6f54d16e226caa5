import type { Operation } from '../../history/index.js';
import { AnomalyLog, type CheckerVerdict } from '../anomalies.js';
import { isProgress, type FinalRead, type RecordedEvent, type WatchSessionInput, type WatchSessionOutput } from './format.js';

/**
 * The watch guarantees etcd documents (https://etcd.io/docs/v3.5/learning/api_guarantees/#watch-apis),
 * plus agreement with what writers were told:
 * - ordered: a watcher's events come in revision order, never older than where it started;
 * - unique: no event twice for a watcher (within a stream or across a resume);
 * - atomic: a revision's events come in one response and all of them: a txn is never split;
 * - reliable: no revision is skipped between the first and the last one a stream delivered;
 * - resumable: a stream resumed at revision R+1 after a disconnect gets every revision from R+1,
 *   and nothing it already had;
 * - bookmarkable: a progress notification at revision P means every revision up to P was
 *   delivered before it, and no event at or below P comes after it;
 * - prev_kv: an event's prev_kv is the key's value just before the event's revision (absent if
 *   the key did not exist), and its kv's version and create_revision follow from it;
 * - consistent: every watcher saw the same events for a revision, each acknowledged write is at
 *   the revision its response named, no event comes from a write that failed or never existed,
 *   and the final read agrees with the events;
 * - stalled: a watcher never caught up with the final read once the faults had healed.
 */
export type WatchAnomalyKind = 'ordered' | 'unique' | 'atomic' | 'reliable' | 'resumable' | 'bookmarkable' | 'prev_kv' | 'consistent' | 'stalled';

export type WatchVerdict = CheckerVerdict<WatchAnomalyKind>;

interface Session {
  readonly op: Operation;
  readonly input: WatchSessionInput;
  readonly output: WatchSessionOutput;
  /** The first revision the stream owes: the requested start, or the created header + 1 from now. */
  readonly from: number;
  /** The last revision the stream vouched for: its newest event or progress notification. */
  readonly upTo: number;
  /** revision -> key -> the event this stream delivered. */
  readonly delivered: Map<number, Map<string, RecordedEvent>>;
  readonly firstEventRev: number | undefined;
  readonly lastEventRev: number | undefined;
}

const WRITE_FS = new Set(['put', 'delete', 'txn']);

/** Same event content (prev_kv aside, which only some watchers ask for). */
function sameEvent(a: RecordedEvent, b: RecordedEvent): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3] && a[4] === b[4] && a[5] === b[5];
}

function showEvent(e: RecordedEvent): string {
  return e[0] === 'PUT' ? `PUT ${e[1]}=${e[2]} (mod ${e[3]}, create ${e[4]}, version ${e[5]})` : `DELETE ${e[1]} (mod ${e[3]})`;
}

/** The first few events of a revision, for a detail line. */
function showEvents(events: Iterable<RecordedEvent>): string {
  const all = [...events];
  const shown = all.slice(0, 3).map(showEvent).join('; ');
  return all.length > 3 ? `${shown}; and ${all.length - 3} more` : shown;
}

export function checkWatch(ops: readonly Operation[]): WatchVerdict {
  const log = new AnomalyLog<WatchAnomalyKind>();
  const sessions: Session[] = [];
  for (const op of ops) {
    if (op.f !== 'watch' || op.outcome !== 'ok') continue;
    sessions.push(readSession(op, log));
  }
  const byWatcher = new Map<string, Session[]>();
  for (const s of sessions) {
    const list = byWatcher.get(s.input.watcher) ?? [];
    list.push(s);
    byWatcher.set(s.input.watcher, list);
  }
  for (const [name, list] of byWatcher) checkSequence(name, list, log);

  // The reference log: every event any watcher delivered, by revision and key.
  const ref = new Map<number, Map<string, RecordedEvent>>();
  let events = 0;
  for (const s of sessions) {
    for (const [rev, byKey] of s.delivered) {
      let r = ref.get(rev);
      if (r === undefined) ref.set(rev, (r = new Map()));
      for (const [key, e] of byKey) {
        events++;
        const known = r.get(key);
        if (known === undefined) r.set(key, e);
        else if (!sameEvent(known, e)) {
          log.add({ kind: 'consistent', who: s.input.watcher, revision: rev, key, lines: [s.op.invokeLine], detail: `watchers disagree on revision ${rev}: ${showEvent(known)} and ${showEvent(e)}` });
        }
      }
    }
  }

  // Revisions the writers were told about.
  const known = new Set<number>(ref.keys());
  const writes = ops.filter((o) => WRITE_FS.has(o.f));
  for (const w of writes) {
    if (w.outcome !== 'ok') continue;
    const out = w.output as { rev: number; deleted?: number };
    if (w.f === 'delete' && out.deleted === 0) continue;
    known.add(out.rev);
  }
  const final = ops.find((o) => o.f === 'final-read' && o.outcome === 'ok');
  const finalRead = final?.output as FinalRead | undefined;
  const maxKnown = Math.max(1, ...known, finalRead?.rev ?? 1);

  // Every revision of the run is a write of the workload's, to a key every watcher covers. A
  // revision no stream delivered though some covered it is lost for all of them.
  let firstGap = Infinity;
  for (let rev = 2; rev <= maxKnown; rev++) {
    if (ref.has(rev)) continue;
    firstGap = Math.min(firstGap, rev);
    const covering = sessions.filter((s) => s.from <= rev && rev <= s.upTo);
    if (covering.length > 0) {
      const ack = writes.find((w) => w.outcome === 'ok' && (w.output as { rev: number }).rev === rev);
      log.add({
        kind: 'reliable',
        revision: rev,
        who: covering.map((s) => s.input.watcher).filter((n, i, a) => a.indexOf(n) === i).join(','),
        ...(ack ? { lines: [ack.invokeLine] } : {}),
        detail: `revision ${rev}${ack ? ` (an acknowledged ${ack.f}${ack.key ? ` of ${ack.key}` : ''})` : ''} was delivered to no watcher, though ${covering.length} stream(s) covered it`,
      });
    }
  }

  // Gaps and partial revisions in each stream, judged against the reference log.
  for (const s of sessions) {
    for (let rev = s.from; rev <= s.upTo; rev++) {
      const want = ref.get(rev);
      if (want === undefined) continue;
      const got = s.delivered.get(rev);
      if (got === undefined) {
        const later = s.lastEventRev !== undefined && s.lastEventRev > rev;
        const resumed = s.input.resumed && (s.firstEventRev === undefined || rev < s.firstEventRev);
        const kind: WatchAnomalyKind = !later ? 'bookmarkable' : resumed ? 'resumable' : 'reliable';
        log.add({
          kind,
          who: s.input.watcher,
          revision: rev,
          lines: [s.op.invokeLine],
          detail:
            kind === 'bookmarkable'
              ? `a progress notification vouched for revision ${s.upTo} but revision ${rev} (${showEvents(want.values())}) was never delivered`
              : `stream from revision ${s.input.start} on ${s.input.endpoint} skipped revision ${rev} (${showEvents(want.values())})`,
        });
      } else if (got.size !== want.size) {
        const missing = [...want.keys()].filter((k) => !got.has(k));
        log.add({ kind: 'atomic', who: s.input.watcher, revision: rev, lines: [s.op.invokeLine], detail: `stream delivered ${got.size} of revision ${rev}'s ${want.size} events (missing ${missing.join(', ')})` });
      }
    }
  }

  checkWrites(writes, ref, log);
  const completeBelow = firstGap;
  checkPrevKv(sessions, ref, completeBelow, log);
  if (finalRead !== undefined && final !== undefined) {
    if (finalRead.rev < completeBelow) checkFinalRead(finalRead, final.completeLine ?? final.invokeLine, ref, log);
    for (const [name, list] of byWatcher) {
      const upTo = Math.max(...list.map((s) => s.upTo));
      if (upTo < finalRead.rev) {
        log.add({ kind: 'stalled', who: name, revision: upTo, detail: `watcher ${name} never got past revision ${upTo}; the final read was at revision ${finalRead.rev}` });
      }
    }
  }
  return log.verdict({ sessions: sessions.length, events, revisions: ref.size, writes: writes.length });
}

function readSession(op: Operation, log: AnomalyLog<WatchAnomalyKind>): Session {
  const input = op.input as WatchSessionInput;
  const output = op.output as WatchSessionOutput;
  const created = output.responses.find((r) => r.created === true);
  const from = input.start > 0 ? input.start : created !== undefined ? created.rev + 1 : Infinity;
  const delivered = new Map<number, Map<string, RecordedEvent>>();
  let upTo = Number.isFinite(from) ? from - 1 : 0;
  let last = 0;
  let lastResponse = -1;
  let vouched = 0;
  let firstEventRev: number | undefined;
  output.responses.forEach((r, i) => {
    if (isProgress(r)) {
      vouched = Math.max(vouched, r.rev);
      upTo = Math.max(upTo, r.rev);
      return;
    }
    for (const e of r.events) {
      const rev = e[3];
      const at = { who: input.watcher, revision: rev, key: e[1], lines: [op.invokeLine] };
      firstEventRev ??= rev;
      if (rev < from) log.add({ kind: input.resumed ? 'resumable' : 'ordered', ...at, detail: `stream from revision ${from} delivered ${showEvent(e)}, older than its start` });
      if (rev < last) log.add({ kind: 'ordered', ...at, detail: `${showEvent(e)} came after an event at revision ${last}` });
      const duplicate = delivered.get(rev)?.has(e[1]) === true;
      if (!duplicate && rev === last && i !== lastResponse && r.fragment !== true && output.responses[lastResponse]?.fragment !== true) {
        log.add({ kind: 'atomic', ...at, detail: `revision ${rev} was split over two responses` });
      }
      if (rev > r.rev) log.add({ kind: 'ordered', ...at, detail: `${showEvent(e)} came in a response headed by the older revision ${r.rev}` });
      if (rev <= vouched) log.add({ kind: 'bookmarkable', ...at, detail: `${showEvent(e)} came after a progress notification at revision ${vouched}` });
      let byKey = delivered.get(rev);
      if (byKey === undefined) delivered.set(rev, (byKey = new Map()));
      if (duplicate) log.add({ kind: 'unique', ...at, detail: `${showEvent(e)} was delivered twice on one stream` });
      byKey.set(e[1], e);
      last = Math.max(last, rev);
      lastResponse = i;
      upTo = Math.max(upTo, rev);
    }
  });
  return { op, input, output, from, upTo, delivered, firstEventRev, lastEventRev: last === 0 ? undefined : last };
}

/** Across one watcher's streams: nothing twice, and each resume starts right after the last. */
function checkSequence(name: string, list: readonly Session[], log: AnomalyLog<WatchAnomalyKind>): void {
  const seen = new Map<string, number>();
  let upTo = 0;
  for (const [i, s] of list.entries()) {
    if (i > 0 && s.input.start !== upTo + 1 && s.input.start !== 0) {
      // The workload resumes at upTo + 1; anything else is a bug in the harness, not the store.
      log.add({ kind: 'resumable', who: name, lines: [s.op.invokeLine], detail: `harness resumed at ${s.input.start}, not at ${upTo + 1}` });
    }
    for (const [rev, byKey] of s.delivered) {
      for (const key of byKey.keys()) {
        const id = `${rev}\u0000${key}`;
        const before = seen.get(id);
        if (before !== undefined && before !== i) {
          log.add({ kind: 'resumable', who: name, revision: rev, key, lines: [s.op.invokeLine], detail: `the event at revision ${rev} on ${key} was delivered again after a resume` });
        }
        seen.set(id, i);
      }
    }
    if (Number.isFinite(s.upTo)) upTo = Math.max(upTo, s.upTo);
  }
}

/** Each acknowledged write is where its response said, and every event comes from a write that may have happened. */
function checkWrites(writes: readonly Operation[], ref: ReadonlyMap<number, ReadonlyMap<string, RecordedEvent>>, log: AnomalyLog<WatchAnomalyKind>): void {
  // (key, value) -> the write that wrote it.
  const byValue = new Map<string, Operation>();
  for (const w of writes) {
    if (w.f === 'put') byValue.set(`${w.key}\u0000${(w.input as { v: string }).v}`, w);
    if (w.f === 'txn') {
      const t = w.input as { a: string; b: string; rest?: string[]; v: string };
      for (const k of [t.a, t.b, ...(t.rest ?? [])]) byValue.set(`${k}\u0000${t.v}`, w);
    }
  }
  const seenAt = new Map<string, number>();
  for (const [rev, byKey] of ref) {
    for (const e of byKey.values()) {
      if (e[0] !== 'PUT') continue;
      const id = `${e[1]}\u0000${e[2]}`;
      const w = byValue.get(id);
      if (w === undefined) log.add({ kind: 'consistent', revision: rev, key: e[1], detail: `${showEvent(e)}: no client ever wrote that value` });
      else if (w.outcome === 'fail') log.add({ kind: 'consistent', revision: rev, key: e[1], lines: [w.invokeLine], detail: `${showEvent(e)} comes from a ${w.f} that failed` });
      const other = seenAt.get(id);
      if (other !== undefined && other !== rev) log.add({ kind: 'unique', revision: rev, key: e[1], detail: `the write of ${e[1]}=${e[2]} took effect twice, at revisions ${other} and ${rev}` });
      seenAt.set(id, rev);
    }
  }
  for (const w of writes) {
    if (w.outcome !== 'ok') continue;
    const out = w.output as { rev: number; deleted?: number; succeeded?: boolean };
    const at = ref.get(out.rev);
    if (at === undefined) continue; // no stream delivered it: reported as reliable
    const lines = [w.invokeLine];
    if (w.f === 'put') {
      const v = (w.input as { v: string }).v;
      const e = at.get(w.key as string);
      if (e === undefined || e[0] !== 'PUT' || e[2] !== v || at.size !== 1) {
        log.add({ kind: 'consistent', revision: out.rev, key: w.key as string, lines, detail: `put ${w.key}=${v} was acknowledged at revision ${out.rev}, whose events are ${showEvents(at.values())}` });
      }
    } else if (w.f === 'delete') {
      if (out.deleted === 0) continue;
      const e = at.get(w.key as string);
      if (e === undefined || e[0] !== 'DELETE' || at.size !== 1) {
        log.add({ kind: 'consistent', revision: out.rev, key: w.key as string, lines, detail: `delete ${w.key} was acknowledged at revision ${out.rev}, whose events are ${showEvents(at.values())}` });
      }
    } else {
      const t = w.input as { a: string; b: string; rest?: string[]; v: string };
      const isPut = (k: string): boolean => {
        const e = at.get(k);
        return e !== undefined && e[0] === 'PUT' && e[2] === t.v;
      };
      const b = at.get(t.b);
      const okB = out.succeeded ? isPut(t.b) : b === undefined || b[0] === 'DELETE';
      const mine = new Set([t.a, t.b, ...(t.rest ?? [])]);
      const extra = [...at.keys()].some((k) => !mine.has(k));
      if (!isPut(t.a) || !okB || !(t.rest ?? []).every(isPut) || extra) {
        log.add({
          kind: 'consistent',
          revision: out.rev,
          lines,
          detail: `txn (${out.succeeded ? 'then' : 'else'} branch: put ${t.a}=${t.v}, ${out.succeeded ? `put ${t.b}=${t.v}` : `delete ${t.b}`}${t.rest ? `, put ${t.rest.join(', ')}` : ''}) was acknowledged at revision ${out.rev}, whose events are ${showEvents(at.values())}`,
        });
      }
    }
  }
}

/**
 * prev_kv and the kv's version and create_revision, against the key's state just before each
 * event's revision, for the revisions below the first one no watcher delivered (past it the
 * state is unknown).
 */
function checkPrevKv(sessions: readonly Session[], ref: ReadonlyMap<number, ReadonlyMap<string, RecordedEvent>>, completeBelow: number, log: AnomalyLog<WatchAnomalyKind>): void {
  // revision -> key -> the key's event just before that revision (undefined: never existed).
  const before = new Map<number, Map<string, RecordedEvent | undefined>>();
  const state = new Map<string, RecordedEvent>();
  for (const rev of [...ref.keys()].sort((a, b) => a - b)) {
    if (rev >= completeBelow) break;
    const byKey = ref.get(rev) as ReadonlyMap<string, RecordedEvent>;
    const b = new Map<string, RecordedEvent | undefined>();
    for (const [key, e] of byKey) {
      b.set(key, state.get(key));
      state.set(key, e);
    }
    before.set(rev, b);
  }
  for (const s of sessions) {
    for (const [rev, byKey] of s.delivered) {
      const b = before.get(rev);
      if (b === undefined) continue;
      for (const [key, e] of byKey) {
        const p = b.get(key);
        const prev = p === undefined || p[0] === 'DELETE' ? undefined : p;
        const at = { who: s.input.watcher, revision: rev, key, lines: [s.op.invokeLine] };
        if (e[0] === 'PUT') {
          const wantVersion = prev === undefined ? 1 : prev[5] + 1;
          const wantCreate = prev === undefined ? rev : prev[4];
          if (e[5] !== wantVersion || e[4] !== wantCreate) {
            log.add({ kind: 'consistent', ...at, detail: `${showEvent(e)}: expected version ${wantVersion} and create_revision ${wantCreate} from the key's previous state` });
          }
        } else if (prev === undefined) {
          log.add({ kind: 'consistent', ...at, detail: `DELETE of ${key} at revision ${rev}, which did not exist then` });
        }
        if (!s.input.prevKv) continue;
        const got = e[6];
        const want = prev === undefined ? null : [prev[2], prev[3], prev[4], prev[5]];
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          log.add({ kind: 'prev_kv', ...at, detail: `${showEvent(e)} carried prev_kv ${JSON.stringify(got)}; the key was ${want === null ? 'absent' : JSON.stringify(want)} before it` });
        }
      }
    }
  }
}

function checkFinalRead(final: FinalRead, line: number, ref: ReadonlyMap<number, ReadonlyMap<string, RecordedEvent>>, log: AnomalyLog<WatchAnomalyKind>): void {
  const state = new Map<string, RecordedEvent>();
  for (const rev of [...ref.keys()].sort((a, b) => a - b)) {
    if (rev > final.rev) break;
    for (const [key, e] of ref.get(rev) as ReadonlyMap<string, RecordedEvent>) {
      if (e[0] === 'DELETE') state.delete(key);
      else state.set(key, e);
    }
  }
  const read = new Map(final.kvs.map((kv) => [kv[0], kv]));
  for (const key of new Set([...state.keys(), ...read.keys()])) {
    const e = state.get(key);
    const kv = read.get(key);
    const same = e !== undefined && kv !== undefined && e[2] === kv[1] && e[3] === kv[2] && e[4] === kv[3] && e[5] === kv[4];
    if (!same) {
      log.add({
        kind: 'consistent',
        key,
        revision: final.rev,
        lines: [line],
        detail: `the final read at revision ${final.rev} has ${key} ${kv === undefined ? 'absent' : `=${kv[1]} (mod ${kv[2]})`}; the events say ${e === undefined ? 'absent' : `=${e[2]} (mod ${e[3]})`}`,
      });
    }
  }
}
