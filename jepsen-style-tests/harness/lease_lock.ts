import type * as grpc from '@grpc/grpc-js';
import { definitelyFailed, delay, EtcdConn } from './etcd_conn.js';
import type { Completion } from './recorder.js';
import type { Workload, WorkloadContext } from './workload.js';

const LOCK_KEY = Buffer.from('lock/l');
const DATA_KEY = 'lock/data';
const TTL_SECONDS = 2;
const KEEPALIVE_EVERY_MS = 400;

/** Why a hold ended: its writes done, a write fenced out, the lease about to be unknown, an error. */
type HoldEnd = 'done' | 'fenced-out' | 'lease-expiring' | 'error';

/** A lease kept alive by one client, and until when (history ns) it is known to be alive. */
class KeptLease {
  /** Alive at least until then: the last keep-alive answered was sent then, plus the TTL. */
  aliveUntilNs = 0;
  private stream: grpc.ClientDuplexStream<{ ID: string }, { ID: string; TTL: string }> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sentAt: number[] = [];

  constructor(
    readonly id: string,
    grantedSentNs: number,
    private readonly conns: readonly EtcdConn[],
    private conn: number,
    private readonly nowNs: () => number,
  ) {
    this.aliveUntilNs = grantedSentNs + TTL_SECONDS * 1e9;
    this.timer = setInterval(() => this.tick(), KEEPALIVE_EVERY_MS);
  }

  private tick(): void {
    if (this.stream === undefined) {
      const s = (this.conns[this.conn] as EtcdConn).keepAlive();
      this.sentAt = [];
      s.on('data', (r: { TTL: string }) => {
        const sent = this.sentAt.shift();
        if (sent !== undefined && Number(r.TTL) > 0) this.aliveUntilNs = Math.max(this.aliveUntilNs, sent + TTL_SECONDS * 1e9);
      });
      const broken = (): void => {
        if (this.stream !== s) return;
        this.stream = undefined;
        s.cancel();
        this.conn = (this.conn + 1) % this.conns.length;
      };
      s.on('error', broken);
      s.on('end', broken);
      this.stream = s;
    }
    this.sentAt.push(this.nowNs());
    this.stream.write({ ID: this.id });
  }

  close(): void {
    clearInterval(this.timer);
    this.stream?.cancel();
    this.stream = undefined;
  }
}

/**
 * The lease-lock workload: clients take one lock, the way etcd's concurrency.Mutex does, by
 * creating the lock key attached to their lease (a Txn comparing create_revision == 0). The
 * lock's revision (the key's create_revision) fences the holder's writes: each write to the data
 * key is a Txn comparing the lock key's create_revision with it. A holder believes it holds the
 * lock only while its lease is known to be alive (the last answered keep-alive was sent less
 * than a TTL ago); then it releases the lock (deleting the key if it is still its own). One hold
 * in ten ends as a zombie: the client stops renewing its lease, stalls past the TTL, and writes
 * once more as if it still held the lock; the fence must refuse that write once the lock is
 * someone else's.
 *
 * History:
 * - `acquire` invoke `{lease}`; ok `{lockRev}`; fail `{}` (someone else holds it); info: unknown;
 * - `fenced-write` key lock/data, invoke `{lockRev, v}` (`zombie: true` for a zombie's write); ok `{lockRev, v, rev}`; fail: the lock
 *   was no longer this lock (fenced out); info: unknown;
 * - `release` invoke `{lockRev, believedUntilNs, reason}` (believedUntilNs: when the holder stopped
 *   believing it held the lock); ok `{released, rev}`.
 */
export class LeaseLockWorkload implements Workload {
  private stopped = false;
  private readonly conns: EtcdConn[];
  private next = 0;
  completed = 0;

  constructor(private readonly ctx: WorkloadContext) {
    this.conns = ctx.endpoints.map((e) => new EtcdConn(e));
  }

  async run(untilMs: number): Promise<void> {
    const clients = Math.min(this.ctx.concurrency, 5);
    await Promise.all(Array.from({ length: clients }, (_, i) => this.client(i, clients, untilMs)));
  }

  async finish(): Promise<void> {}

  close(): void {
    this.stopped = true;
    for (const c of this.conns) c.close();
  }

