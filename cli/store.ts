/**
 * `ketch store`: one store member, with etcd's flag names and defaults.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { parseInitialCluster } from '../kvstore/node/cluster_id.js';
import { StoreError } from '../kvstore/node/errors.js';
import { Member } from '../kvstore/node/member.js';
import { ClientServer } from '../kvstore/server/grpc_server.js';
import { startHttp } from '../kvstore/server/http.js';
import { StoreMetrics } from '../kvstore/server/metrics.js';

const HELP = `usage: ketch store [flags]

Runs one store member. Flag names and defaults are etcd's.

  --name NAME                          human-readable member name (default "default")
  --data-dir DIR                       data directory (default "<name>.etcd")
  --listen-client-urls URLS            where clients connect (default http://localhost:2379)
  --advertise-client-urls URLS         client URLs told to the cluster (default http://localhost:2379)
  --listen-peer-urls URLS              where peers connect (default http://localhost:2380)
  --initial-advertise-peer-urls URLS   peer URLs told to the cluster (default http://localhost:2380)
  --listen-metrics-urls URLS           /health, /metrics and /version (default: client port + 2)
  --initial-cluster SPEC               name=peerURL,... (default "<name>=<initial-advertise-peer-urls>")
  --initial-cluster-state new|existing (default new)
  --initial-cluster-token TOKEN        (default etcd-cluster)
  --heartbeat-interval MS              (default 100)
  --election-timeout MS                (default 1000)
  --snapshot-count N                   applied entries between snapshots (default 10000)
  --quota-backend-bytes N              backend size limit (default 2 GiB)
  --max-request-bytes N                largest client request (default 1572864)
  --max-txn-ops N                      operations per txn branch (default 128)
  --log-level debug|info|warn|error    (default info)
  --unsafe-stale-reads                 TEST ONLY: serve linearizable reads from local state
  --unsafe-watch-drop-slow-events      TEST ONLY: a watcher that falls behind loses events
`;

const FLAGS = {
  name: { type: 'string', default: 'default' },
  'data-dir': { type: 'string' },
  'listen-client-urls': { type: 'string', default: 'http://localhost:2379' },
  'advertise-client-urls': { type: 'string', default: 'http://localhost:2379' },
  'listen-peer-urls': { type: 'string', default: 'http://localhost:2380' },
  'initial-advertise-peer-urls': { type: 'string', default: 'http://localhost:2380' },
  'listen-metrics-urls': { type: 'string' },
  'initial-cluster': { type: 'string' },
  'initial-cluster-state': { type: 'string', default: 'new' },
  'initial-cluster-token': { type: 'string', default: 'etcd-cluster' },
  'heartbeat-interval': { type: 'string', default: '100' },
  'election-timeout': { type: 'string', default: '1000' },
  'snapshot-count': { type: 'string', default: '10000' },
  'quota-backend-bytes': { type: 'string', default: String(2 * 1024 ** 3) },
  'max-request-bytes': { type: 'string', default: '1572864' },
  'max-txn-ops': { type: 'string', default: '128' },
  'log-level': { type: 'string', default: 'info' },
  'unsafe-stale-reads': { type: 'boolean', default: false },
  'unsafe-watch-drop-slow-events': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function urls(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new StoreError('STORE_BAD_CONFIG', `--${flag}: "${v}" is not a positive integer`);
  return n;
}

export async function runStoreCommand(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    process.stderr.write(`ketch store: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const logger = pino({ level: values['log-level'], base: { member: values.name } }, pino.destination(2));
  if (values['unsafe-stale-reads']) {
    logger.warn('--unsafe-stale-reads is set: linearizable reads are served from local state and may be stale. TEST ONLY.');
  }
  if (values['unsafe-watch-drop-slow-events']) {
    logger.warn('--unsafe-watch-drop-slow-events is set: watchers that fall behind lose events. TEST ONLY.');
  }
  try {
    const name = values.name;
    const dataDir = values['data-dir'] ?? `${name}.etcd`;
    const advertisePeerUrls = urls(values['initial-advertise-peer-urls']);
    const initialCluster = parseInitialCluster(values['initial-cluster'] ?? advertisePeerUrls.map((u) => `${name}=${u}`).join(','));
    const state = values['initial-cluster-state'];
    if (state !== 'new' && state !== 'existing') throw new StoreError('STORE_BAD_CONFIG', `--initial-cluster-state: "${state}" must be "new" or "existing"`);
    const heartbeatMs = positiveInt('heartbeat-interval', values['heartbeat-interval']);
    const electionMs = positiveInt('election-timeout', values['election-timeout']);
    if (electionMs < 5 * heartbeatMs) {
      throw new StoreError('STORE_BAD_CONFIG', `--election-timeout[${electionMs}ms] should be at least as 5 times as --heartbeat-interval[${heartbeatMs}ms]`);
    }
    const maxRequestBytes = positiveInt('max-request-bytes', values['max-request-bytes']);
    const listenClientUrls = urls(values['listen-client-urls']);
    const metricsUrls = values['listen-metrics-urls'] !== undefined ? urls(values['listen-metrics-urls']) : listenClientUrls.map(defaultMetricsUrl);

    const member = await Member.start({
      name,
      dataDir,
      initialCluster,
      initialClusterState: state,
      initialClusterToken: values['initial-cluster-token'],
      listenPeerUrls: urls(values['listen-peer-urls']),
      advertisePeerUrls,
      advertiseClientUrls: urls(values['advertise-client-urls']),
      heartbeatMs,
      electionMs,
      snapshotCount: positiveInt('snapshot-count', values['snapshot-count']),
      maxRequestBytes,
      quotaBackendBytes: positiveInt('quota-backend-bytes', values['quota-backend-bytes']),
      logger,
      unsafe: { staleReads: values['unsafe-stale-reads'] },
    });
    const server = new ClientServer({
      member,
      dataDir,
      listenClientUrls,
      maxRequestBytes,
      maxTxnOps: positiveInt('max-txn-ops', values['max-txn-ops']),
      logger: logger.child({ component: 'grpc' }),
      unsafeDropSlowWatchEvents: values['unsafe-watch-drop-slow-events'],
    });
    let clientAddrs: string[];
    try {
      clientAddrs = await server.start();
    } catch (err) {
      await member.stop();
      throw err;
    }
    const metrics = new StoreMetrics(member, server.hub, () => member.dbSizeBytes());
    let http: Awaited<ReturnType<typeof startHttp>>;
    try {
      http = await startHttp(member, metrics, metricsUrls, logger);
    } catch (err) {
      await server.stop();
      await member.stop();
      throw new Error(`--listen-metrics-urls: ${(err as Error).message}`);
    }
    logger.info({ clientUrls: clientAddrs, metricsUrls: http.addresses, peerUrls: member.peerAddresses() }, 'ready to serve client requests');

    let stopping = false;
    const stop = async (code: number): Promise<void> => {
      if (stopping) return;
      stopping = true;
      logger.info('stopping');
      await server.stop();
      await http.app.close();
      await member.stop();
      process.exit(code);
    };
    member.onRemoved(() => void stop(0));
    process.on('SIGINT', () => void stop(0));
    process.on('SIGTERM', () => void stop(0));
    return await new Promise<number>(() => {});
  } catch (err) {
    logger.fatal({ err }, 'failed to start');
    process.stderr.write(`ketch store: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

/** etcd's convention for the metrics port next to a client port: 2379 → 2381. */
function defaultMetricsUrl(clientUrl: string): string {
  const u = new URL(clientUrl);
  const port = Number(u.port || '2379');
  return `http://${u.hostname}:${port === 0 ? 0 : port + 2}`;
}
