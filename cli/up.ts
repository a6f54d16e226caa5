/**
 * `ketch up`: a local development cluster of store members, each its own process. Data lives under
 * --data-dir (default ./.ketch); a second run restarts the same cluster from its data. Ctrl-C stops
 * every member cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { ensureCerts } from '../apiserver/index.js';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ketchBin, LocalCluster } from '../kvstore/cluster/index.js';
import { kubeconfig } from './kubeconfig.js';

const HELP = `usage: ketch up [--nodes 3|5] [--data-dir DIR] [--base-port PORT] [--apiserver-port PORT]

Starts a local cluster of ketch store members as separate processes, and an API server in front
of them, and prints their endpoints. Writes DIR/kubeconfig for kubectl. Running it again with the
same --data-dir restarts the same cluster from its data.

  --nodes N          members (default 3; 1, 3 or 5)
  --data-dir DIR     where the cluster keeps its data and logs (default ./.ketch)
  --base-port PORT   first client port; member i uses PORT+10i (client), +1 (peer), +2 (metrics) (default 2379)
  --apiserver-port PORT  the API server's HTTPS port (default 6443; 0: no API server)
`;

/** GET /readyz over TLS, trusting only the cluster's CA. */
function readyz(port: number, ca: string, cert: string, key: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/readyz', ca, cert, key, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

/**
 * Starts `ketch apiserver` against the cluster, serving HTTPS with certificates from
 * <data-dir>/pki (made on the first run), client-certificate authentication and RBAC, and waits
 * until it is ready. Returns the process and the kubeconfig text for the admin user.
 */
async function startApiserver(etcdServers: string, port: number, dataDir: string): Promise<{ child: ChildProcess; kubeconfig: string }> {
  const pki = await ensureCerts(path.join(dataDir, 'pki'));
  const [ca, adminCert, adminKey] = await Promise.all([readFile(pki.caCert, 'utf8'), readFile(pki.adminCert, 'utf8'), readFile(pki.adminKey, 'utf8')]);
  const log = createWriteStream(path.join(dataDir, 'apiserver.log'), { flags: 'a' });
  const child = spawn(
    process.execPath,
    [ketchBin(), 'apiserver', '--etcd-servers', etcdServers, '--secure-port', String(port), '--tls-cert-file', pki.serverCert, '--tls-private-key-file', pki.serverKey, '--client-ca-file', pki.caCert, '--authorization-mode', 'RBAC'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API server exited (${child.exitCode}); see ${dataDir}/apiserver.log`);
    if (await readyz(port, ca, adminCert, adminKey)) break;
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`the API server did not become ready within 30 s; see ${dataDir}/apiserver.log`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, kubeconfig: kubeconfig({ server: `https://127.0.0.1:${port}`, caData: ca, clientCertData: adminCert, clientKeyData: adminKey }) };
}

export async function runUpCommand(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { 'apiserver-port': { type: 'string', default: '6443' }, nodes: { type: 'string', default: '3' }, 'data-dir': { type: 'string', default: '.ketch' }, 'base-port': { type: 'string', default: '2379' }, help: { type: 'boolean', short: 'h', default: false } },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`ketch up: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const nodes = Number(values.nodes);
  if (![1, 3, 5].includes(nodes)) {
    process.stderr.write(`ketch up: --nodes must be 1, 3 or 5, got ${values.nodes}\n`);
    return 2;
  }
  const restarting = existsSync(path.join(values['data-dir'], 'cluster.json'));
  const cluster = await LocalCluster.create({ nodes, dataDir: values['data-dir'], basePort: Number(values['base-port']) });
  if (cluster.members.length !== nodes) {
    process.stderr.write(`ketch up: ${values['data-dir']} holds a ${cluster.members.length}-member cluster; using it (remove the directory for a new one)\n`);
  }
  process.stderr.write(`ketch up: starting ${cluster.members.length} members in ${values['data-dir']}${restarting ? ' (restart)' : ''}\n`);
  await cluster.startAll();
  const exited = new Promise<number>((resolve) => {
    for (const m of cluster.members) {
      m.process?.once('exit', (code, signal) => {
        if (!stopping) {
          process.stderr.write(`ketch up: member ${m.name} exited (${signal ?? code}); see ${values['data-dir']}/${m.name}.log\n`);
          resolve(1);
        }
      });
    }
  });
  let stopping = false;
  let apiserver: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('\nketch up: stopping members...\n');
    if (apiserver !== undefined && apiserver.exitCode === null) {
      apiserver.kill('SIGTERM');
      await new Promise((r) => apiserver?.once('exit', r));
    }
    await cluster.stopAll();
    process.stderr.write('ketch up: stopped\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  try {
    await Promise.race([cluster.waitHealthy(60_000), exited.then((c) => Promise.reject(new Error(`a member exited (${c})`)))]);
  } catch (err) {
    process.stderr.write(`ketch up: ${(err as Error).message}\n`);
    await cluster.stopAll();
    return 1;
  }
  const endpoints = cluster.endpoints().join(',');
  const apiPort = Number(values['apiserver-port']);
  let apiLines = '';
  if (apiPort > 0) {
    process.stderr.write(`ketch up: starting the API server on https://127.0.0.1:${apiPort}\n`);
    let config: string;
    try {
      const started = await startApiserver(cluster.endpoints().map((e) => `http://${e}`).join(','), apiPort, values['data-dir']);
      apiserver = started.child;
      config = started.kubeconfig;
    } catch (err) {
      process.stderr.write(`ketch up: ${(err as Error).message}\n`);
      await cluster.stopAll();
      return 1;
    }
    apiserver.once('exit', (code, signal) => {
      if (!stopping) process.stderr.write(`ketch up: the API server exited (${signal ?? code}); see ${values['data-dir']}/apiserver.log\n`);
    });
    const kc = path.join(values['data-dir'], 'kubeconfig');
    await writeFile(kc, config, { mode: 0o600 });
    apiLines = `  apiserver  https://127.0.0.1:${apiPort}  (log ${values['data-dir']}/apiserver.log)\n\n  kubectl --kubeconfig ${kc} get ns\n  kubectl --kubeconfig ${kc} create deployment web --image=nginx\n`;
  }
  process.stdout.write(
    `ketch up: cluster ready\n\n` +
      cluster.members.map((m) => `  ${m.name}  client ${cluster.clientUrl(m)}  peer :${m.peerPort}  metrics http://127.0.0.1:${m.metricsPort}/metrics`).join('\n') +
      `\n${apiLines === '' ? '' : `\n${apiLines}`}\n  etcdctl --endpoints=${endpoints} put hello world\n  etcdctl --endpoints=${endpoints} get hello\n\nPress Ctrl-C to stop.\n`,
  );
  return await exited;
}
