/**
 * The system under test, as real processes on loopback: a store cluster of `ketch store` members
 * (LocalCluster) and one `ketch apiserver` in front of it, as apiserver/test/harness.ts starts
 * them. With `cpuProfDir` the API server runs under `node --cpu-prof` and writes its profile there
 * when it exits (it is stopped with SIGTERM, a clean shutdown, so the profile is complete).
 *
 * Every process is tracked; killEverything() (from exit and signal handlers) SIGKILLs whatever is
 * still running, so nothing outlives the benchmark.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, ketchBin, LocalCluster } from '../../kvstore/cluster/index.js';

export interface StackOptions {
  readonly nodes: number;
  readonly dataDir: string;
  readonly cpuProfDir: string | undefined;
  readonly logLevel: string;
}

export interface Stack {
  readonly host: string;
  readonly port: number;
  readonly apiserverPid: number;
  readonly version: string;
  readonly apiserverLog: string;
  /** Store member pids still running. */
  storePids(): number[];
  /** Whether the API server is still running. */
  apiserverAlive(): boolean;
  /** How the API server ended ("exit code 1", "signal SIGKILL"), if it did. */
  apiserverExit(): string | undefined;
  stop(): Promise<void>;
}

const tracked = new Set<ChildProcess>();

function track(child: ChildProcess): void {
  tracked.add(child);
  child.once('exit', () => tracked.delete(child));
}

export function killEverything(): void {
  for (const child of tracked) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

const running = (p: ChildProcess): boolean => p.exitCode === null && p.signalCode === null;

function ketchVersion(): string {
  const root = path.resolve(path.dirname(ketchBin()), '..', '..');
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string };
  let git = '';
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    git = ` (git ${sha}${dirty ? ', uncommitted changes' : ''})`;
  } catch {
    // not a checkout
  }
  return `ketch ${pkg.version ?? 'unknown'}${git}`;
}

async function waitUntil(what: string, deadlineMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not ready after ${deadlineMs} ms`);
}

async function stopProcess(p: ChildProcess, timeoutMs: number): Promise<void> {
  if (!running(p)) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const cluster = await LocalCluster.create({ nodes: opts.nodes, dataDir: path.join(opts.dataDir, 'store'), heartbeatMs: 100, electionMs: 1000 });
  let apiserver: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (apiserver !== undefined) await stopProcess(apiserver, 15_000);
    await cluster.stopAll();
  };
  try {
    await cluster.startAll();
    for (const m of cluster.members) if (m.process !== undefined) track(m.process);
    await cluster.waitHealthy(30_000);

    const host = '127.0.0.1';
    const port = await freePort(host);
    const apiserverLog = path.join(opts.dataDir, 'apiserver.log');
    const log = createWriteStream(apiserverLog, { flags: 'a' });
    const nodeFlags = opts.cpuProfDir !== undefined ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [];
    const etcdServers = cluster.endpoints().map((e) => `http://${e}`).join(',');
    const p = spawn(process.execPath, [...nodeFlags, ketchBin(), 'apiserver', '--etcd-servers', etcdServers, '--bind-address', host, '--port', String(port), '--log-level', opts.logLevel], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    apiserver = p;
    track(p);
    p.stdout?.pipe(log);
    p.stderr?.pipe(log);
    await waitUntil('apiserver', 30_000, async () => {
      if (!running(p)) throw new Error(`apiserver exited (${p.signalCode ?? p.exitCode}); see ${apiserverLog}`);
      try {
        return (await fetch(`http://${host}:${port}/readyz`, { signal: AbortSignal.timeout(2000) })).ok;
      } catch {
        return false;
      }
    });
    if (p.pid === undefined) throw new Error('apiserver has no pid');
    return {
      host,
      port,
      apiserverPid: p.pid,
      version: ketchVersion(),
      apiserverLog,
      storePids: () => cluster.members.flatMap((m) => (m.process?.pid !== undefined && running(m.process) ? [m.process.pid] : [])),
      apiserverAlive: () => running(p),
      apiserverExit: () => (running(p) ? undefined : p.signalCode !== null ? `signal ${p.signalCode}` : `exit code ${p.exitCode}`),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
