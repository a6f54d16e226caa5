import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { kubeconfig } from '../../cli/kubeconfig.js';
import { freePort, ketchBin, LocalCluster } from '../../kvstore/cluster/index.js';
import { removeTestDir, runCommand, startRealEtcd, testDir, waitFor, type RealEtcd, type RunResult } from '../../kvstore/test/processes.js';

/**
 * Integration-test harness: a real store cluster of `ketch store` processes, a real
 * `ketch apiserver` process in front of it, and a kubeconfig for the real kubectl.
 */

export interface ApiHarness {
  readonly dir: string;
  /** The ketch store cluster (undefined when the store is a real etcd). */
  readonly cluster: LocalCluster | undefined;
  /** The store's client endpoints, host:port. */
  readonly storeEndpoints: readonly string[];
  readonly url: string;
  readonly kubeconfigPath: string;
  apiserver: ChildProcess;
  kubectl(args: readonly string[], opts?: { input?: string; timeoutMs?: number; until?: RegExp }): Promise<RunResult>;
  /** kubectl that must succeed; returns stdout. */
  k(args: readonly string[], opts?: { input?: string }): Promise<string>;
  fetch(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  restartApiserver(): Promise<void>;
  close(): Promise<void>;
}

/** GET over HTTPS trusting `ca` (readiness of a TLS API server). */
function httpsStatus(url: string, ca: string): Promise<number> {
  return new Promise((resolve) => {
    const req = https.get(url, { ca, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

export interface HarnessOptions {
  readonly nodes?: number;
  readonly apiserverArgs?: readonly string[];
  /** Serve HTTPS with certificates made by `ketch certs`; `ca` is then set and kubeconfig trusts it. */
  readonly tls?: boolean;
  /** The kubeconfig user's bearer token. */
  readonly token?: string;
  /** What the API server stores into: ketch store processes (default) or a real etcd (Debian's). */
  readonly store?: 'ketch' | 'etcd';
}

export async function startHarness(name: string, opts: HarnessOptions = {}): Promise<ApiHarness> {
  const dir = await testDir(`apiserver-${name}`);
  let cluster: LocalCluster | undefined;
  let etcd: RealEtcd | undefined;
  let storeEndpoints: string[];
  if (opts.store === 'etcd') {
    etcd = await startRealEtcd(`apiserver-${name}`);
    storeEndpoints = [`127.0.0.1:${etcd.clientPort}`];
  } else {
    cluster = await LocalCluster.create({ nodes: opts.nodes ?? 1, dataDir: path.join(dir, 'store') });
    await cluster.startAll();
    await cluster.waitHealthy(30_000);
    storeEndpoints = cluster.endpoints();
  }
  const stopStore = async (): Promise<void> => {
    await cluster?.stopAll();
    await etcd?.close();
  };
  const port = await freePort();
  const url = `${opts.tls === true ? 'https' : 'http'}://127.0.0.1:${port}`;
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  let ca: string | undefined;
  const serveArgs = ['--port', String(port)];
  if (opts.tls === true) {
    const pki = path.join(dir, 'pki');
    const made = await runCommand(process.execPath, [ketchBin(), 'certs', '--cert-dir', pki]);
    if (made.code !== 0) throw new Error(`ketch certs failed: ${made.stderr}`);
    ca = await readFile(path.join(pki, 'ca.crt'), 'utf8');
    serveArgs.splice(0, 2, '--secure-port', String(port), '--cert-dir', pki);
  }
  await writeFile(kubeconfigPath, kubeconfig({ server: url, ...(ca !== undefined ? { caData: ca } : {}), ...(opts.token !== undefined ? { token: opts.token } : {}) }));
  const log = createWriteStream(path.join(dir, 'apiserver.log'), { flags: 'a' });
  const spawnApiserver = async (): Promise<ChildProcess> => {
    const p = spawn(process.execPath, [ketchBin(), 'apiserver', '--etcd-servers', storeEndpoints.map((e) => `http://${e}`).join(','), ...serveArgs, '--log-level', 'debug', ...(opts.apiserverArgs ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout?.pipe(log, { end: false });
    p.stderr?.pipe(log, { end: false });
    await waitFor('apiserver ready', async () => {
      if (p.exitCode !== null) throw new Error(`apiserver exited with ${p.exitCode}; see ${dir}/apiserver.log`);
      if (ca !== undefined) return (await httpsStatus(`${url}/readyz`, ca)) === 200 ? true : undefined;
      try {
        const r = await fetch(`${url}/readyz`);
        return r.ok ? true : undefined;
      } catch {
        return undefined;
      }
    }, 30_000);
    return p;
  };
  const stopApiserver = async (): Promise<void> => {
    const p = h.apiserver;
    if (p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  };
  const h: ApiHarness = {
    dir,
    cluster,
    storeEndpoints,
    url,
    kubeconfigPath,
    apiserver: await spawnApiserver().catch(async (err: unknown) => {
      // A server that never became ready must not leave the store cluster running.
      await stopStore();
      throw err;
    }),
    kubectl: (args, o = {}) => runCommand('kubectl', ['--kubeconfig', kubeconfigPath, ...args], { ...(o.input !== undefined ? { stdin: o.input } : {}), timeoutMs: o.timeoutMs ?? 30_000, ...(o.until !== undefined ? { until: o.until } : {}) }),
    k: async (args, o = {}) => {
      const r = await h.kubectl(args, o);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    fetch: (p, init) => fetch(`${url}${p}`, init),
    restartApiserver: async () => {
      await stopApiserver();
      h.apiserver = await spawnApiserver();
    },
    close: async () => {
      await stopApiserver();
      await stopStore();
      log.end();
      await removeTestDir(dir);
    },
  };
  return h;
}
