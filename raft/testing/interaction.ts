/**
 * Scripted interaction tests for the consensus core, in the spirit of etcd-io/raft's datadriven
 * interaction tests: a script drives a small cluster one step at a time, and the output of every
 * step (each Ready, each message, each log line of the core) is compared with a golden copy.
 *
 * Script format (raft/testdata/*.txt). Each command is one line, followed by a line `----`, the
 * output the command produced, and a blank line. Lines starting with `#` (and blank lines) between
 * blocks are comments and are kept as they are:
 *
 *     # Member 1 campaigns.
 *     campaign 1
 *     ----
 *     DEBUG 1 became candidate term=1
 *
 * A command that prints nothing prints `ok`; a command refused with a RaftError prints
 * `error: <code>`.
 *
 * Regenerating the golden output: `REWRITE=1 npx vitest run raft/interaction.test.ts` runs every
 * script and writes the actual output back into the files. Read the diff before committing it: the
 * golden files are the review record of how the protocol behaves.
 *
 * Commands:
 *   add-nodes N [voters=(1,2,3)] [learners=(4)] [prevote=true] [checkquorum=true]
 *             [terms=(1,1,2)] [commit=I] [electionTick=T] [heartbeatTick=T]
 *             [maxSizePerMsgBytes=B] [maxInflightMsgs=M]
 *       Adds N members with the next free ids. voters defaults to the new ids; terms gives an initial
 *       durable log (one empty entry per term), with commit its committed index. electionTick
 *       defaults to 3 and heartbeatTick to 1, to keep the traces short.
 *   campaign ID                      start an election now (no PreVote)
 *   tick-heartbeat ID                tick heartbeatTick times
 *   tick-election ID                 tick electionTick times (election timeouts are not randomized
 *                                    here: a member campaigns after exactly electionTick ticks)
 *   propose ID DATA                  propose a command
 *   propose-conf-change ID TYPE NODE TYPE is addNode, addLearner or removeNode
 *   read-index ID CTX                request a read index
 *   transfer-leadership FROM TO      ask FROM to hand leadership to TO
 *   process-ready ID...              handle the Ready of each member: persist, send, apply, advance
 *   deliver-msgs [ID...] [drop=(IDs)] deliver queued messages (to the given members, or all);
 *                                    messages to members in drop are discarded
 *   stabilize [ID...]                process-ready and deliver-msgs until nothing is left
 *   isolate ID / recover             cut every link of a member / heal every link
 *   status ID / log ID / raft-state  print a member's state, its log, or every member's role
 *   compact ID INDEX                 snapshot the member's state at INDEX and compact its log
 *   restart ID                       crash and restart a member from its durable storage
 *   report-snapshot ID TO ok|fail    the driver of ID reports a snapshot sent to TO
 *   report-unreachable ID TO         the driver of ID reports TO unreachable
 */
import type { RaftLogger } from '../config.js';
import { decodeConfChange } from '../confchange.js';
import { RaftError } from '../errors.js';
import { Prng } from '../rand.js';
import { RawNode } from '../raw_node.js';
import type { Ready } from '../ready.js';
import { MemoryStorage } from '../storage.js';
import {
  assertNever,
  type ConfChangeType,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type Snapshot,
} from '../types.js';

// ---------------------------------------------------------------------------------------------
// Script files
// ---------------------------------------------------------------------------------------------

export interface ScriptBlock {
  /** Comment and blank lines before the command, verbatim. */
  readonly preamble: readonly string[];
  readonly command: string;
  readonly expected: readonly string[];
}

export function parseScript(text: string): { blocks: ScriptBlock[]; trailer: string[] } {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const blocks: ScriptBlock[] = [];
  let preamble: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === '' || line.startsWith('#')) {
      preamble.push(line);
      i++;
      continue;
    }
    const command = line;
    if (lines[i + 1] !== '----') throw new Error(`script line ${i + 2}: expected ---- after "${command}"`);
    i += 2;
    const expected: string[] = [];
    while (i < lines.length && (lines[i] as string) !== '') expected.push(lines[i++] as string);
    i++; // the blank line that ends the block
    blocks.push({ preamble, command, expected });
    preamble = [];
  }
  return { blocks, trailer: preamble };
}

export function formatScript(blocks: ReadonlyArray<{ preamble: readonly string[]; command: string; output: readonly string[] }>, trailer: readonly string[]): string {
  const out: string[] = [];
  for (const b of blocks) out.push(...b.preamble, b.command, '----', ...b.output, '');
  out.push(...trailer);
  return `${out.join('\n')}\n`;
}

