/**
 * One target's run: start a fresh cluster, then, in order, fill the key space (and sample memory),
 * puts at each client count, linearizable and serializable gets, watch throughput, and the memory
 * peak; stop the cluster. A phase that fails is recorded and the next one runs.
 */
import os from 'node:os';
import path from 'node:path';
import { startBenchCluster, type BenchCluster, type TargetKind } from './cluster.js';
import { closeConnections, describeError, findLeader, openConnections, type Connection } from './conns.js';
import type { LoopResult } from './load.js';
import { sampleMemory, type MemoryField } from './memory.js';
import { emptyResult, latencyRows, loopRows, type TargetResult } from './results.js';
import { runWatch } from './watch.js';
import { runFill, runGets, runPuts, type KeySpace } from './workloads.js';

/** The measured phases, in the order they run; the idle and peak RSS rows are always taken. */
export const PHASES = ['fill', 'put', 'get', 'watch'] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchSettings {
  readonly nodes: number;
  /** Which phases run (`--phases fill` is the fill and the RSS with the key space loaded alone). */
  readonly phases: ReadonlySet<Phase>;
  /** Temp directory; each target's cluster lives in <dataDir>/<kind>. */
  readonly dataDir: string;
  readonly etcdBin: string;
  readonly heartbeatMs: number;
  readonly electionMs: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly requestTimeoutMs: number;
  /** Send every request to the leader (as etcd's benchmark --target-leader) or spread over all members. */
  readonly endpoints: 'leader' | 'all';
  readonly maxConns: number;
  readonly putClients: readonly number[];
  readonly fillClients: number;
  readonly getClients: number;
  readonly watchers: number;
  readonly watchStreams: number;
  readonly watchWriters: number;
}

const SETTLE_MS = 1000;

function say(kind: TargetKind, msg: string): void {
  process.stderr.write(`[${kind}] ${msg}\n`);
}

export async function benchTarget(kind: TargetKind, s: BenchSettings, ks: KeySpace): Promise<TargetResult> {
  const result = emptyResult(kind);
  const keyCount = ks.keys.length.toLocaleString('en-US');
  const { rows } = result;
  let cluster: BenchCluster | undefined;

  const phase = async (name: string, run: () => Promise<void>): Promise<void> => {
    say(kind, name);
    try {
      await run();
    } catch (err) {
      result.failures.push(`${name}: ${describeError(err)}`);
      say(kind, `${name} failed: ${describeError(err)}`);
    }
  };
  const withConns = async <T>(addresses: readonly string[], clients: number, run: (conns: Connection[]) => Promise<T>): Promise<T> => {
    const conns = await openConnections(addresses, Math.min(clients, s.maxConns));
    try {
      return await run(conns);
    } finally {
      closeConnections(conns);
    }
  };
  const record = (name: string, r: LoopResult): void => {
    result.errors.push({ phase: name, tally: r.errors });
    result.clientCpu.push({ phase: name, percent: r.clientCpuPercent });
  };
  const memoryRows = (key: string, label: string, field: MemoryField): void => {
    if (cluster === undefined) return;
    const m = sampleMemory(cluster.pids(), field);
    rows.push({ key: `${key}:max`, label: `${label}, largest member`, unit: 'MiB', value: m.maxMiB });
    rows.push({ key: `${key}:sum`, label: `${label}, sum of ${s.nodes} members`, unit: 'MiB', value: m.sumMiB });
  };

  try {
    result.loadAverage = os.loadavg()[0];
    say(kind, `starting ${s.nodes} members in ${path.join(s.dataDir, kind)}`);
    cluster = await startBenchCluster({ kind, nodes: s.nodes, dataDir: path.join(s.dataDir, kind), etcdBin: s.etcdBin, heartbeatMs: s.heartbeatMs, electionMs: s.electionMs });
    result.version = cluster.version;
    const leader = await findLeader(cluster.addresses);
    const addresses = s.endpoints === 'leader' ? [leader] : cluster.addresses;
    say(kind, `${cluster.version}; leader at ${leader}; requests go to ${addresses.join(', ')}`);
    memoryRows('rss:idle', 'RSS idle', 'VmRSS');
    const timed = { requestTimeoutMs: s.requestTimeoutMs, until: { warmupMs: s.warmupMs, durationMs: s.durationMs } };

    if (s.phases.has('fill')) await phase(`fill ${keyCount} keys`, async () => {
      const label = `fill ${keyCount} keys × ${ks.value.length} B, ${s.fillClients} clients`;
      const r = await withConns(addresses, s.fillClients, (conns) => runFill(ks, { label: `[${kind}] fill`, conns, clients: s.fillClients, requestTimeoutMs: s.requestTimeoutMs }));
      record('fill', r);
      rows.push({ key: 'fill:rate', label: `${label}: throughput`, unit: 'req/s', value: r.perSecond });
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      memoryRows('rss:loaded', `RSS with ${keyCount} keys`, 'VmRSS');
    });

    for (const clients of s.phases.has('put') ? s.putClients : []) {
      const name = `put, ${clients} client${clients === 1 ? '' : 's'}`;
      await phase(name, async () => {
        const r = await withConns(addresses, clients, (conns) => runPuts(ks, { ...timed, label: `[${kind}] ${name}`, conns, clients }));
        record(name, r);
        rows.push(...loopRows(`put:${clients}`, name, r));
      });
    }

    for (const serializable of s.phases.has('get') ? [false, true] : []) {
      const name = `get ${serializable ? 'serializable' : 'linearizable'}, ${s.getClients} clients`;
      await phase(name, async () => {
        const r = await withConns(addresses, s.getClients, (conns) => runGets(ks, serializable, { ...timed, label: `[${kind}] ${name}`, conns, clients: s.getClients }));
        record(name, r);
        rows.push(...loopRows(`get:${serializable ? 's' : 'l'}`, name, r));
      });
    }

    const watchName = `watch, ${s.watchers} watchers, ${s.watchWriters} writers`;
    if (s.phases.has('watch')) await phase(watchName, async () => {
      const r = await withConns(addresses, Math.max(s.watchStreams, s.watchWriters), (conns) =>
        runWatch({ ...timed, ...timed.until, label: `[${kind}] ${watchName}`, conns, watchers: s.watchers, streams: s.watchStreams, writers: s.watchWriters, value: ks.value, drainMs: 10_000 }),
      );
      record(`${watchName} (puts)`, r.puts);
      result.errors.push({ phase: `${watchName} (watch streams)`, tally: r.errors });
      if (r.missing > 0) result.failures.push(`${watchName}: ${r.missing} events never arrived`);
      rows.push({ key: 'watch:events', label: `${watchName}: events delivered`, unit: 'events/s', value: r.eventsPerSecond });
      rows.push(...latencyRows('watch:delivery', `${watchName}: put-to-event`, r.latency));
      rows.push({ key: 'watch:puts', label: `${watchName}: writer puts`, unit: 'req/s', value: r.puts.perSecond });
    });

    memoryRows('rss:peak', 'RSS peak over the run (VmHWM)', 'VmHWM');
  } catch (err) {
    result.failures.push(`${kind}: ${describeError(err)}`);
    say(kind, `failed: ${describeError(err)}`);
  } finally {
    say(kind, 'stopping members');
    await cluster?.stop();
  }
  return result;
}
