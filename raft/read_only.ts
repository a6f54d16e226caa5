import type { MsgReadIndex, NodeId } from './types.js';

/** A readIndex request waiting for a quorum to confirm that this member is still the leader. */
interface ReadIndexStatus {
  readonly req: MsgReadIndex;
  /** The commit index when the request arrived: the read is served once this is applied. */
  readonly index: number;
  readonly acks: Set<NodeId>;
}

/**
 * ReadIndex, as in Raft thesis §6.4: the leader records its commit index, confirms it is still
 * the leader with a heartbeat round carrying the request's context, and answers once a majority
 * acknowledged. No log entry is written.
 *
 * Requests are answered in arrival order: confirming a later request confirms every earlier one.
 */
export class ReadOnly {
  private readonly pending = new Map<string, ReadIndexStatus>();
  private queue: string[] = [];

  /** Registers a request; `index` is the leader's commit index now. */
  addRequest(index: number, req: MsgReadIndex): void {
    const key = contextKey(req.context);
    if (this.pending.has(key)) return;
    this.pending.set(key, { req, index, acks: new Set() });
    this.queue.push(key);
  }

  /** Records that `id` acknowledged the heartbeat carrying `context`; returns the acks so far. */
  recvAck(id: NodeId, context: Uint8Array): ReadonlySet<NodeId> | undefined {
    const rs = this.pending.get(contextKey(context));
    if (rs === undefined) return undefined;
    rs.acks.add(id);
    return rs.acks;
  }

  /** Removes and returns every request up to and including the one with `context`. */
  advance(context: Uint8Array): Array<{ req: MsgReadIndex; index: number }> {
    const key = contextKey(context);
    const at = this.queue.indexOf(key);
    if (at < 0) return [];
    const done = this.queue.slice(0, at + 1);
    this.queue = this.queue.slice(at + 1);
    const out: Array<{ req: MsgReadIndex; index: number }> = [];
    for (const k of done) {
      const rs = this.pending.get(k);
      this.pending.delete(k);
      if (rs !== undefined) out.push({ req: rs.req, index: rs.index });
    }
    return out;
  }

  /** The context of the newest pending request, to piggyback on the next heartbeat round. */
  lastPendingContext(): Uint8Array | undefined {
    const key = this.queue[this.queue.length - 1];
    return key === undefined ? undefined : this.pending.get(key)?.req.context;
  }

  pendingCount(): number {
    return this.queue.length;
  }
}

function contextKey(ctx: Uint8Array): string {
  let s = '';
  for (let i = 0; i < ctx.length; i++) s += String.fromCharCode(ctx[i] as number);
  return s;
}