/** Runs a script from scratch and returns it with the actual output of every command. */
export function runScript(text: string): string {
  const { blocks, trailer } = parseScript(text);
  const env = new InteractionEnv();
  return formatScript(
    blocks.map((b) => ({ preamble: b.preamble, command: b.command, output: env.run(b.command) })),
    trailer,
  );
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function quote(b: Uint8Array): string {
  return JSON.stringify(decoder.decode(b));
}

function ids(list: readonly NodeId[]): string {
  return `(${list.join(',')})`;
}

function formatConfState(cs: ConfState): string {
  return `voters=${ids(cs.voters)} learners=${ids(cs.learners)}`;
}

export function formatEntry(e: Entry): string {
  const id = `${e.term}/${e.index}`;
  if (e.type === 'normal') return `${id} ${quote(e.data)}`;
  const cc = decodeConfChange(e.data);
  return `${id} conf(${cc.type} ${cc.nodeId})`;
}

function formatEntries(ents: readonly Entry[]): string {
  return `[${ents.map(formatEntry).join(', ')}]`;
}

function formatSnapshot(s: Snapshot): string {
  return `${s.metadata.term}/${s.metadata.index} ${formatConfState(s.metadata.confState)}`;
}

function formatHardState(hs: HardState): string {
  return `term=${hs.term} vote=${hs.vote} commit=${hs.commit}`;
}

/** One line per message: `from->to Type term=T ...`; indexes are written term/index, as in etcd. */
export function formatMessage(m: Message): string {
  const head = `${m.from}->${m.to} ${m.type} term=${m.term}`;
  const ctx = (c: Uint8Array | undefined): string => (c === undefined ? '' : ` ctx=${quote(c)}`);
  switch (m.type) {
    case 'MsgApp':
      return `${head} log=${m.logTerm}/${m.index} commit=${m.commit}${m.entries.length > 0 ? ` entries=${formatEntries(m.entries)}` : ''}`;
    case 'MsgAppResp':
      return m.reject ? `${head} index=${m.index} reject hint=${m.logTerm}/${m.rejectHint}` : `${head} index=${m.index}`;
    case 'MsgVote':
    case 'MsgPreVote':
      return `${head} log=${m.logTerm}/${m.index}${m.transfer ? ' transfer' : ''}`;
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      return `${head}${m.reject ? ' reject' : ''}`;
    case 'MsgHeartbeat':
      return `${head} commit=${m.commit}${ctx(m.context)}`;
    case 'MsgHeartbeatResp':
      return `${head}${ctx(m.context)}`;
    case 'MsgSnap':
      return `${head} snap=${formatSnapshot(m.snapshot)}`;
    case 'MsgTimeoutNow':
      return head;
    case 'MsgProp':
      return `${head} entries=${formatEntries(m.entries)}`;
    case 'MsgReadIndex':
      return `${head}${ctx(m.context)}`;
    case 'MsgReadIndexResp':
      return `${head} index=${m.index}${ctx(m.context)}`;
    case 'MsgTransferLeader':
      return `${head} transferee=${m.transferee}`;
    default:
      return assertNever(m, 'message');
  }
}

function formatField(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(formatField).join(',')}]`;
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// ---------------------------------------------------------------------------------------------
// The environment
// ---------------------------------------------------------------------------------------------

/** Election timeouts without randomness: every member campaigns after exactly electionTick ticks. */
class FixedTimeoutPrng extends Prng {
  constructor() {
    super(0);
  }

  override int(_n: number): number {
    return 0;
  }
}

interface MemberOptions {
  readonly electionTick: number;
  readonly heartbeatTick: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly maxSizePerMsgBytes?: number;
  readonly maxInflightMsgs?: number;
}

interface EnvMember {
  readonly id: NodeId;
  node: RawNode;
  readonly storage: MemoryStorage;
  readonly opts: MemberOptions;
  /** The state machine: the data of every applied normal entry, in order, with its index. */
  state: Array<{ index: number; data: string }>;
}

type Args = { readonly positional: string[]; readonly named: Map<string, string> };

export class InteractionEnv {
  private readonly members = new Map<NodeId, EnvMember>();
  /** Messages sent and not yet delivered, in send order. */
  private queue: Message[] = [];
  private readonly cutLinks = new Set<string>();
  private out: string[] = [];
  private indent = '';

  /** Runs one command and returns its output lines. */
  run(command: string): string[] {
    this.out = [];
    this.indent = '';
    const [name, ...rest] = command.trim().split(/\s+/);
    const args = parseArgs(rest);
    try {
      this.dispatch(name ?? '', args);
    } catch (err) {
      if (!(err instanceof RaftError)) throw err;
      this.indent = '';
      this.print(`error: ${err.code}`);
    }
    return this.out.length === 0 ? ['ok'] : this.out;
  }

  private dispatch(name: string, args: Args): void {
    switch (name) {
      case 'add-nodes':
        return this.addNodes(args);
      case 'campaign':
        return this.member(args, 0).node.campaign();
      case 'tick-heartbeat': {
        const m = this.member(args, 0);
        for (let i = 0; i < m.opts.heartbeatTick; i++) m.node.tick();
        return;
      }
      case 'tick-election': {
        const m = this.member(args, 0);
        for (let i = 0; i < m.opts.electionTick; i++) m.node.tick();
        return;
      }
      case 'propose':
        return this.member(args, 0).node.propose(encoder.encode(arg(args, 1)));
      case 'propose-conf-change':
        return this.member(args, 0).node.proposeConfChange({ type: confChangeType(arg(args, 1)), nodeId: num(arg(args, 2)) });
      case 'read-index':
        return this.member(args, 0).node.readIndex(encoder.encode(arg(args, 1)));
      case 'transfer-leadership':
        return this.member(args, 0).node.transferLeadership(num(arg(args, 1)));
      case 'process-ready':
        for (const id of args.positional.map(num)) this.processReady(id);
        return;
      case 'deliver-msgs':
        this.deliverMsgs(args.positional.length > 0 ? args.positional.map(num) : undefined, idList(args.named.get('drop') ?? '()'));
        return;
      case 'stabilize':
        return this.stabilize(args.positional.length > 0 ? args.positional.map(num) : undefined);
      case 'isolate': {
        const id = num(arg(args, 0));
        for (const other of this.members.keys()) {
          if (other === id) continue;
          this.cutLinks.add(`${id}-${other}`);
          this.cutLinks.add(`${other}-${id}`);
        }
        return;
      }
      case 'recover':
        this.cutLinks.clear();
        return;
      case 'status':
        return this.status(this.member(args, 0));
      case 'log':
        return this.printLog(this.member(args, 0));
      case 'raft-state':
        for (const m of this.sortedMembers()) {
          const r = m.node.raft;
          this.print(`${m.id}: ${r.state} term=${r.term} lead=${r.lead}`);
        }
        return;
      case 'compact':
        return this.compact(this.member(args, 0), num(arg(args, 1)));
      case 'restart':
        return this.restart(this.member(args, 0));
      case 'report-snapshot':
        return this.member(args, 0).node.reportSnapshot(num(arg(args, 1)), arg(args, 2) === 'ok');
      case 'report-unreachable':
        return this.member(args, 0).node.reportUnreachable(num(arg(args, 1)));
      default:
        throw new Error(`unknown command "${name}"`);
    }
  }

  private print(line: string): void {
    this.out.push(this.indent + line);
  }

  private withIndent(fn: () => void): void {
    const saved = this.indent;
    this.indent += '  ';
    try {
      fn();
    } finally {
      this.indent = saved;
    }
  }

  private member(args: Args, at: number): EnvMember {
    const id = num(arg(args, at));
    const m = this.members.get(id);
    if (m === undefined) throw new Error(`no member ${id}`);
    return m;
  }

  private sortedMembers(): EnvMember[] {
    return [...this.members.values()].sort((a, b) => a.id - b.id);
  }

  private loggerFor(id: NodeId): RaftLogger {
    const line = (level: string, fields: Record<string, unknown>, msg: string): void => {
      const text = msg.replace(/^raft: /, '');
      const kv = Object.entries(fields)
        .filter(([k]) => k !== 'id')
        .map(([k, v]) => `${k}=${formatField(v)}`);
      this.print([level, String(id), text, ...kv].join(' '));
    };
    return {
      debug: (f, m) => line('DEBUG', f, m),
      info: (f, m) => line('INFO', f, m),
      warn: (f, m) => line('WARN', f, m),
    };
  }

  private newNode(id: NodeId, storage: MemoryStorage, opts: MemberOptions, applied: number): RawNode {
    return new RawNode({
      id,
      storage,
      applied,
      electionTick: opts.electionTick,
      heartbeatTick: opts.heartbeatTick,
      preVote: opts.preVote,
      checkQuorum: opts.checkQuorum,
      ...(opts.maxSizePerMsgBytes === undefined ? {} : { maxSizePerMsgBytes: opts.maxSizePerMsgBytes }),
      ...(opts.maxInflightMsgs === undefined ? {} : { maxInflightMsgs: opts.maxInflightMsgs }),
      rng: new FixedTimeoutPrng(),
      logger: this.loggerFor(id),
    });
  }

  private addNodes(args: Args): void {
    const n = num(arg(args, 0));
    const first = Math.max(0, ...this.members.keys()) + 1;
    const newIds = Array.from({ length: n }, (_, i) => first + i);
    const named = args.named;
    const confState: ConfState = {
      voters: named.has('voters') ? idList(named.get('voters') as string) : newIds,
      learners: idList(named.get('learners') ?? '()'),
    };
    const terms = idList(named.get('terms') ?? '()');
    const opts: MemberOptions = {
      electionTick: num(named.get('electionTick') ?? '3'),
      heartbeatTick: num(named.get('heartbeatTick') ?? '1'),
      preVote: named.get('prevote') === 'true',
      checkQuorum: named.get('checkquorum') === 'true',
      ...(named.has('maxSizePerMsgBytes') ? { maxSizePerMsgBytes: num(named.get('maxSizePerMsgBytes') as string) } : {}),
      ...(named.has('maxInflightMsgs') ? { maxInflightMsgs: num(named.get('maxInflightMsgs') as string) } : {}),
    };
    for (const id of newIds) {
      const storage = MemoryStorage.withConfState(confState);
      if (terms.length > 0) {
        storage.append(terms.map((term, i) => ({ term, index: i + 1, type: 'normal' as const, data: new Uint8Array(0) })));
        storage.setHardState({ term: Math.max(...terms), vote: 0, commit: num(named.get('commit') ?? '0') });
      }
      const node = this.newNode(id, storage, opts, 0);
      this.members.set(id, { id, node, storage, opts, state: [] });
    }
  }

  private processReady(id: NodeId): void {
    const m = this.members.get(id);
    if (m === undefined) throw new Error(`no member ${id}`);
    if (!m.node.hasReady()) {
      this.print(`> ${id} has no Ready`);
      return;
    }
    this.print(`> ${id} handling Ready`);
    this.withIndent(() => this.handleReady(m, m.node.ready()));
  }

  /** Prints a Ready, then does what a driver does with it: persist, send, apply, advance. */
  private handleReady(m: EnvMember, rd: Ready): void {
    this.print(`Ready mustSync=${rd.mustSync}:`);
    if (rd.softState !== undefined) this.print(`softState: lead=${rd.softState.lead} role=${rd.softState.role}`);
    if (rd.hardState !== undefined) this.print(`hardState: ${formatHardState(rd.hardState)}`);
    if (rd.snapshot !== undefined) this.print(`snapshot: ${formatSnapshot(rd.snapshot)}`);
    if (rd.entries.length > 0) this.print(`entries: ${formatEntries(rd.entries)}`);
    if (rd.committedEntries.length > 0) this.print(`committed: ${formatEntries(rd.committedEntries)}`);
    for (const rs of rd.readStates) this.print(`readState: index=${rs.index} ctx=${quote(rs.context)}`);
    if (rd.messages.length > 0) {
      this.print('messages:');
      this.withIndent(() => {
        for (const msg of rd.messages) this.print(formatMessage(msg));
      });
    }

    if (rd.snapshot !== undefined) {
      m.storage.applySnapshot(rd.snapshot);
      m.state = restoreState(rd.snapshot);
    }
    m.storage.append(rd.entries);
    if (rd.hardState !== undefined) m.storage.setHardState(rd.hardState);
    this.queue.push(...rd.messages);
    for (const e of rd.committedEntries) {
      if (e.type === 'confChange') m.node.applyConfChange(decodeConfChange(e.data));
      else if (e.data.length > 0) m.state.push({ index: e.index, data: decoder.decode(e.data) });
    }
    m.node.advance(rd);
  }

  /** Delivers queued messages to `to` (every recipient if undefined), in send order. */
  private deliverMsgs(to: readonly NodeId[] | undefined, drop: readonly NodeId[]): boolean {
    const recipients = [...new Set(this.queue.map((msg) => msg.to))]
      .filter((id) => to === undefined || to.includes(id) || drop.includes(id))
      .sort((a, b) => a - b);
    if (recipients.length === 0) return false;
    const batch = this.queue.filter((msg) => recipients.includes(msg.to));
    this.queue = this.queue.filter((msg) => !recipients.includes(msg.to));
    for (const id of recipients) {
      const target = this.members.get(id);
      const dropAll = drop.includes(id) || target === undefined;
      this.print(`> ${id} receiving messages`);
      this.withIndent(() => {
        for (const msg of batch.filter((x) => x.to === id)) {
          if (dropAll || this.cutLinks.has(`${msg.from}-${msg.to}`)) {
            this.print(`${formatMessage(msg)} (dropped)`);
            continue;
          }
          this.print(formatMessage(msg));
          this.withIndent(() => (target as EnvMember).node.step(msg));
        }
      });
    }
    return true;
  }

  private stabilize(scope: readonly NodeId[] | undefined): void {
    const inScope = (id: NodeId): boolean => scope === undefined || scope.includes(id);
    for (let round = 0; round < 1000; round++) {
      let progressed = false;
      for (const m of this.sortedMembers()) {
        if (!inScope(m.id) || !m.node.hasReady()) continue;
        this.processReady(m.id);
        progressed = true;
      }
      const recipients = [...new Set(this.queue.map((msg) => msg.to))].filter(inScope);
      if (recipients.length > 0 && this.deliverMsgs(recipients, [])) progressed = true;
      if (!progressed) return;
    }
    throw new Error('stabilize: did not settle');
  }

  private status(m: EnvMember): void {
    const st = m.node.status();
    const r = m.node.raft;
    this.print(
      `${st.id}: ${st.softState.role} ${formatHardState(st.hardState)} lead=${st.softState.lead} applied=${st.applied} lastIndex=${st.lastIndex}` +
        (st.leadTransferee === 0 ? '' : ` transferee=${st.leadTransferee}`),
    );
    this.withIndent(() => {
      this.print(formatConfState(st.config));
      if (r.state === 'leader') {
        for (const [id, pr] of [...r.trk.progress].sort((a, b) => a[0] - b[0])) this.print(`${id}: ${pr.toString()}`);
      }
      this.print(`state machine: [${m.state.map((s) => JSON.stringify(s.data)).join(', ')}]`);
    });
  }

  private printLog(m: EnvMember): void {
    const log = m.node.raft.raftLog;
    const snap = m.storage.snapshot().metadata;
    this.print(`${m.id}: snapshot=${snap.term}/${snap.index} firstIndex=${log.firstIndex()} lastIndex=${log.lastIndex()} commit=${log.committed} applied=${log.applied}`);
    this.withIndent(() => {
      for (const e of log.allEntries()) this.print(formatEntry(e));
    });
  }

  private compact(m: EnvMember, index: number): void {
    const data = encoder.encode(JSON.stringify(m.state.filter((s) => s.index <= index)));
    m.storage.createSnapshot(index, m.node.raft.trk.confState(), data);
    m.storage.compact(index);
    this.printLog(m);
  }

  /** A crash and restart: everything not in storage is lost, and the member starts again from it. */
  private restart(m: EnvMember): void {
    const snap = m.storage.snapshot();
    m.state = restoreState(snap);
    m.node = this.newNode(m.id, m.storage, m.opts, snap.metadata.index);
  }
}

function restoreState(s: Snapshot): Array<{ index: number; data: string }> {
  if (s.data.length === 0) return [];
  return JSON.parse(decoder.decode(s.data)) as Array<{ index: number; data: string }>;
}

function parseArgs(tokens: readonly string[]): Args {
  const positional: string[] = [];
  const named = new Map<string, string>();
  for (const t of tokens) {
    const eq = t.indexOf('=');
    if (eq > 0) named.set(t.slice(0, eq), t.slice(eq + 1));
    else positional.push(t);
  }
  return { positional, named };
}

function arg(args: Args, at: number): string {
  const v = args.positional[at];
  if (v === undefined) throw new Error(`missing argument ${at + 1}`);
  return v;
}

function num(s: string): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: "${s}"`);
  return n;
}

/** Parses `(1,2,3)` (or `()`). */
function idList(s: string): number[] {
  const inner = s.replace(/^\(/, '').replace(/\)$/, '').trim();
  return inner === '' ? [] : inner.split(',').map(num);
}

function confChangeType(s: string): ConfChangeType {
  if (s === 'addNode' || s === 'addLearner' || s === 'removeNode') return s;
  throw new Error(`unknown conf change type "${s}"`);
}
