import type { Entry, NodeId, StateRole } from '../types.js';

/**
 * The safety invariants the simulator asserts after every event. The checker sees the cluster only
 * through plain observations (who is leader of which term, what a node wrote to its disk, what it
 * applied), so it can be fed fabricated histories in tests and never trusts the core it checks.
 *
 * - ElectionSafety: at most one leader per term, over the whole history.
 * - VoteDurability: a vote leaves a node only once it is durable; a node never grants two votes in
 *   one term, across crashes.
 * - AckDurability: an append acknowledgement leaves a node only once the entries are durable.
 * - LogMatching: two logs holding an entry with the same index and term hold the same entry there
 *   and the same entries before it. Checked incrementally: every durable write records, for each
 *   (index, term), its data and the term of the entry before it; by induction on the index this is
 *   the full property. checkLogsMatch() also compares whole logs pairwise.
 * - StateMachineSafety: no two nodes commit or apply different entries at the same index; the
 *   hash chain of applied entries agrees at every index, also across snapshot restores.
 * - LeaderCompleteness: a leader of term T holds every entry committed in a term before T (an
 *   entry covered by the leader's snapshot counts as held).
 * - Durability: after a crash, a node's disk still holds every entry up to its persisted commit.
 * - ReadIndexSafety: a read index is at least the commit index at the moment the read was asked.
 * - Liveness / Convergence: asserted by the run (see run.ts), reported through the same error.
 */
export type InvariantName =
  | 'ElectionSafety'
  | 'VoteDurability'
  | 'AckDurability'
  | 'LogMatching'
  | 'StateMachineSafety'
  | 'LeaderCompleteness'
  | 'Durability'
  | 'ReadIndexSafety'
  | 'ApplyOrder'
  | 'Liveness'
  | 'Convergence';

export const SIM_INVARIANT_VIOLATED = 'SIM_INVARIANT_VIOLATED';

export class InvariantViolation extends Error {
  readonly code = SIM_INVARIANT_VIOLATED;
  readonly invariant: InvariantName;
  constructor(invariant: InvariantName, message: string) {
    super(`${invariant} violated: ${message}`);
    this.name = 'InvariantViolation';
    this.invariant = invariant;
  }
}

export function violation(invariant: InvariantName, message: string): never {
  throw new InvariantViolation(invariant, message);
}

/** A short, comparable rendering of an entry's payload. */
export function entryKey(e: Pick<Entry, 'type' | 'data'>): string {
  const d = e.data;
  let s = e.type === 'confChange' ? 'cc:' : '';
  // Commands are short; fromCharCode over bytes is cheaper than a TextDecoder per entry.
  for (let i = 0; i < d.length; i += 4096) s += String.fromCharCode(...d.subarray(i, i + 4096));
  return s;
}

/** The term at index i of some log, or undefined when that log does not hold index i. */
export type TermAt = (index: number) => number | undefined;

/** What an entry carries besides its position. */
type Payload = Pick<Entry, 'type' | 'data'>;

