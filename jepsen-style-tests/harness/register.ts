import type { Completion, HistoryRecorder } from './recorder.js';
import { definitelyFailed, EtcdConn } from './etcd_conn.js';
import type { Workload } from './workload.js';

export interface RegisterWorkloadOptions {
  readonly endpoints: readonly string[];
  readonly concurrency: number;
  readonly keys: number;
  /** Operations per second over all clients (0: as fast as they go). */
  readonly rate: number;
  readonly opTimeoutMs: number;
  readonly random: () => number;
}

interface RangeResponse {
  kvs: Array<{ value: Buffer }>;
}

/**
 * The register workload: clients read, write and compare-and-set a few keys. A read is a
 * linearizable Range; a write a Put; a cas a Txn comparing the value. A cas whose compare fails is
 * recorded as "fail" (the value was not `from`); an error whose outcome is unknown as "info", after
 * which the client's process is retired and a new process number takes over, as in Jepsen.
 */
export class RegisterWorkload implements Workload {
  private stopped = false;
  private readonly conns: EtcdConn[];
  completed = 0;

  constructor(
    private readonly opts: RegisterWorkloadOptions,
    private readonly history: HistoryRecorder,
  ) {
    this.conns = opts.endpoints.map((e) => new EtcdConn(e));
  }

  async run(untilMs: number): Promise<void> {
    const perClientGapMs = this.opts.rate > 0 ? (1000 * this.opts.concurrency) / this.opts.rate : 0;
    await Promise.all(
      Array.from({ length: this.opts.concurrency }, async (_, worker) => {
        let process = worker;
        let conn = worker % this.conns.length;
        while (!this.stopped && Date.now() < untilMs) {
          const done = await this.oneOp(process, this.conns[conn] as EtcdConn);
          this.completed++;
          if (done.type === 'info') process += this.opts.concurrency;
          if (done.type !== 'ok') {
            conn = (conn + 1) % this.conns.length;
            // Back off after an error, as a real client does: while every member is down, a
            // client would otherwise spin on refused connections and flood the history.
            await new Promise((r) => setTimeout(r, 50 + 100 * this.opts.random()));
          }
          if (perClientGapMs > 0) await new Promise((r) => setTimeout(r, perClientGapMs * (0.5 + this.opts.random())));
        }
      }),
    );
  }

  stop(): void {
    this.stopped = true;
  }

  /** The register checker needs no final observation. */
  async finish(): Promise<void> {}

  close(): void {
    for (const c of this.conns) c.close();
  }

  private oneOp(process: number, conn: EtcdConn): Promise<Completion> {
    const r = this.opts.random;
    const key = `r${Math.floor(r() * this.opts.keys)}`;
    const keyBytes = Buffer.from(key);
    const t = this.opts.opTimeoutMs;
    const roll = r();
    if (roll < 0.4) {
      return this.history.op(process, 'read', key, null, async () => {
        try {
          const res = await conn.call<RangeResponse>('Range', { key: keyBytes }, t);
          const kv = res.kvs[0];
          return { type: 'ok', value: kv === undefined ? null : Number(kv.value.toString()) };
        } catch {
          // A read has no effect: a failed one simply did not happen.
          return { type: 'fail', value: null };
        }
      });
    }
    if (roll < 0.7) {
      const value = Math.floor(r() * 5);
      return this.history.op(process, 'write', key, value, async () => {
        try {
          await conn.call('Put', { key: keyBytes, value: Buffer.from(String(value)) }, t);
          return { type: 'ok', value };
        } catch (err) {
          return { type: definitelyFailed(err) ? 'fail' : 'info', value };
        }
      });
    }
    const from = Math.floor(r() * 5);
    const to = Math.floor(r() * 5);
    return this.history.op(process, 'cas', key, [from, to], async () => {
      try {
        const res = await conn.call<{ succeeded: boolean }>(
          'Txn',
          {
            compare: [{ key: keyBytes, target: 'VALUE', result: 'EQUAL', value: Buffer.from(String(from)) }],
            success: [{ request_put: { key: keyBytes, value: Buffer.from(String(to)) } }],
            failure: [],
          },
          t,
        );
        return { type: res.succeeded ? 'ok' : 'fail', value: [from, to] };
      } catch {
        // For a cas, "fail" means "the compare did not match": an observation of the value. An
        // error observed nothing, so even a request that never left is recorded as unknown.
        return { type: 'info', value: [from, to] };
      }
    });
  }
}