  private async client(worker: number, clients: number, untilMs: number): Promise<void> {
    const h = this.ctx.history;
    const t = this.ctx.opTimeoutMs;
    let process = worker;
    let conn = worker % this.conns.length;
    let lease: KeptLease | undefined;
    const moveOn = async (): Promise<void> => {
      conn = (conn + 1) % this.conns.length;
      await delay(50 + 100 * this.ctx.random());
    };
    try {
      while (!this.stopped && Date.now() < untilMs) {
        const c = this.conns[conn] as EtcdConn;
        if (lease === undefined || lease.aliveUntilNs < h.nowNs() + 500e6) {
          lease?.close();
          lease = undefined;
          const sent = h.nowNs();
          try {
            const g = await c.lease<{ ID: string }>('LeaseGrant', { TTL: String(TTL_SECONDS), ID: '0' }, t);
            lease = new KeptLease(g.ID, sent, this.conns, conn, () => h.nowNs());
          } catch {
            await moveOn();
            continue;
          }
        }
        const id = lease.id;
        const acq = await h.op(process, 'acquire', undefined, { lease: id }, async (): Promise<Completion> => {
          try {
            const res = await c.call<{ succeeded: boolean; header: { revision: number } }>(
              'Txn',
              {
                compare: [{ key: LOCK_KEY, target: 'CREATE', result: 'EQUAL', create_revision: 0 }],
                success: [{ request_put: { key: LOCK_KEY, value: Buffer.from(String(process)), lease: id } }],
                failure: [],
              },
              t,
            );
            return res.succeeded ? { type: 'ok', value: { lockRev: Number(res.header.revision) } } : { type: 'fail', value: {} };
          } catch (err) {
            return { type: definitelyFailed(err) ? 'fail' : 'info', value: {} };
          }
        });
        this.completed++;
        if (acq.type === 'info') {
          // It may hold the lock without knowing: give up the lease, which releases it.
          process += clients;
          lease.close();
          lease = undefined;
          await c.lease('LeaseRevoke', { ID: id }, t).catch(() => {});
          await moveOn();
          continue;
        }
        if (acq.type === 'fail') {
          await delay(20 + 60 * this.ctx.random());
          continue;
        }
        const lockRev = (acq.value as { lockRev: number }).lockRev;
        let end: HoldEnd | 'zombie' = await this.hold(process, c, lockRev, lease);
        if (end === 'done' && this.ctx.random() < 0.1) {
          // A zombie: the client stalls (as in a long GC pause) without keeping its lease alive,
          // then writes once more as if it still held the lock. The fence must refuse the write
          // if the lock went to someone else meanwhile.
          lease.close();
          await delay(TTL_SECONDS * 1000 + 300 + 700 * this.ctx.random());
          await this.fencedWrite(process, c, lockRev, true);
          end = 'zombie';
        }
        const believedUntilNs = Math.min(h.nowNs(), lease.aliveUntilNs);
        const rel = await h.op(process, 'release', undefined, { lockRev, believedUntilNs, reason: end }, async (): Promise<Completion> => {
          try {
            const res = await c.call<{ succeeded: boolean; header: { revision: number } }>(
              'Txn',
              { compare: [{ key: LOCK_KEY, target: 'CREATE', result: 'EQUAL', create_revision: lockRev }], success: [{ request_delete_range: { key: LOCK_KEY } }], failure: [] },
              t,
            );
            return { type: 'ok', value: { released: res.succeeded, rev: Number(res.header.revision) } };
          } catch (err) {
            return { type: definitelyFailed(err) ? 'fail' : 'info', value: {} };
          }
        });
        this.completed++;
        if (rel.type !== 'ok') {
          // The lock may still be ours: let the lease go, so that it does not stay held.
          process += clients;
          lease.close();
          lease = undefined;
          await c.lease('LeaseRevoke', { ID: id }, t).catch(() => {});
          await moveOn();
        }
        await delay(10 + 40 * this.ctx.random());
      }
    } finally {
      lease?.close();
    }
  }

  /** One write to the data key, fenced by the lock's revision. */
  private async fencedWrite(process: number, c: EtcdConn, lockRev: number, zombie: boolean): Promise<Completion> {
    const v = `${lockRev}:${this.next++}`;
    const input = zombie ? { lockRev, v, zombie } : { lockRev, v };
    const done = await this.ctx.history.op(process, 'fenced-write', DATA_KEY, input, async (): Promise<Completion> => {
      try {
        const res = await c.call<{ succeeded: boolean; header: { revision: number } }>(
          'Txn',
          {
            compare: [{ key: LOCK_KEY, target: 'CREATE', result: 'EQUAL', create_revision: lockRev }],
            success: [{ request_put: { key: Buffer.from(DATA_KEY), value: Buffer.from(v) } }],
            failure: [],
          },
          this.ctx.opTimeoutMs,
        );
        return res.succeeded ? { type: 'ok', value: { ...input, rev: Number(res.header.revision) } } : { type: 'fail', value: input };
      } catch (err) {
        return { type: definitelyFailed(err) ? 'fail' : 'info', value: input };
      }
    });
    this.completed++;
    return done;
  }

  /** Fenced writes while the lease is known alive; returns why the hold ended. */
  private async hold(process: number, c: EtcdConn, lockRev: number, lease: KeptLease): Promise<HoldEnd> {
    const h = this.ctx.history;
    const writes = 2 + Math.floor(this.ctx.random() * 3);
    for (let i = 0; i < writes; i++) {
      // Stop believing well before the lease could expire: a write sent now must not outlive it.
      if (lease.aliveUntilNs - h.nowNs() < this.ctx.opTimeoutMs * 1e6 * 0.25) return 'lease-expiring';
      const done = await this.fencedWrite(process, c, lockRev, false);
      if (done.type === 'fail') return 'fenced-out';
      if (done.type === 'info') return 'error';
      await delay(20 + 80 * this.ctx.random());
    }
    return 'done';
  }
}