/** Whether two payloads are the same (entries usually share the very same bytes). */
function samePayload(a: Payload, b: Payload): boolean {
  if (a.type !== b.type) return false;
  if (a.data === b.data) return true;
  if (a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

interface LogRecord {
  readonly term: number;
  readonly payload: Payload;
  prevTerm: number | undefined;
  readonly node: NodeId;
}

interface CommittedRecord {
  readonly term: number;
  /** The lowest term in which some node was seen treating the entry as committed. */
  commitTerm: number;
  readonly node: NodeId;
}

interface AppliedRecord {
  readonly term: number;
  readonly payload: Payload;
  readonly hash: number;
  readonly node: NodeId;
}

export class SafetyChecker {
  private readonly leaders = new Map<number, NodeId>();
  private readonly votes = new Map<number, NodeId>();
  private readonly logs = new Map<number, LogRecord[]>();
  private readonly committed = new Map<number, CommittedRecord>();
  private readonly applied = new Map<number, AppliedRecord>();
  private readonly reads = new Map<string, number>();
  private maxCommitted = 0;

  /** The highest index ever seen committed by any node. */
  get committedIndex(): number {
    return this.maxCommitted;
  }

  /** The term of the committed entry at index, if one was seen. */
  committedTerm(index: number): number | undefined {
    return this.committed.get(index)?.term;
  }

  /** The hash of the applied state at index, if some node applied up to it. */
  appliedHash(index: number): number | undefined {
    return this.applied.get(index)?.hash;
  }

  /** ElectionSafety. */
  observeRole(node: NodeId, term: number, role: StateRole): void {
    if (role !== 'leader') return;
    const known = this.leaders.get(term);
    if (known === undefined) this.leaders.set(term, node);
    else if (known !== node) violation('ElectionSafety', `two leaders in term ${term}: n${known} and n${node}`);
  }

  /**
   * VoteDurability, checked when a granted vote is handed to the network: the voter's disk must
   * already hold the vote (or a later term), and the voter never granted another candidate in
   * that term before, in any incarnation.
   */
  observeVoteSent(voter: NodeId, term: number, candidate: NodeId, durable: { term: number; vote: NodeId }): void {
    if (durable.term < term || (durable.term === term && durable.vote !== candidate)) {
      violation(
        'VoteDurability',
        `n${voter} sent a vote for n${candidate} in term ${term} but its disk holds term=${durable.term} vote=n${durable.vote}`,
      );
    }
    const key = term * 65536 + voter;
    const earlier = this.votes.get(key);
    if (earlier === undefined) this.votes.set(key, candidate);
    else if (earlier !== candidate) {
      violation('VoteDurability', `n${voter} voted twice in term ${term}: for n${earlier} and for n${candidate}`);
    }
  }

  /**
   * AckDurability, checked when an append acknowledgement is handed to the network. Only while the
   * disk is still in the acknowledged term: within one term a follower's matched prefix only grows.
   */
  observeAckSent(node: NodeId, term: number, index: number, durable: { term: number; lastIndex: number }): void {
    if (durable.term === term && durable.lastIndex < index) {
      violation('AckDurability', `n${node} acknowledged index ${index} in term ${term} but its disk ends at ${durable.lastIndex}`);
    }
  }

  /**
   * LogMatching, on every durable write: `entries` were appended after an entry whose term is
   * `prevTerm` (undefined when it is compacted away).
   */
  observeAppend(node: NodeId, prevTerm: number | undefined, entries: readonly Entry[]): void {
    let prev = prevTerm;
    for (const e of entries) {
      this.recordLogEntry(node, e, prev);
      prev = e.term;
    }
  }

  private recordLogEntry(node: NodeId, e: Entry, prevTerm: number | undefined): void {
    const { index, term } = e;
    let recs = this.logs.get(index);
    if (recs === undefined) {
      recs = [];
      this.logs.set(index, recs);
    }
    const rec = recs.find((r) => r.term === term);
    if (rec === undefined) {
      recs.push({ term, payload: e, prevTerm, node });
      return;
    }
    if (!samePayload(rec.payload, e)) {
      violation('LogMatching', `index ${index} term ${term} holds ${show(entryKey(rec.payload))} on n${rec.node} but ${show(entryKey(e))} on n${node}`);
    }
    if (rec.prevTerm === undefined) rec.prevTerm = prevTerm;
    else if (prevTerm !== undefined && rec.prevTerm !== prevTerm) {
      violation(
        'LogMatching',
        `index ${index} term ${term} is preceded by term ${rec.prevTerm} on n${rec.node} but by term ${prevTerm} on n${node}`,
      );
    }
  }

  /**
   * A node treats index as committed while in nodeTerm; entryTerm is the term of its entry there
   * (undefined when compacted into a snapshot, which was checked when it was applied).
   */
  observeCommitted(node: NodeId, nodeTerm: number, index: number, entryTerm: number | undefined): void {
    if (entryTerm === undefined) return;
    const rec = this.committed.get(index);
    if (rec === undefined) {
      this.committed.set(index, { term: entryTerm, commitTerm: nodeTerm, node });
      if (index > this.maxCommitted) this.maxCommitted = index;
      return;
    }
    if (rec.term !== entryTerm) {
      violation('StateMachineSafety', `index ${index} committed with term ${rec.term} on n${rec.node} but with term ${entryTerm} on n${node}`);
    }
    if (nodeTerm < rec.commitTerm) rec.commitTerm = nodeTerm;
  }

  /** A snapshot (index, term) was installed or restored: it must agree with what was committed. */
  observeSnapshot(node: NodeId, index: number, term: number): void {
    if (index === 0) return;
    const rec = this.committed.get(index);
    if (rec !== undefined && rec.term !== term) {
      violation('StateMachineSafety', `n${node} holds a snapshot at index ${index} term ${term} but term ${rec.term} was committed there`);
    }
    if (index > this.maxCommitted) this.maxCommitted = index;
  }

  /**
   * LeaderCompleteness: node leads `term` with a log whose snapshot covers up to snapshotIndex and
   * whose entries end at lastIndex. Every entry committed in an earlier term must be in it (those
   * at indexes from..upTo, by default all of them).
   */
  checkLeaderLog(node: NodeId, term: number, snapshotIndex: number, lastIndex: number, termAt: TermAt, from = 1, upTo = this.maxCommitted): void {
    for (let i = Math.max(from, snapshotIndex + 1); i <= upTo; i++) {
      const rec = this.committed.get(i);
      if (rec === undefined || rec.commitTerm >= term) continue;
      if (i > lastIndex) {
        violation('LeaderCompleteness', `n${node}, leader of term ${term}, lacks committed index ${i} (term ${rec.term}): its log ends at ${lastIndex}`);
      }
      const t = termAt(i);
      if (t !== rec.term) {
        violation('LeaderCompleteness', `n${node}, leader of term ${term}, holds term ${t} at committed index ${i} (committed term ${rec.term})`);
      }
    }
  }

  /** Durability: a restarted node's disk holds every entry up to its persisted commit index. */
  checkRestart(node: NodeId, hardStateCommit: number, snapshotIndex: number, lastIndex: number, termAt: TermAt): void {
    if (hardStateCommit > lastIndex) {
      violation('Durability', `n${node} restarted with commit ${hardStateCommit} beyond its last durable index ${lastIndex}`);
    }
    for (let i = snapshotIndex + 1; i <= hardStateCommit; i++) {
      const rec = this.committed.get(i);
      const t = termAt(i);
      if (rec !== undefined && t !== rec.term) {
        violation('Durability', `n${node} restarted holding term ${t} at index ${i}, but term ${rec.term} was committed there`);
      }
    }
  }

  /**
   * StateMachineSafety: node applied entry e, reaching state `hash`. Returns whether e is the first
   * entry applied at its index by any node.
   */
  observeApplied(node: NodeId, e: Entry, hash: number): boolean {
    const rec = this.applied.get(e.index);
    if (rec === undefined) {
      this.applied.set(e.index, { term: e.term, payload: e, hash, node });
      return true;
    }
    if (rec.term !== e.term || !samePayload(rec.payload, e)) {
      violation(
        'StateMachineSafety',
        `index ${e.index} applied as ${show(entryKey(rec.payload))} (term ${rec.term}) on n${rec.node} but as ${show(entryKey(e))} (term ${e.term}) on n${node}`,
      );
    }
    if (rec.hash !== hash) {
      violation('StateMachineSafety', `state after index ${e.index} differs: hash ${rec.hash} on n${rec.node}, ${hash} on n${node}`);
    }
    return false;
  }

  /** StateMachineSafety: node restored its state machine to `hash` at index from a snapshot. */
  observeRestored(node: NodeId, index: number, hash: number): void {
    if (index === 0) return;
    const rec = this.applied.get(index);
    if (rec === undefined) violation('StateMachineSafety', `n${node} restored a snapshot at index ${index} that no node ever applied`);
    if (rec.hash !== hash) {
      violation('StateMachineSafety', `n${node} restored hash ${hash} at index ${index}, but n${rec.node} applied hash ${rec.hash} there`);
    }
  }

  /** A read was asked; its answer must be at least the highest commit index seen now. */
  readRequested(context: string): void {
    this.reads.set(context, this.maxCommitted);
  }

  /** ReadIndexSafety. */
  observeReadState(node: NodeId, context: string, index: number): void {
    const minIndex = this.reads.get(context);
    if (minIndex !== undefined && index < minIndex) {
      violation('ReadIndexSafety', `n${node} answered read ${show(context)} with index ${index}, but ${minIndex} was committed when it was asked`);
    }
  }

  /** LogMatching over whole logs, pairwise (run at the end of a seed). */
  checkLogsMatch(logs: readonly { node: NodeId; entries: readonly Entry[] }[]): void {
    for (let a = 0; a < logs.length; a++) {
      for (let b = a + 1; b < logs.length; b++) matchPair(logs[a] as (typeof logs)[number], logs[b] as (typeof logs)[number]);
    }
  }
}

function matchPair(a: { node: NodeId; entries: readonly Entry[] }, b: { node: NodeId; entries: readonly Entry[] }): void {
  const aFirst = a.entries[0]?.index;
  const bFirst = b.entries[0]?.index;
  if (aFirst === undefined || bFirst === undefined) return;
  const lo = Math.max(aFirst, bFirst);
  const hi = Math.min(aFirst + a.entries.length - 1, bFirst + b.entries.length - 1);
  let matched = false;
  for (let i = hi; i >= lo; i--) {
    const ea = a.entries[i - aFirst] as Entry;
    const eb = b.entries[i - bFirst] as Entry;
    if (ea.index !== i || eb.index !== i) violation('LogMatching', `log of n${ea.index !== i ? a.node : b.node} is not contiguous at ${i}`);
    if (!matched && ea.term === eb.term) matched = true;
    if (matched && (ea.term !== eb.term || !samePayload(ea, eb))) {
      violation(
        'LogMatching',
        `n${a.node} and n${b.node} agree on a later entry but differ at index ${i}: (${ea.term}, ${show(entryKey(ea))}) vs (${eb.term}, ${show(entryKey(eb))})`,
      );
    }
  }
}

function show(key: string): string {
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
}
