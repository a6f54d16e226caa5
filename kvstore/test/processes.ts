/**
 * Process helpers for the store's integration tests: temporary directories, child processes with
 * deadlines, condition waits, a ketch cluster and a real etcd on free loopback ports. No vitest
 * import, so the library build may include this file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, LocalCluster, type LocalClusterOptions, type LocalMember } from '../cluster/index.js';

export const ETCD_BIN = '/usr/bin/etcd';
export const ETCDCTL_BIN = '/usr/bin/etcdctl';

/** Where test clusters keep their data; kept after the run when KETCH_KEEP_TEST_DIRS=1. */
export async function testDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `ketch-${prefix}-`));
}

export async function removeTestDir(dir: string): Promise<void> {
  if (process.env.KETCH_KEEP_TEST_DIRS === '1') return;
  await rm(dir, { recursive: true, force: true });
}

/** Polls `probe` until it returns a value other than undefined, or throws naming `what` at the deadline. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code, or null when the process ended by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when `until` matched and the process was stopped because of it. */
  readonly stoppedAtMatch: boolean;
  readonly timedOut: boolean;
}

export interface RunOptions {
  readonly stdin?: string | Buffer;
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  /** For commands that run forever (watch): stop the process once stdout matches. */
  readonly until?: RegExp;
}

/** Runs a command to completion (or to `until`, or to the deadline) and collects its output. */
export function runCommand(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    let stoppedAtMatch = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (opts.until !== undefined && !stoppedAtMatch && opts.until.test(stdout)) {
        stoppedAtMatch = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, signal, stoppedAtMatch, timedOut });
    });
    child.stdin.on('error', () => {
      // the command may exit before reading all of its input
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

/** etcdctl (v3 API) against the given endpoints. */
export function etcdctl(endpoints: readonly string[], args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return runCommand(ETCDCTL_BIN, [`--endpoints=${endpoints.join(',')}`, '--dial-timeout=5s', '--command-timeout=10s', ...args], {
    ...opts,
    env: { ETCDCTL_API: '3', ...opts.env },
  });
}

/** Whether something accepts TCP connections on host:port. */
export function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

// -------------------------------------------------------------------------------------------------
// ketch
// -------------------------------------------------------------------------------------------------

export interface KetchCluster {
  readonly cluster: LocalCluster;
  readonly dir: string;
  /** Stops every member (SIGTERM, then SIGKILL) and removes the data. */
  close(): Promise<void>;
}

/** Starts an n-member ketch cluster on free loopback ports and waits until every member is healthy. */
export async function startKetch(
  prefix: string,
  nodes: number,
  opts: Omit<LocalClusterOptions, 'nodes' | 'dataDir'> = {},
): Promise<KetchCluster> {
  const dir = await testDir(prefix);
  const cluster = await LocalCluster.create({ nodes, dataDir: dir, ...opts });
  await cluster.startAll();
  const close = async (): Promise<void> => {
    await Promise.all(cluster.members.map((m) => cluster.stop(m, 5000)));
    await removeTestDir(dir);
  };
  try {
    await cluster.waitHealthy(30_000);
  } catch (err) {
    await Promise.all(cluster.members.map((m) => cluster.kill(m)));
    throw new Error(`${(err as Error).message} (logs in ${dir})`);
  }
  return { cluster, dir, close };
}

/**
 * Starts a member again after it was killed or stopped. LocalCluster.start() alone does nothing
 * for a member killed by a signal (its check looks at exitCode only, which stays null then).
 */
export async function restartMember(cluster: LocalCluster, m: LocalMember): Promise<void> {
  const p = m.process;
  if (p !== undefined && (p.exitCode !== null || p.signalCode !== null)) m.process = undefined;
  await cluster.start(m);
}

// -------------------------------------------------------------------------------------------------
// A real etcd
// -------------------------------------------------------------------------------------------------

/**
 * The flags (etcd's, so ketch's too) of a single member on loopback ports. `clusterName` is the
 * name --initial-cluster gives the member (another name makes a misconfigured member).
 */
export function singleMemberFlags(o: { name: string; dataDir: string; clientPort: number; peerPort: number; clusterName?: string }): string[] {
  const client = `http://127.0.0.1:${o.clientPort}`;
  const peer = `http://127.0.0.1:${o.peerPort}`;
  return [
    '--name', o.name,
    '--data-dir', o.dataDir,
    '--listen-client-urls', client,
    '--advertise-client-urls', client,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `${o.clusterName ?? o.name}=${peer}`,
  ];
}

export function haveRealEtcd(): boolean {
  return existsSync(ETCD_BIN) && existsSync(ETCDCTL_BIN);
}

export interface RealEtcd {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** The log (stdout and stderr) so far. */
  log(): string;
  close(): Promise<void>;
}

/** Starts a single-member etcd on free loopback ports and waits for it to answer /health. */
export async function startRealEtcd(name: string, extraArgs: readonly string[] = []): Promise<RealEtcd> {
  const host = '127.0.0.1';
  const dir = await testDir('etcd');
  const dataDir = path.join(dir, name);
  const clientPort = await freePort(host);
  const peerPort = await freePort(host);
  const client = `http://${host}:${clientPort}`;
  const child = spawn(ETCD_BIN, [...singleMemberFlags({ name, dataDir, clientPort, peerPort }), '--initial-cluster-state', 'new', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (log += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (log += d));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    await removeTestDir(dir);
  };
  try {
    const outcome = await waitFor('etcd to be healthy', async () => {
      if (child.exitCode !== null) return 'exited';
      const res = await fetch(`${client}/health`, { signal: AbortSignal.timeout(2000) });
      const body = (await res.json()) as { health?: string };
      return body.health === 'true' ? 'healthy' : undefined;
    }, 30_000);
    if (outcome === 'exited') throw new Error(`etcd exited with ${child.exitCode}: ${log.slice(-2000)}`);
  } catch (err) {
    await close();
    throw err;
  }
  return { name, clientPort, peerPort, dataDir, process: child, log: () => log, close };
}
