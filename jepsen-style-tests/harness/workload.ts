import { delay, type EtcdConn } from './etcd_conn.js';
import type { Completion, HistoryRecorder } from './recorder.js';

/** The workloads `ketch jepsen run --workload` knows. */
export const WORKLOAD_NAMES = ['register', 'watch', 'set', 'append', 'lease-lock'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export function isWorkloadName(s: string): s is WorkloadName {
  return (WORKLOAD_NAMES as readonly string[]).includes(s);
}

/** What every workload gets from the runner. */
export interface WorkloadContext {
  readonly endpoints: readonly string[];
  readonly concurrency: number;
  /** Operations per second over all clients (0: as fast as they go). */
  readonly rate: number;
  readonly opTimeoutMs: number;
  readonly random: () => number;
  readonly history: HistoryRecorder;
  readonly log: (line: string) => void;
}

/**
 * A workload: clients that run while the nemesis injects faults (run), then, once every fault is
 * healed and the cluster has recovered, whatever final observations its checker needs (finish:
 * final reads, watchers catching up).
 */
export interface Workload {
  readonly completed: number;
  run(untilMs: number): Promise<void>;
  finish(): Promise<void>;
  close(): void;
}

/**
 * The client loop shared by the workloads: `concurrency` clients, each running one operation at a
 * time against its current member. A client whose outcome became unknown (info) is retired and a
 * new process number takes over, as in Jepsen; after an error a client moves to the next member
 * and backs off, so that it does not spin on refused connections while every member is down.
 */
export async function runClients(
  ctx: WorkloadContext,
  conns: readonly EtcdConn[],
  untilMs: number,
  stopped: () => boolean,
  oneOp: (process: number, conn: EtcdConn, worker: number) => Promise<Completion>,
  onCompleted: () => void,
): Promise<void> {
  const perClientGapMs = ctx.rate > 0 ? (1000 * ctx.concurrency) / ctx.rate : 0;
  await Promise.all(
    Array.from({ length: ctx.concurrency }, async (_, worker) => {
      let process = worker;
      let conn = worker % conns.length;
      while (!stopped() && Date.now() < untilMs) {
        const done = await oneOp(process, conns[conn] as EtcdConn, worker);
        onCompleted();
        if (done.type === 'info') process += ctx.concurrency;
        if (done.type !== 'ok') {
          conn = (conn + 1) % conns.length;
          await delay(50 + 100 * ctx.random());
        }
        if (perClientGapMs > 0) await delay(perClientGapMs * (0.5 + ctx.random()));
      }
    }),
  );
}

/** The end of the key range of every key that starts with `prefix` (etcd's prefix range_end). */
export function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix);
  for (let i = b.length - 1; i >= 0; i--) {
    if ((b[i] as number) < 0xff) {
      const end = Buffer.from(b.subarray(0, i + 1));
      end[i] = (end[i] as number) + 1;
      return end;
    }
  }
  return Buffer.from([0]);
}

/**
 * Retries `attempt` on each member in turn until it succeeds or `deadlineMs` passes (for the
 * final observations after the faults healed, which must succeed for the check to mean anything).
 */
export async function onAnyMember<T>(conns: readonly EtcdConn[], deadlineMs: number, attempt: (conn: EtcdConn) => Promise<T>): Promise<T> {
  let lastErr: unknown;
  for (let i = 0; Date.now() < deadlineMs; i++) {
    try {
      return await attempt(conns[i % conns.length] as EtcdConn);
    } catch (err) {
      lastErr = err;
      await delay(100);
    }
  }
  throw new Error(`no member answered before the deadline: ${(lastErr as Error | undefined)?.message ?? 'no attempt'}`);
}
