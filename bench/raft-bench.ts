/**
 * raft-bench: a 3-member cluster in one process, without I/O, committing small proposals.
 *
 * Measures the consensus core alone: proposals are batched on the leader, every Ready is handled by
 * the book (append to MemoryStorage, send, apply, advance) and messages are delivered in process.
 * Reports proposals committed per second and heap use. The last line reads
 * `raft-bench: N proposals/s`.
 *
 *   npm run bench:raft -- [--seconds 10] [--batch 256] [--payload-bytes 16] [--nodes 3]
 */
import { parseArgs } from 'node:util';
import { MemoryStorage, Prng, RawNode, type Message, type NodeId } from '../raft/index.js';

interface Member {
  readonly id: NodeId;
  readonly node: RawNode;
  readonly storage: MemoryStorage;
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    batch: { type: 'string', default: '256' },
    'payload-bytes': { type: 'string', default: '16' },
    nodes: { type: 'string', default: '3' },
    'max-inflight': { type: 'string', default: '64' },
  },
});
const durationMs = Number(values.seconds) * 1000;
const batchSize = Number(values.batch);
const payloadBytes = Number(values['payload-bytes']);
const nodeCount = Number(values.nodes);
const maxInflightMsgs = Number(values['max-inflight']);

const ids = Array.from({ length: nodeCount }, (_, i) => i + 1);
const rng = new Prng(42);
const members = new Map<NodeId, Member>();
for (const id of ids) {
  const storage = MemoryStorage.withConfState({ voters: ids, learners: [] });
  const node = new RawNode({ id, storage, electionTick: 10, heartbeatTick: 1, rng: rng.fork(), maxInflightMsgs, maxSizePerMsgBytes: 1024 * 1024 });
  members.set(id, { id, node, storage });
}
const leader = members.get(1) as Member;

let queue: Message[] = [];
let committedOnLeader = 0;
const appliedIndex = new Map<NodeId, number>(ids.map((id) => [id, 0]));

function handleReadies(): void {
  for (const m of members.values()) {
    if (!m.node.hasReady()) continue;
    const rd = m.node.ready();
    if (rd.snapshot !== undefined) m.storage.applySnapshot(rd.snapshot);
    m.storage.append(rd.entries);
    if (rd.hardState !== undefined) m.storage.setHardState(rd.hardState);
    for (const msg of rd.messages) queue.push(msg);
    const last = rd.committedEntries[rd.committedEntries.length - 1];
    if (last !== undefined) {
      appliedIndex.set(m.id, last.index);
      if (m === leader) for (const e of rd.committedEntries) if (e.data.length > 0) committedOnLeader++;
    }
    m.node.advance(rd);
  }
}

function deliverAll(): void {
  const batch = queue;
  queue = [];
  for (const msg of batch) members.get(msg.to)?.node.step(msg);
}

/** Keeps memory flat: drops log entries every member has applied, keeping a margin. */
function compactLogs(): void {
  let minApplied = Infinity;
  for (const v of appliedIndex.values()) minApplied = Math.min(minApplied, v);
  const target = minApplied - 1_000;
  for (const m of members.values()) if (target > m.storage.firstIndex()) m.storage.compact(target);
}

// Elect member 1.
leader.node.campaign();
for (let i = 0; i < 20 && leader.node.raft.state !== 'leader'; i++) {
  handleReadies();
  deliverAll();
}
if (leader.node.raft.state !== 'leader') throw new Error('raft-bench: member 1 did not become leader');

const payload = new Uint8Array(payloadBytes).fill(7);
const batch: Uint8Array[] = Array.from({ length: batchSize }, () => payload);
const heapBefore = process.memoryUsage().heapUsed;
let peakHeap = heapBefore;
const start = performance.now();
let nextReportMs = 1000;
let proposed = 0;
let rounds = 0;

for (;;) {
  const elapsedMs = performance.now() - start;
  if (elapsedMs >= durationMs) break;
  // Keep a bounded number of proposals outstanding, as a real server does under load.
  if (proposed - committedOnLeader < batchSize * maxInflightMsgs) {
    leader.node.proposeBatch(batch);
    proposed += batchSize;
  }
  handleReadies();
  deliverAll();
  if (++rounds % 64 === 0) {
    compactLogs();
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  if (elapsedMs >= nextReportMs) {
    process.stderr.write(`raft-bench: ${(elapsedMs / 1000).toFixed(0)}s ${committedOnLeader} committed (${Math.round((committedOnLeader / elapsedMs) * 1000)}/s)\n`);
    nextReportMs += 1000;
  }
}
// Drain what is in flight so that every member converges.
for (let i = 0; i < 100 && (queue.length > 0 || [...members.values()].some((m) => m.node.hasReady())); i++) {
  handleReadies();
  deliverAll();
}
const elapsedSec = (performance.now() - start) / 1000;
const rate = Math.round(committedOnLeader / elapsedSec);
const mib = (n: number): string => (n / 1024 / 1024).toFixed(1);
const applied = [...appliedIndex.values()];
if (Math.min(...applied) !== Math.max(...applied)) throw new Error(`raft-bench: members did not converge: applied ${applied.join(',')}`);
process.stdout.write(
  `members=${nodeCount} batch=${batchSize} payload=${payloadBytes}B maxInflight=${maxInflightMsgs} seconds=${elapsedSec.toFixed(1)}\n` +
    `committed=${committedOnLeader} heapBefore=${mib(heapBefore)}MiB heapPeak=${mib(peakHeap)}MiB heapAfter=${mib(process.memoryUsage().heapUsed)}MiB rss=${mib(process.memoryUsage().rss)}MiB\n` +
    `raft-bench: ${rate} proposals/s\n`,
);
