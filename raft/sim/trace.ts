import { assertNever, type Message, type NodeId, type StateRole } from '../types.js';

/**
 * A readable record of a run: every message delivered or dropped and every state change. Records
 * are kept raw (formatting a string per message would dominate a passing run) in a ring buffer of
 * `limit` records, and only formatted when someone asks for the lines, i.e. for a failing seed.
 */
export type DropReason = 'partition' | 'random' | 'down' | 'unknown node' | 'refused';

export type TraceRecord =
  | { readonly kind: 'deliver'; readonly atMs: number; readonly msg: Message; readonly duplicate: boolean }
  | { readonly kind: 'drop'; readonly atMs: number; readonly msg: Message; readonly reason: DropReason }
  | { readonly kind: 'role'; readonly atMs: number; readonly node: NodeId; readonly from: StateRole; readonly to: StateRole; readonly term: number; readonly lead: NodeId }
  | { readonly kind: 'commit'; readonly atMs: number; readonly node: NodeId; readonly index: number }
  /** A client request to a node and how the node took it; `data` is shown after `what`. */
  | { readonly kind: 'request'; readonly atMs: number; readonly node: NodeId; readonly what: string; readonly data: Uint8Array | undefined; readonly outcome: string }
  | { readonly kind: 'event'; readonly atMs: number; readonly node: NodeId | undefined; readonly text: string };

export class Trace {
  private readonly records: TraceRecord[] = [];
  private head = 0;
  private dropped = 0;

  /** limit: how many of the latest records to keep (Infinity keeps them all). */
  constructor(readonly limit: number) {}

  record(r: TraceRecord): void {
    if (this.records.length < this.limit) {
      this.records.push(r);
      return;
    }
    if (this.limit <= 0) return;
    this.records[this.head] = r;
    this.head = (this.head + 1) % this.records.length;
    this.dropped++;
  }

  event(atMs: number, node: NodeId | undefined, text: string): void {
    this.record({ kind: 'event', atMs, node, text });
  }

  /** The kept records, oldest first. */
  all(): TraceRecord[] {
    return [...this.records.slice(this.head), ...this.records.slice(0, this.head)];
  }

  /** The kept records as lines, preceded by a note when older ones were overwritten. */
  lines(): string[] {
    const out = this.dropped > 0 ? [`… ${this.dropped} earlier trace records not kept (replay with --trace for all)`] : [];
    for (const r of this.all()) out.push(formatRecord(r));
    return out;
  }
}

export function formatRecord(r: TraceRecord): string {
  const t = `t=${formatMs(r.atMs)}ms`;
  switch (r.kind) {
    case 'deliver':
      return `${t} n${r.msg.from} → n${r.msg.to} ${formatMessage(r.msg)}${r.duplicate ? ' (duplicate)' : ''}`;
    case 'drop':
      return `${t} n${r.msg.from} ✗ n${r.msg.to} ${formatMessage(r.msg)} (dropped: ${r.reason})`;
    case 'role':
      return `${t} n${r.node} ${r.from} → ${r.to} term=${r.term} lead=${r.lead === 0 ? '-' : `n${r.lead}`}`;
    case 'commit':
      return `${t} n${r.node} commit=${r.index}`;
    case 'request':
      return `${t} n${r.node} ${r.what}${r.data === undefined ? '' : ` ${bytes(r.data)}`} → ${r.outcome}`;
    case 'event':
      return r.node === undefined ? `${t} ${r.text}` : `${t} n${r.node} ${r.text}`;
    default:
      return assertNever(r, 'trace record');
  }
}

function formatMs(ms: number): string {
  return Number.isInteger(ms) ? String(ms) : ms.toFixed(3);
}

export function formatMessage(m: Message): string {
  const head = `${m.type} term=${m.term}`;
  switch (m.type) {
    case 'MsgApp':
      return `${head} index=${m.index} logTerm=${m.logTerm} entries=${m.entries.length}${entryRange(m.entries)} commit=${m.commit}`;
    case 'MsgAppResp':
      return m.reject
        ? `${head} index=${m.index} reject hint=${m.rejectHint} logTerm=${m.logTerm}`
        : `${head} index=${m.index}`;
    case 'MsgVote':
    case 'MsgPreVote':
      return `${head} index=${m.index} logTerm=${m.logTerm}${m.transfer ? ' transfer' : ''}`;
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      return `${head} ${m.reject ? 'reject' : 'grant'}`;
    case 'MsgHeartbeat':
      return `${head} commit=${m.commit}${m.context === undefined ? '' : ` ctx=${bytes(m.context)}`}`;
    case 'MsgHeartbeatResp':
      return `${head}${m.context === undefined ? '' : ` ctx=${bytes(m.context)}`}`;
    case 'MsgSnap': {
      const md = m.snapshot.metadata;
      return `${head} snapshot index=${md.index} term=${md.term} voters=[${md.confState.voters.join(',')}] learners=[${md.confState.learners.join(',')}]`;
    }
    case 'MsgTimeoutNow':
      return head;
    case 'MsgProp':
      return `${head} entries=${m.entries.length} [${m.entries.map((e) => bytes(e.data)).join(', ')}]`;
    case 'MsgReadIndex':
      return `${head} ctx=${bytes(m.context)}`;
    case 'MsgReadIndexResp':
      return `${head} index=${m.index} ctx=${bytes(m.context)}`;
    case 'MsgTransferLeader':
      return `${head} transferee=n${m.transferee}`;
    default:
      return assertNever(m, 'message');
  }
}

function entryRange(entries: readonly { index: number; term: number }[]): string {
  const first = entries[0];
  const last = entries[entries.length - 1];
  if (first === undefined || last === undefined) return '';
  return first === last ? ` [${first.index}@${first.term}]` : ` [${first.index}@${first.term}..${last.index}@${last.term}]`;
}

/** Printable bytes: the text when it is plain ASCII, hex otherwise. */
export function bytes(data: Uint8Array): string {
  let printable = true;
  for (const b of data) if (b < 0x20 || b > 0x7e) printable = false;
  if (printable) return JSON.stringify(String.fromCharCode(...data));
  return `0x${Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
