import type { Logger } from 'pino';
import { StatusError } from './errors.js';
import type { ApiContext } from './http/context.js';
import { startLoop } from './loop.js';
import { internalWrite, type WriteContext } from './registry/rest.js';
import type { KubeObject } from './registry/types.js';

/**
 * The `kubernetes` Service in `default`, as kube-apiserver's bootstrap controller keeps it: the
 * first address of the service range (10.96.0.1), port 443 (`https`) to the server's secure port,
 * and an Endpoints object listing every API server's address. A plain-HTTP server (no TLS) is
 * listed as port 80 (`http`). Re-checked every 10 s, so a deleted Service or Endpoints comes back.
 *
 * The Endpoints follow kube-apiserver's lease reconciler: each server holds a key under
 * `<prefix>/masterleases/` attached to a store lease of 15 s that it renews at every check, and
 * every server sets the Endpoints to the servers whose keys exist (grouped by port, as Endpoints
 * subsets are). A server that stops revokes its lease; one that dies drops out when its lease
 * expires.
 */

export const KUBERNETES_SERVICE_IP = '10.96.0.1';
const NAME = 'kubernetes';
const NAMESPACE = 'default';
const RECHECK_MS = 5000;
const LEASE_TTL_SECONDS = 15;
const STOP_TIMEOUT_MS = 2000;

export interface Advertised {
  /** The IPv4 address clients reach this server at. */
  readonly ip: string;
  readonly port: number;
  readonly tls: boolean;
}

interface EndpointSubset {
  addresses?: Array<{ ip: string }>;
  ports?: Array<{ name?: string; port: number; protocol?: string }>;
}

export function startKubernetesService(api: ApiContext, self: Advertised, logger: Logger): { ensure(): Promise<void>; stop(): Promise<void> } {
  const log = logger.child({ component: 'kubernetes-service' });
  const portName = self.tls ? 'https' : 'http';
  const ctx = (): WriteContext => internalWrite('kube-apiserver');
  const decl = (plural: string): NonNullable<ReturnType<typeof api.registry.lookup>> => {
    const d = api.registry.lookup('', 'v1', plural);
    if (d === undefined) throw new Error(`${plural} are not served`);
    return d;
  };

  const ensureService = async (): Promise<void> => {
    const rest = api.rest(decl('services'));
    if ((await api.store.get(rest.stored, NAMESPACE, NAME)) !== undefined) return;
    const service: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: NAME, labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: {
        type: 'ClusterIP',
        clusterIP: KUBERNETES_SERVICE_IP,
        sessionAffinity: 'None',
        ports: [{ name: portName, port: self.tls ? 443 : 80, protocol: 'TCP', targetPort: self.port }],
      },
    };
    try {
      await rest.create(NAMESPACE, service, ctx());
      log.info({ clusterIP: KUBERNETES_SERVICE_IP }, 'created the kubernetes service');
    } catch (err) {
      if (!(err instanceof StatusError && err.reason === 'AlreadyExists')) throw err;
    }
  };

  const leasePrefix = `${api.store.keys.prefix}/masterleases/`;
  const leaseKey = `${leasePrefix}${self.ip}:${self.port}`;
  let lease: bigint | undefined;

  /** Holds this server's key: renews its lease, or grants a new one when it has expired. */
  const holdLease = async (): Promise<void> => {
    if (lease !== undefined && (await api.store.client.leaseKeepAliveOnce(lease)).ttl > 0) return;
    lease = (await api.store.client.leaseGrant(LEASE_TTL_SECONDS)).id;
    await api.store.client.put(leaseKey, JSON.stringify({ ip: self.ip, port: self.port, name: portName }), { lease });
  };

  /** The subsets the live servers make, in a stable order. */
  const liveSubsets = async (): Promise<EndpointSubset[]> => {
    const res = await api.store.client.get(leasePrefix, { prefix: true });
    const byPort = new Map<string, EndpointSubset>();
    for (const kv of res.kvs) {
      let v: { ip?: unknown; port?: unknown; name?: unknown };
      try {
        v = JSON.parse(kv.value.toString('utf8')) as typeof v;
      } catch {
        continue;
      }
      if (typeof v.ip !== 'string' || typeof v.port !== 'number' || typeof v.name !== 'string') continue;
      const k = `${v.name}/${v.port}`;
      const subset = byPort.get(k) ?? { addresses: [], ports: [{ name: v.name, port: v.port, protocol: 'TCP' }] };
      subset.addresses!.push({ ip: v.ip });
      byPort.set(k, subset);
    }
    return [...byPort.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, sub]) => ({ ...sub, addresses: [...(sub.addresses ?? [])].sort((a, b) => a.ip.localeCompare(b.ip)) }));
  };

  /** Sets the Endpoints' subsets to the live servers, creating the object when missing. */
  const reconcileEndpoints = async (): Promise<void> => {
    const rest = api.rest(decl('endpoints'));
    for (let attempt = 0; attempt < 8; attempt++) {
      const subsets = await liveSubsets();
      const current = await api.store.get(rest.stored, NAMESPACE, NAME);
      if (current !== undefined && JSON.stringify(current['subsets'] ?? []) === JSON.stringify(subsets)) return;
      try {
        if (current === undefined) {
          await rest.create(NAMESPACE, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: NAME, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets }, ctx());
        } else {
          await rest.update(NAMESPACE, NAME, { ...current, subsets }, ctx());
        }
        return;
      } catch (err) {
        if (!(err instanceof StatusError && (err.reason === 'Conflict' || err.reason === 'AlreadyExists'))) throw err;
      }
    }
  };

  const ensure = async (): Promise<void> => {
    await ensureService();
    await holdLease();
    await reconcileEndpoints();
  };

  const loop = startLoop(RECHECK_MS, ensure, log, 'could not reconcile the kubernetes service');

  return {
    ensure,
    stop: async () => {
      loop.stop();
      // Bounded: a server stopping because its store is gone must not hang on it.
      let giveUp: NodeJS.Timeout | undefined;
      await Promise.race([
        (async () => {
          if (lease !== undefined) await api.store.client.leaseRevoke(lease);
          await reconcileEndpoints();
        })().catch((err: unknown) => log.warn({ err }, 'could not remove this server from the kubernetes endpoints')),
        new Promise<void>((resolve) => {
          giveUp = setTimeout(resolve, STOP_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(giveUp);
    },
  };
}

/** The address to list for a server bound to `host`: itself, or loopback for a wildcard bind. */
export function advertisedIp(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' || host === 'localhost' ? '127.0.0.1' : host;
}
