/**
 * apiserver: a Kubernetes-style API server over the store. It reaches the store only through the
 * etcd v3 API (kvstore/client), so several can serve one store cluster, and it runs on a real etcd.
 */
import type { Logger } from 'pino';
import { builtinResources, objectMetaSchema } from './registry/builtin/index.js';
import { fieldsMachinery, patchMachinery } from './machinery.js';
import { reviewResources } from './registry/reviews.js';
import { startApiServer, type ApiServer } from './server.js';
import type { Machinery } from './registry/rest.js';
import { createGate, ensureBootstrapPolicy } from './gate.js';
import { loadTokenFile, tokenTableAuthenticator } from './auth/index.js';

export { errors, StatusError, type Status } from './errors.js';
export type { ApiServer } from './server.js';
export { ensureCerts, type CertPaths } from './auth/index.js';

export interface CreateApiServerOptions {
  readonly etcdServers: readonly string[];
  readonly etcdPrefix?: string;
  readonly host?: string;
  readonly port: number;
  readonly logger: Logger;
  readonly authorizationMode?: 'AlwaysAllow' | 'RBAC';
  readonly tokenAuthFile?: string;
  readonly https?: { key: string; cert: string; ca?: string };
  readonly bookmarkIntervalMs?: number;
}

export async function createApiServer(opts: CreateApiServerOptions): Promise<ApiServer> {
  const machinery: Machinery = {
    ...patchMachinery,
    ...fieldsMachinery,
  };
  const tokens = opts.tokenAuthFile !== undefined ? tokenTableAuthenticator(await loadTokenFile(opts.tokenAuthFile)) : undefined;
  const mode = opts.authorizationMode ?? 'AlwaysAllow';
  return startApiServer({
    gate: async (context) => {
      await ensureBootstrapPolicy(context, opts.logger);
      return createGate(context, { authorizationMode: mode, ...(tokens !== undefined ? { tokens } : {}), clientCertificates: opts.https?.ca !== undefined }, opts.logger);
    },
    etcdServers: opts.etcdServers,
    ...(opts.etcdPrefix !== undefined ? { etcdPrefix: opts.etcdPrefix } : {}),
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    port: opts.port,
    logger: opts.logger,
    resources: [...builtinResources, ...reviewResources],
    machinery,
    metadataSchema: objectMetaSchema,
    ...(opts.https !== undefined ? { https: opts.https } : {}),
    ...(opts.bookmarkIntervalMs !== undefined ? { bookmarkIntervalMs: opts.bookmarkIntervalMs } : {}),
  });
}
