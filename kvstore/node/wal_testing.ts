import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { Entry, Storage } from '../../raft/index.js';
import { readRecord, type WalRecord } from './wal_record.js';

/** Helpers for the WAL's tests (kept out of the test files so that they can share them). */

export interface TempDir {
  readonly path: string;
  remove(): Promise<void>;
}

export async function tempDir(prefix = 'ketch-wal-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** A logger whose lines are kept in `lines`. */
export function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

export const WARN = 40;

export function entry(index: number, term: number, data: string | Uint8Array = `e${index}`): Entry {
  return { index, term, type: 'normal', data: typeof data === 'string' ? Buffer.from(data) : data };
}

/** Entries [from, to] at `term`. */
export function entries(from: number, to: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, term));
  return out;
}

/** Everything a Storage shows, as plain data, for comparing two of them. */
export function viewOf(s: Storage): unknown {
  const first = s.firstIndex();
  const last = s.lastIndex();
  const snap = s.snapshot();
  const { hardState, confState } = s.initialState();
  return {
    first,
    last,
    termBeforeFirst: s.term(first - 1),
    entries: last >= first ? s.entries(first, last + 1, Infinity).map((e) => `${e.index}/${e.term}/${e.type}/${Buffer.from(e.data).toString('hex')}`) : [],
    snapshot: { ...snap.metadata, data: Buffer.from(snap.data).toString('hex') },
    hardState,
    confState,
  };
}

/** The records of a segment's bytes with their offsets, up to the first one that is not valid. */
export function recordsOf(buf: Buffer): Array<{ offset: number; end: number; record: WalRecord }> {
  const out: Array<{ offset: number; end: number; record: WalRecord }> = [];
  for (let offset = 0; ; ) {
    const r = readRecord(buf, offset);
    if (r.kind !== 'record') return out;
    out.push({ offset, end: r.next, record: r.record });
    offset = r.next;
  }
}
