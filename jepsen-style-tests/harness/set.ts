import { definitelyFailed, delay, EtcdConn } from './etcd_conn.js';
import type { Completion } from './recorder.js';
import { onAnyMember, prefixEnd, runClients, type Workload, type WorkloadContext } from './workload.js';

const PREFIX = 'set/';
const FINAL_PROCESS_BASE = 0x7ffe_0000;

interface RangeKeys {
  header: { revision: number };
  kvs: Array<{ key: Buffer }>;
}

function elementsOf(res: RangeKeys): number[] {
  return res.kvs.map((kv) => Number(kv.key.subarray(PREFIX.length).toString())).sort((a, b) => a - b);
}

/**
 * The set workload: clients add unique elements (a Put of set/<n>, one key per element) and now
 * and then read the whole set (a linearizable Range of the prefix). Once the faults have healed,
 * every member is read on its own (a serializable Range, served from its local state, after it
 * has applied the revision a linearizable read returned), and each final read must contain every
 * acknowledged add.
 *
 * History: `add` value n (ok: it is in the set; fail: it definitely is not; info: either);
 * `read` ok value: the sorted elements; `final-read` invoke `{member}`, ok `{member, rev, target,
 * elements}` (target: the revision it had to reach; a member still below it at the deadline is
 * read anyway, and its read says so).
 */
export class SetWorkload implements Workload {
  private stopped = false;
  private readonly conns: EtcdConn[];
  private next = 0;
  completed = 0;

  constructor(private readonly ctx: WorkloadContext) {
    this.conns = ctx.endpoints.map((e) => new EtcdConn(e));
  }

  run(untilMs: number): Promise<void> {
    return runClients(this.ctx, this.conns, untilMs, () => this.stopped, (p, c) => this.oneOp(p, c), () => this.completed++);
  }

  async finish(): Promise<void> {
    const deadline = Date.now() + 30_000;
    const t = this.ctx.opTimeoutMs;
    const { header } = await onAnyMember(this.conns, deadline, (c) => c.call<RangeKeys>('Range', { key: Buffer.from(PREFIX), range_end: prefixEnd(PREFIX), count_only: true }, t));
    const target = Number(header.revision);
    for (const [i, conn] of this.conns.entries()) {
      const member = conn.endpoint;
      await this.ctx.history.op(FINAL_PROCESS_BASE + i, 'final-read', undefined, { member }, async () => {
        for (;;) {
          try {
            const res = await conn.call<RangeKeys>('Range', { key: Buffer.from(PREFIX), range_end: prefixEnd(PREFIX), keys_only: true, serializable: true }, t);
            // A member that has not applied the latest revision yet is not wrong, only behind.
            if (Number(res.header.revision) >= target || Date.now() > deadline) {
              return { type: 'ok', value: { member, rev: Number(res.header.revision), target, elements: elementsOf(res) } };
            }
          } catch (err) {
            if (Date.now() > deadline) return { type: 'fail', value: { member, error: (err as Error).message } };
          }
          await delay(100);
        }
      });
    }
  }

  close(): void {
    this.stopped = true;
    for (const c of this.conns) c.close();
  }

  private oneOp(process: number, conn: EtcdConn): Promise<Completion> {
    const t = this.ctx.opTimeoutMs;
    if (this.ctx.random() < 0.05) {
      return this.ctx.history.op(process, 'read', undefined, null, async () => {
        try {
          const res = await conn.call<RangeKeys>('Range', { key: Buffer.from(PREFIX), range_end: prefixEnd(PREFIX), keys_only: true }, t);
          return { type: 'ok', value: elementsOf(res) };
        } catch {
          return { type: 'fail', value: null };
        }
      });
    }
    const n = this.next++;
    return this.ctx.history.op(process, 'add', undefined, n, async () => {
      try {
        await conn.call('Put', { key: Buffer.from(`${PREFIX}${n}`), value: Buffer.from(String(n)) }, t);
        return { type: 'ok', value: n };
      } catch (err) {
        return { type: definitelyFailed(err) ? 'fail' : 'info', value: n };
      }
    });
  }
}
