import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Counter, Histogram, Gauge, Registry as MetricsRegistry, collectDefaultMetrics } from 'prom-client';
import { KetchClient } from '../kvstore/client/index.js';
import { ApiContext } from './http/context.js';
import { buildHttp, type Gate } from './http/server.js';
import { Registry } from './registry/registry.js';
import type { Machinery } from './registry/rest.js';
import type { ResourceDecl } from './registry/types.js';
import { ObjectStore } from './storage/store.js';
import { startGarbageCollector } from './garbage_collector.js';
import { advertisedIp, startKubernetesService } from './kubernetes_service.js';
import { startNamespaceLifecycle } from './namespaces.js';
import { startCrdController } from './crds.js';
import type { Schema } from './registry/schema.js';

/**
 * One API server process: a client of the store (etcd v3 API), the registry of types, the HTTP
 * surface, and the small loops kube-apiserver runs beside it (system namespaces, namespace
 * finalization). Stateless: any number can serve one store.
 */

export interface ApiServerOptions {
  readonly etcdServers: readonly string[];
  readonly etcdPrefix?: string;
  readonly host?: string;
  readonly port: number;
  readonly logger: Logger;
  readonly resources: readonly ResourceDecl[];
  readonly machinery: Machinery;
  /** The ObjectMeta schema custom resources are validated with. */
  readonly metadataSchema: Schema;
  /** Authentication and authorization, made once the context exists (apiserver/gate.ts). */
  readonly gate?: (context: ApiContext) => Promise<Gate>;
  readonly https?: { key: string; cert: string; ca?: string };
  readonly bookmarkIntervalMs?: number;
  readonly watchCacheCapacity?: number;
  readonly maxWatchBufferBytes?: number;
}

export interface ApiServer {
  readonly app: FastifyInstance;
  readonly address: string;
  readonly port: number;
  readonly context: ApiContext;
  close(): Promise<void>;
}

function metricsFor(context: ApiContext): { registry: MetricsRegistry; observe: (verb: string, resource: string, code: number, seconds: number) => void; watchers: Gauge } {
  const registry = new MetricsRegistry();
  collectDefaultMetrics({ register: registry });
  const total = new Counter({ name: 'apiserver_request_total', help: 'Counter of apiserver requests broken out for each verb, resource and HTTP response code.', labelNames: ['verb', 'resource', 'code'], registers: [registry] });
  const duration = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency distribution in seconds for each verb and resource.',
    labelNames: ['verb', 'resource'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const watchers = new Gauge({
    name: 'apiserver_registered_watchers',
    help: 'Number of currently registered watchers for a given resource.',
    labelNames: ['resource'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [resource, count] of context.watchCounts()) this.set({ resource }, count);
    },
  });
  return {
    registry,
    watchers,
    observe: (verb, resource, code, seconds) => {
      total.inc({ verb, resource, code: String(code) });
      if (verb !== 'watch') duration.observe({ verb, resource }, seconds);
    },
  };
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const log = opts.logger;
  const client = new KetchClient({ endpoints: [...opts.etcdServers], logger: log });
  const store = new ObjectStore(client, opts.etcdPrefix ?? '/registry');
  const registry = new Registry(opts.resources);
  const context = new ApiContext(registry, store, opts.machinery, log, {
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
    watchCacheCapacity: opts.watchCacheCapacity ?? 10_000,
    maxWatchBufferBytes: opts.maxWatchBufferBytes ?? 16 * 1024 * 1024,
  });
  const metrics = metricsFor(context);
  const lifecycle = startNamespaceLifecycle(context, log);
  await lifecycle.bootstrap();
  const crds = startCrdController(context, opts.metadataSchema, log);
  // A request for an unknown resource re-reads the CRDs (it may race a CRD's creation), at most once a second.
  let lastSync: { at: number; done: Promise<void> } | undefined;
  context.onUnknownResource = () => {
    const now = Date.now();
    if (lastSync === undefined || now - lastSync.at > 1000) lastSync = { at: now, done: crds.sync().catch((err: unknown) => log.warn({ err }, 'CRD sync failed')) };
    return lastSync.done;
  };
  await crds.start();
  // Every resource's watch cache starts now, as kube-apiserver's cachers do, so that any
  // resourceVersion a client gets from this server can be watched from.
  await Promise.all(registry.all().filter((d) => d.virtual !== true).map((d) => context.cache(d).ready()));
  const collector = startGarbageCollector(context, log);
  const gate = opts.gate !== undefined ? await opts.gate(context) : undefined;
  const app = buildHttp({
    api: context,
    logger: log,
    ...(gate !== undefined ? { gate } : {}),
    ...(opts.https !== undefined ? { https: opts.https } : {}),
    observe: metrics.observe,
    ready: async () => {
      try {
        await store.currentRevision();
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
    metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
  });
  const address = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port });
  const port = (app.server.address() as { port: number }).port;
  log.info({ address, etcdServers: opts.etcdServers }, 'API server serving');
  const kubernetesService = startKubernetesService(context, { ip: advertisedIp(opts.host ?? '127.0.0.1'), port, tls: opts.https !== undefined }, log);
  await kubernetesService.ensure().catch((err: unknown) => log.warn({ err }, 'could not create the kubernetes service; retrying'));
  return {
    app,
    address,
    port,
    context,
    close: async () => {
      lifecycle.stop();
      collector.stop();
      await kubernetesService.stop();
      crds.stop();
      context.stop();
      // Watches are long-running: end them rather than wait for them.
      const closing = app.close();
      app.server.closeAllConnections();
      await closing;
      client.close();
    },
  };
}
