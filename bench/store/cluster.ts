/**
 * The clusters under test: `ketch store` members through LocalCluster, and etcd members started
 * with the very same flags (LocalCluster.storeArgs without the `store` subcommand), so both get the
 * same ports layout, heartbeat and election settings, and fresh data directories.
 *
 * Every process started here is tracked, and killAllMembers() (called from exit and signal
 * handlers) SIGKILLs whatever is still running, so nothing is left behind on Ctrl-C or error.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { LocalCluster, ketchBin } from '../../kvstore/cluster/index.js';

export type TargetKind = 'ketch' | 'etcd';

export interface BenchClusterOptions {
  readonly kind: TargetKind;
  readonly nodes: number;
  readonly dataDir: string;
  readonly etcdBin: string;
  readonly heartbeatMs: number;
  readonly electionMs: number;
}

export interface BenchCluster {
  readonly kind: TargetKind;
  /** host:port of each member's client URL, in member order. */
  readonly addresses: readonly string[];
  readonly version: string;
  /** Where member data and logs live. */
  readonly dataDir: string;
  /** The member processes' ids (those still running). */
  pids(): number[];
  stop(): Promise<void>;
}

const tracked = new Set<ChildProcess>();

function track(child: ChildProcess): void {
  tracked.add(child);
  child.once('exit', () => tracked.delete(child));
}

/** SIGKILLs every member process this module started that is still running (synchronous). */
export function killAllMembers(): void {
  for (const child of tracked) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Node's names for architectures, as etcd spells them. */
const ETCD_ARCH: Readonly<Record<string, string>> = { arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x' };

/** etcd refuses to start on architectures other than amd64 unless told which one it is on. */
function etcdEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Only flags configure etcd: drop any ETCD_* variable the caller's shell may have set.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ETCD_')) env[k] = v;
  if (process.arch !== 'x64') env.ETCD_UNSUPPORTED_ARCH = ETCD_ARCH[process.arch] ?? process.arch;
  return env;
}

export function etcdVersion(etcdBin: string): string {
  const out = execFileSync(etcdBin, ['--version'], { encoding: 'utf8', env: etcdEnv() });
  const version = /etcd Version:\s*(\S+)/.exec(out)?.[1] ?? 'unknown';
  const go = /Go Version:\s*(\S+)/.exec(out)?.[1];
  return `etcd ${version}${go === undefined ? '' : ` (${go})`}`;
}

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

function startEtcdMembers(cluster: LocalCluster, opts: BenchClusterOptions): void {
  const env = etcdEnv();
  for (const m of cluster.members) {
    const log = createWriteStream(path.join(opts.dataDir, `${m.name}.log`), { flags: 'a' });
    // storeArgs(m) is ['store', ...etcd's own flags].
    const child = spawn(opts.etcdBin, cluster.storeArgs(m).slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    m.process = child;
  }
}

/** Starts a fresh cluster of `kind` in opts.dataDir and waits until every member is healthy. */
export async function startBenchCluster(opts: BenchClusterOptions): Promise<BenchCluster> {
  const cluster = await LocalCluster.create({
    nodes: opts.nodes,
    dataDir: opts.dataDir,
    heartbeatMs: opts.heartbeatMs,
    electionMs: opts.electionMs,
  });
  const stop = async (): Promise<void> => {
    await cluster.stopAll();
  };
  try {
    if (opts.kind === 'ketch') await cluster.startAll();
    else startEtcdMembers(cluster, opts);
    for (const m of cluster.members) if (m.process !== undefined) track(m.process);
    await cluster.waitHealthy(30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    kind: opts.kind,
    addresses: cluster.endpoints(),
    version: opts.kind === 'ketch' ? ketchVersion() : etcdVersion(opts.etcdBin),
    dataDir: opts.dataDir,
    pids: () => cluster.members.flatMap((m) => (m.process?.pid !== undefined && m.process.exitCode === null ? [m.process.pid] : [])),
    stop,
  };
}
