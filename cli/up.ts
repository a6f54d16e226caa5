/**
 * `ketch up`: a local development cluster of store members, each its own process. Data lives under
 * --data-dir (default ./.ketch); a second run restarts the same cluster from its data. Ctrl-C stops
 * every member cleanly.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LocalCluster } from '../kvstore/cluster/index.js';

const HELP = `usage: ketch up [--nodes 3|5] [--data-dir DIR] [--base-port PORT]

Starts a local cluster of ketch store members as separate processes and prints their endpoints.
Running it again with the same --data-dir restarts the same cluster from its data.

  --nodes N          members (default 3; 1, 3 or 5)
  --data-dir DIR     where the cluster keeps its data and logs (default ./.ketch)
  --base-port PORT   first client port; member i uses PORT+10i (client), +1 (peer), +2 (metrics) (default 2379)
`;

export async function runUpCommand(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { nodes: { type: 'string', default: '3' }, 'data-dir': { type: 'string', default: '.ketch' }, 'base-port': { type: 'string', default: '2379' }, help: { type: 'boolean', short: 'h', default: false } },
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
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('\nketch up: stopping members...\n');
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
  process.stdout.write(
    `ketch up: cluster ready\n\n` +
      cluster.members.map((m) => `  ${m.name}  client ${cluster.clientUrl(m)}  peer :${m.peerPort}  metrics http://127.0.0.1:${m.metricsPort}/metrics`).join('\n') +
      `\n\n  etcdctl --endpoints=${endpoints} put hello world\n  etcdctl --endpoints=${endpoints} get hello\n\nPress Ctrl-C to stop.\n`,
  );
  return await exited;
}
