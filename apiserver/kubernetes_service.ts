import type { Logger } from 'pino';
import { StatusError } from './errors.js';
import type { ApiContext } from './http/context.js';
import type { WriteContext } from './registry/rest.js';
import type { KubeObject } from './registry/types.js';

/**
 * The `kubernetes` Service in `default`, as kube-apiserver's bootstrap controller keeps it: the
 * first address of the service range (10.96.0.1), port 443 (`https`) to the server's secure port,
 * and an Endpoints object listing every API server's address. A plain-HTTP server (no TLS) is
 * listed as port 80 (`http`). Re-checked every 10 s, so a deleted Service or Endpoints comes back.
 *
 * Endpoints are kept additively, one address per server, grouped by port as Endpoints subsets are;
 * a server removes its own address when it stops. (kube-apiserver's lease reconciler also drops
 * servers that died without stopping; ketch does not yet.)
 */

export const KUBERNETES_SERVICE_IP = '10.96.0.1';
const NAME = 'kubernetes';
const NAMESPACE = 'default';
const RECHECK_MS = 10_000;
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
  const ctx = (): WriteContext => ({ dryRun: false, fieldValidation: 'Ignore', fieldManager: 'kube-apiserver', now: new Date(), warnings: [] });
  const decl = (plural: string): NonNullable<ReturnType<typeof api.registry.lookup>> => {
    const d = api.registry.lookup('', 'v1', plural);
    if (d === undefined) throw new Error(`${plural} are not served`);
    return d;
  };
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

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

  /** Applies `change` to the Endpoints' subsets (creating the object when missing), retrying conflicts. */
  const editEndpoints = async (change: (subsets: EndpointSubset[]) => EndpointSubset[] | undefined): Promise<void> => {
    const rest = api.rest(decl('endpoints'));
    for (let attempt = 0; attempt < 8; attempt++) {
      const current = await api.store.get(rest.stored, NAMESPACE, NAME);
      const subsets = change(structuredClone(((current?.['subsets'] as EndpointSubset[] | undefined) ?? [])));
      if (subsets === undefined) return;
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

  const samePorts = (s: EndpointSubset): boolean => s.ports?.length === 1 && s.ports[0]?.port === self.port && (s.ports[0]?.name ?? '') === portName;

  const addSelf = (subsets: EndpointSubset[]): EndpointSubset[] | undefined => {
    const subset = subsets.find(samePorts);
    if (subset?.addresses?.some((a) => a.ip === self.ip) === true) return undefined;
    if (subset === undefined) subsets.push({ addresses: [{ ip: self.ip }], ports: [{ name: portName, port: self.port, protocol: 'TCP' }] });
    else subset.addresses = [...(subset.addresses ?? []), { ip: self.ip }].sort((a, b) => a.ip.localeCompare(b.ip));
    return subsets;
  };

  const removeSelf = (subsets: EndpointSubset[]): EndpointSubset[] | undefined => {
    const subset = subsets.find(samePorts);
    if (subset?.addresses?.some((a) => a.ip === self.ip) !== true) return undefined;
    subset.addresses = subset.addresses.filter((a) => a.ip !== self.ip);
    return subsets.filter((s) => (s.addresses ?? []).length > 0);
  };

  const ensure = async (): Promise<void> => {
    await ensureService();
    await editEndpoints(addSelf);
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void ensure()
        .catch((err: unknown) => log.warn({ err }, 'could not reconcile the kubernetes service'))
        .finally(schedule);
    }, RECHECK_MS);
    timer.unref();
  };
  schedule();

  return {
    ensure,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      // Bounded: a server stopping because its store is gone must not hang on it.
      let giveUp: NodeJS.Timeout | undefined;
      await Promise.race([
        editEndpoints(removeSelf).catch((err: unknown) => log.warn({ err }, 'could not remove this server from the kubernetes endpoints')),
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
