/**
 * Just enough of an API server for kubectl's create commands: /version, discovery documents for
 * the resources the capture commands use, the CronJob of testdata/rich_cronjob.ts, and any POST
 * recorded and answered 201 with a minimal object of the body's kind. Test support only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseEnvelope, startsWithMagic as hasKubeProtobufMagic } from '../envelope.js';
import { RICH_CRONJOB } from './rich_cronjob.js';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly contentType: string;
  readonly userAgent: string;
  readonly body: Buffer;
}

export interface FakeApiServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

interface Resource {
  readonly name: string;
  readonly singularName: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

const GROUP_VERSIONS: Readonly<Record<string, readonly Resource[]>> = {
  v1: [
    { name: 'configmaps', singularName: 'configmap', kind: 'ConfigMap', namespaced: true },
    { name: 'namespaces', singularName: 'namespace', kind: 'Namespace', namespaced: false },
    { name: 'resourcequotas', singularName: 'resourcequota', kind: 'ResourceQuota', namespaced: true },
    { name: 'pods', singularName: 'pod', kind: 'Pod', namespaced: true },
    { name: 'secrets', singularName: 'secret', kind: 'Secret', namespaced: true },
    { name: 'serviceaccounts', singularName: 'serviceaccount', kind: 'ServiceAccount', namespaced: true },
    { name: 'services', singularName: 'service', kind: 'Service', namespaced: true },
  ],
  'apps/v1': [{ name: 'deployments', singularName: 'deployment', kind: 'Deployment', namespaced: true }],
  'batch/v1': [
    { name: 'jobs', singularName: 'job', kind: 'Job', namespaced: true },
    { name: 'cronjobs', singularName: 'cronjob', kind: 'CronJob', namespaced: true },
  ],
  'policy/v1': [{ name: 'poddisruptionbudgets', singularName: 'poddisruptionbudget', kind: 'PodDisruptionBudget', namespaced: true }],
  'scheduling.k8s.io/v1': [{ name: 'priorityclasses', singularName: 'priorityclass', kind: 'PriorityClass', namespaced: false }],
  'networking.k8s.io/v1': [{ name: 'ingresses', singularName: 'ingress', kind: 'Ingress', namespaced: true }],
  'rbac.authorization.k8s.io/v1': [
    { name: 'roles', singularName: 'role', kind: 'Role', namespaced: true },
    { name: 'rolebindings', singularName: 'rolebinding', kind: 'RoleBinding', namespaced: true },
    { name: 'clusterroles', singularName: 'clusterrole', kind: 'ClusterRole', namespaced: false },
    { name: 'clusterrolebindings', singularName: 'clusterrolebinding', kind: 'ClusterRoleBinding', namespaced: false },
  ],
};

/** GET answers: /version, discovery, and the objects the capture commands read. */
function getDocument(path: string): unknown {
  if (path === '/apis/batch/v1/namespaces/default/cronjobs/rich') return RICH_CRONJOB;
  if (path === '/version') {
    return { major: '1', minor: '32', gitVersion: 'v1.32.5', platform: 'linux/amd64' };
  }
  if (path === '/api') {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  }
  if (path === '/apis') {
    const groups = Object.keys(GROUP_VERSIONS)
      .filter((gv) => gv.includes('/'))
      .map((gv) => {
        const [name, version] = gv.split('/') as [string, string];
        const v = { groupVersion: gv, version };
        return { name, versions: [v], preferredVersion: v };
      });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
  const gv = path === '/api/v1' ? 'v1' : path.startsWith('/apis/') ? path.slice('/apis/'.length) : undefined;
  const resources = gv === undefined ? undefined : GROUP_VERSIONS[gv];
  if (gv === undefined || resources === undefined) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv,
    resources: resources.map((r) => ({ ...r, verbs: VERBS })),
  };
}

/** kind and apiVersion of a protobuf or JSON body, for the echo kubectl prints ("configmap/x created"). */
function typeMetaOf(body: Buffer): { kind: string; apiVersion: string } {
  if (hasKubeProtobufMagic(body)) {
    const { kind, apiVersion } = parseEnvelope(body, []);
    return { kind, apiVersion };
  }
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { kind?: unknown; apiVersion?: unknown };
    return { kind: String(parsed.kind), apiVersion: String(parsed.apiVersion) };
  } catch {
    return { kind: 'Status', apiVersion: 'v1' };
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startFakeApiServer(): Promise<FakeApiServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = req.url ?? '/';
      requests.push({
        method: req.method ?? '',
        url,
        contentType: req.headers['content-type'] ?? '',
        userAgent: req.headers['user-agent'] ?? '',
        body,
      });
      const path = url.split('?')[0] ?? '/';
      if (req.method === 'POST') {
        send(res, 201, { ...typeMetaOf(body), metadata: { name: 'x', namespace: 'default' } });
        return;
      }
      const doc = req.method === 'GET' ? getDocument(path) : undefined;
      if (doc !== undefined) send(res, 200, doc);
      else send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
