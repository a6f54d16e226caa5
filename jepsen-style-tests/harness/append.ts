import { definitelyFailed, EtcdConn } from './etcd_conn.js';
import type { Completion } from './recorder.js';
import { onAnyMember, runClients, type Workload, type WorkloadContext } from './workload.js';

const PREFIX = 'la/';
const KEYS = 8;
const FINAL_PROCESS = 0x7ffd_0000;

/** A micro-operation: read a key's list, or append a value to it (Elle's list-append). */
export type MicroOp = ['r', string, number[] | null] | ['append', string, number];

interface PbKvRev {
  key: Buffer;
  value: Buffer;
  mod_revision: number;
}

interface TxnResponse {
  succeeded: boolean;
  responses: Array<{ response_range?: { kvs: PbKvRev[] } }>;
}

function parseList(kv: PbKvRev | undefined): number[] {
  return kv === undefined ? [] : (JSON.parse(kv.value.toString()) as number[]);
}

/**
 * The append workload (Elle's list-append over etcd): each transaction reads and appends to a few
 * of a handful of keys, each key holding a JSON list. A client reads every key its transaction
 * touches in one Txn of ranges, computes the new lists, and commits with one Txn guarded by
 * mod_revision compares on every key it touched (read or written): it commits only if none of
 * them changed since its read, so the reads it reports are what the committed transaction saw.
 * A compare that fails is recorded as `fail` (the transaction definitely did not happen).
 *
 * History: `txn` invoke value: the micro-ops with null reads; ok value: the same with every read
 * filled in (a read after the transaction's own append includes it).
 */
export class AppendWorkload implements Workload {
  private stopped = false;
  private readonly conns: EtcdConn[];
  private next = 1;
  completed = 0;

  constructor(private readonly ctx: WorkloadContext) {
    this.conns = ctx.endpoints.map((e) => new EtcdConn(e));
  }

  run(untilMs: number): Promise<void> {
    return runClients(this.ctx, this.conns, untilMs, () => this.stopped, (p, c) => this.oneTxn(p, c, this.randomTxn()), () => this.completed++);
  }

  /** A read of every key, after the faults healed: every acknowledged append must be in it. */
  async finish(): Promise<void> {
    const reads: MicroOp[] = Array.from({ length: KEYS }, (_, i) => ['r', `${PREFIX}${i}`, null]);
    await onAnyMember(this.conns, Date.now() + 30_000, async (c) => {
      const done = await this.oneTxn(FINAL_PROCESS + this.next++, c, reads);
      if (done.type !== 'ok') throw new Error('final read failed');
    });
  }

  close(): void {
    this.stopped = true;
    for (const c of this.conns) c.close();
  }

  private randomTxn(): MicroOp[] {
    const r = this.ctx.random;
    const n = 1 + Math.floor(r() * 4);
    return Array.from({ length: n }, (): MicroOp => {
      const key = `${PREFIX}${Math.floor(r() * KEYS)}`;
      return r() < 0.5 ? ['r', key, null] : ['append', key, this.next++];
    });
  }

  private oneTxn(process: number, conn: EtcdConn, txn: MicroOp[]): Promise<Completion> {
    const t = this.ctx.opTimeoutMs;
    const keys = [...new Set(txn.map((m) => m[1]))];
    return this.ctx.history.op(process, 'txn', undefined, txn, async () => {
      let read: TxnResponse;
      try {
        read = await conn.call<TxnResponse>('Txn', { compare: [], success: keys.map((k) => ({ request_range: { key: Buffer.from(k) } })), failure: [] }, t);
      } catch {
        // Nothing was written yet: the transaction did not happen.
        return { type: 'fail', value: txn };
      }
      const observed = new Map<string, { list: number[]; mod: number }>();
      keys.forEach((k, i) => {
        const kv = read.responses[i]?.response_range?.kvs[0];
        observed.set(k, { list: parseList(kv), mod: kv === undefined ? 0 : Number(kv.mod_revision) });
      });
      const lists = new Map([...observed].map(([k, o]) => [k, [...o.list]]));
      const done: MicroOp[] = txn.map((m) => {
        const list = lists.get(m[1]) as number[];
        if (m[0] === 'r') return ['r', m[1], [...list]];
        list.push(m[2]);
        return m;
      });
      const written = keys.filter((k) => txn.some((m) => m[0] === 'append' && m[1] === k));
      if (written.length === 0) return { type: 'ok', value: done };
      try {
        const res = await conn.call<TxnResponse>(
          'Txn',
          {
            compare: keys.map((k) => ({ key: Buffer.from(k), target: 'MOD', result: 'EQUAL', mod_revision: observed.get(k)?.mod ?? 0 })),
            success: written.map((k) => ({ request_put: { key: Buffer.from(k), value: Buffer.from(JSON.stringify(lists.get(k))) } })),
            failure: [],
          },
          t,
        );
        return res.succeeded ? { type: 'ok', value: done } : { type: 'fail', value: txn };
      } catch (err) {
        return { type: definitelyFailed(err) ? 'fail' : 'info', value: txn };
      }
    });
  }
}
