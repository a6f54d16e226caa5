import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/**
 * What every kind of local cluster (ketch or etcd processes, on loopback or in network namespaces)
 * does the same way: the flags a member starts with (etcd's names, which `ketch store` shares),
 * and starting, killing, stopping and health-checking its process.
 */

/** The URLs and bootstrap settings of one member, as etcd's flags name them. */
export interface MemberFlagsInput {
  readonly name: string;
  readonly dataDir: string;
  readonly listenClientUrl: string;
  readonly advertiseClientUrl: string;
  readonly listenPeerUrl: string;
  readonly advertisePeerUrl: string;
  readonly listenMetricsUrl: string;
  /** `name=peerUrl,…` of every member. */
  readonly initialCluster: string;
  /** `existing` for a member (re-)added at runtime with MemberAdd. */
  readonly state: 'new' | 'existing';
  readonly token?: string;
  readonly heartbeatMs?: number;
  readonly electionMs?: number;
  readonly extra?: readonly string[];
}

export function memberFlags(f: MemberFlagsInput): string[] {
  return [
    '--name', f.name,
    '--data-dir', f.dataDir,
    '--listen-client-urls', f.listenClientUrl,
    '--advertise-client-urls', f.advertiseClientUrl,
    '--listen-peer-urls', f.listenPeerUrl,
    '--initial-advertise-peer-urls', f.advertisePeerUrl,
    '--listen-metrics-urls', f.listenMetricsUrl,
    '--initial-cluster', f.initialCluster,
    '--initial-cluster-state', f.state,
    ...(f.token !== undefined ? ['--initial-cluster-token', f.token] : []),
    '--heartbeat-interval', String(f.heartbeatMs ?? 100),
    '--election-timeout', String(f.electionMs ?? 1000),
    ...(f.extra ?? []),
  ];
}

/** The parts of a member's flags that do not follow from where it listens (see memberFlagsOnHost). */
export type MemberFlagsRest = Omit<MemberFlagsInput, 'name' | 'dataDir' | 'listenClientUrl' | 'advertiseClientUrl' | 'listenPeerUrl' | 'listenMetricsUrl'>;

/** memberFlags for a member that listens on `host` (loopback, or its namespace's address) at its own ports. */
export function memberFlagsOnHost(
  host: string,
  m: { readonly name: string; readonly dataDir: string; readonly clientPort: number; readonly peerPort: number; readonly metricsPort: number },
  rest: MemberFlagsRest,
): string[] {
  return memberFlags({
    name: m.name,
    dataDir: m.dataDir,
    listenClientUrl: `http://${host}:${m.clientPort}`,
    advertiseClientUrl: `http://${host}:${m.clientPort}`,
    listenPeerUrl: `http://${host}:${m.peerPort}`,
    listenMetricsUrl: `http://${host}:${m.metricsPort}`,
    ...rest,
  });
}

export function isRunning(p: ChildProcess | undefined): p is ChildProcess {
  return p !== undefined && p.exitCode === null && p.signalCode === null;
}

/** Spawns a member's process with its stdout and stderr appended to `logPath`. */
export function spawnLogged(command: string, args: readonly string[], logPath: string): ChildProcess {
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

/** SIGKILL, and wait for the process to be gone. */
export async function killProcess(p: ChildProcess | undefined): Promise<void> {
  if (!isRunning(p)) return;
  const exited = new Promise((resolve) => p.once('exit', resolve));
  p.kill('SIGKILL');
  await exited;
}

/** A clean stop: SIGCONT (in case it is paused), SIGTERM, SIGKILL after timeoutMs. */
export async function stopProcess(p: ChildProcess | undefined, timeoutMs = 10_000): Promise<void> {
  if (!isRunning(p)) return;
  const exited = new Promise((resolve) => p.once('exit', resolve));
  p.kill('SIGCONT');
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Waits until every member answers its /health URL with 200 (a leader known), or throws at the
 * deadline, or at once when a member's process has exited.
 */
export async function waitMembersHealthy<M extends { readonly name: string; process?: ChildProcess }>(
  members: readonly M[],
  healthUrl: (m: M) => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const m of members) {
    for (;;) {
      const p = m.process;
      if (p !== undefined && (p.exitCode !== null || p.signalCode !== null)) {
        throw new Error(`member ${m.name} exited (${p.signalCode ?? p.exitCode}); see its log`);
      }
      try {
        const res = await fetch(healthUrl(m), { signal: AbortSignal.timeout(2000) });
        if (res.ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error(`member ${m.name} not healthy within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
