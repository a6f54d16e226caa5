import { RaftError, RaftErrorCode, type ReadState } from '../../raft/index.js';
import { StoreError, StoreErrorCode } from './errors.js';

interface PendingRead {
  resolve(index: number): void;
  reject(err: Error): void;
}

/**
 * Batches linearizable reads into ReadIndex rounds, as etcd's linearizableReadLoop does: every
 * read waiting when a round starts shares that round's read index. A round that gets no answer
 * (the request was lost, or leadership changed) is retried.
 */
export class ReadIndexBatcher {
  private waiting: PendingRead[] = [];
  private inflight: { ctx: Uint8Array; key: string; reads: PendingRead[]; startedMs: number; deadlineMs: number } | undefined;
  private seq = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    /** Asks raft for a read index (RawNode.readIndex), then schedules Ready processing. */
    private readonly requestReadIndex: (ctx: Uint8Array) => void,
    private readonly retryMs: number,
    private readonly timeoutMs: number,
  ) {}

  /** Resolves with a read index: serve the read once the applied index reaches it. */
  read(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.inflight !== undefined || this.waiting.length === 0) return;
    const reads = this.waiting;
    this.waiting = [];
    const now = Date.now();
    this.start(reads, now, now + this.timeoutMs);
  }

  private start(reads: PendingRead[], startedMs: number, deadlineMs: number): void {
    const ctx = Buffer.alloc(8);
    ctx.writeBigUInt64BE(BigInt(++this.seq));
    const key = ctx.toString('hex');
    this.inflight = { ctx, key, reads, startedMs, deadlineMs };
    try {
      this.requestReadIndex(ctx);
    } catch (err) {
      if (!(err instanceof RaftError && err.code === RaftErrorCode.NO_LEADER)) throw err;
      // No leader yet: retry until the deadline.
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.retry(), this.retryMs);
  }

  private retry(): void {
    const f = this.inflight;
    if (f === undefined) return;
    this.inflight = undefined;
    if (Date.now() >= f.deadlineMs) {
      const err = new StoreError(StoreErrorCode.TIMEOUT, 'etcdserver: request timed out');
      for (const r of f.reads) r.reject(err);
      this.kick();
      return;
    }
    // Reads that arrived meanwhile join the retried round.
    const reads = f.reads.concat(this.waiting);
    this.waiting = [];
    this.start(reads, f.startedMs, f.deadlineMs);
  }

  /** Feeds the read states of a Ready. */
  onReadStates(states: readonly ReadState[]): void {
    const f = this.inflight;
    if (f === undefined) return;
    for (const rs of states) {
      if (Buffer.from(rs.context).toString('hex') !== f.key) continue;
      clearTimeout(this.retryTimer);
      this.inflight = undefined;
      for (const r of f.reads) r.resolve(rs.index);
      this.kick();
      return;
    }
  }

  stop(err: Error): void {
    clearTimeout(this.retryTimer);
    const reads = [...(this.inflight?.reads ?? []), ...this.waiting];
    this.inflight = undefined;
    this.waiting = [];
    for (const r of reads) r.reject(err);
  }
}
