/**
 * `ketch apiserver`: the Kubernetes-style API server, with kube-apiserver's flag names. It keeps
 * every object in the store through the etcd v3 API (a ketch cluster or a real etcd).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createApiServer, ensureCerts } from '../apiserver/index.js';

const HELP = `usage: ketch apiserver --etcd-servers URLS [flags]

  --etcd-servers URLS          comma-separated store endpoints (http://127.0.0.1:2379,...)  (required)
  --etcd-prefix PATH           key prefix of every object (default /registry)
  --bind-address ADDR          address to listen on (default 127.0.0.1)
  --port PORT                  plain HTTP port (default 8080; 0: pick one)
  --secure-port PORT           HTTPS port (with --tls-cert-file and --tls-private-key-file)
  --tls-cert-file FILE         serving certificate (PEM)
  --tls-private-key-file FILE  its key (PEM)
  --cert-dir DIR               with --secure-port and no --tls-cert-file: certificates made here on
                               first start (CA, serving, admin), as kube-apiserver (default .ketch/pki)
  --client-ca-file FILE        CA that signs client certificates (x509 authentication)
  --token-auth-file FILE       static bearer tokens (CSV: token,user,uid,"group1,group2")
  --authorization-mode MODE    AlwaysAllow (default) or RBAC
  --watch-bookmark-interval-seconds N  how often watches that allow bookmarks get one (default 60)
  --log-level LEVEL            pino level (default info)
`;

export async function runApiserverCommand(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        'etcd-servers': { type: 'string' },
        'etcd-prefix': { type: 'string', default: '/registry' },
        'bind-address': { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8080' },
        'secure-port': { type: 'string' },
        'tls-cert-file': { type: 'string' },
        'tls-private-key-file': { type: 'string' },
        'cert-dir': { type: 'string', default: '.ketch/pki' },
        'client-ca-file': { type: 'string' },
        'token-auth-file': { type: 'string' },
        'authorization-mode': { type: 'string', default: 'AlwaysAllow' },
        'log-level': { type: 'string', default: 'info' },
        'watch-bookmark-interval-seconds': { type: 'string', default: '60' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`ketch apiserver: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const servers = (values['etcd-servers'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (servers.length === 0) {
    process.stderr.write(`ketch apiserver: --etcd-servers is required\n\n${HELP}`);
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`ketch apiserver: --port must be a port number, got ${values.port}\n`);
    return 2;
  }
  const mode = values['authorization-mode'];
  if (mode !== 'AlwaysAllow' && mode !== 'RBAC') {
    process.stderr.write(`ketch apiserver: --authorization-mode must be AlwaysAllow or RBAC, got ${mode}\n`);
    return 2;
  }
  const logger = pino({ level: values['log-level'], base: { component: 'apiserver' } });
  const securePort = values['secure-port'] !== undefined ? Number(values['secure-port']) : undefined;
  let https: { key: string; cert: string; ca?: string } | undefined;
  if (securePort !== undefined) {
    let cert = values['tls-cert-file'];
    let key = values['tls-private-key-file'];
    if ((cert === undefined) !== (key === undefined)) {
      process.stderr.write('ketch apiserver: --tls-cert-file and --tls-private-key-file go together\n');
      return 2;
    }
    if (cert === undefined || key === undefined) {
      const made = await ensureCerts(values['cert-dir']);
      if (made.written.length > 0) logger.info({ dir: made.dir, written: made.written }, 'generated certificates');
      cert = made.serverCert;
      key = made.serverKey;
      values['client-ca-file'] ??= made.caCert;
    }
    https = { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
    if (values['client-ca-file'] !== undefined) https.ca = readFileSync(values['client-ca-file'], 'utf8');
  }
  let server;
  try {
    server = await createApiServer({
      etcdServers: servers,
      etcdPrefix: values['etcd-prefix'],
      host: values['bind-address'],
      port: securePort ?? port,
      logger,
      authorizationMode: mode,
      bookmarkIntervalMs: Number(values['watch-bookmark-interval-seconds']) * 1000,
      ...(values['token-auth-file'] !== undefined ? { tokenAuthFile: values['token-auth-file'] } : {}),
      ...(https !== undefined ? { https } : {}),
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') process.stderr.write(`ketch apiserver: port ${securePort ?? port} on ${values['bind-address']} is already in use\n`);
    else process.stderr.write(`ketch apiserver: ${e.message}\n`);
    return 1;
  }
  process.stderr.write(`ketch apiserver: serving on ${server.address}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      logger.info('shutting down');
      setTimeout(() => process.exit(0), 5000).unref();
      void server.close().finally(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
