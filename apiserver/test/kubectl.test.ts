import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../kvstore/test/processes.js';
import { startHarness, type ApiHarness } from './harness.js';

/**
 * The real kubectl (v1.32) against a real `ketch apiserver` over a real `ketch store`.
 */

let h: ApiHarness;

beforeAll(async () => {
  h = await startHarness('kubectl');
}, 90_000);

afterAll(async () => {
  await h?.close();
});

const deployment = (image: string, replicas = 2): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
        env:
        - name: MODE
          value: prod
`;

describe('kubectl against ketch', () => {
  it('lists the system namespaces', async () => {
    const out = await h.k(['get', 'ns']);
    expect(out.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+AGE$/);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) expect(out).toMatch(new RegExp(`^${ns}\\s+Active\\s+`, 'm'));
  });

  it('creates a deployment with server defaults and prints its table', async () => {
    await h.k(['create', 'deployment', 'hello', '--image=nginx:1.27']);
    const obj = JSON.parse(await h.k(['get', 'deployment', 'hello', '-o', 'json'])) as { metadata: { uid: string; generation: number; resourceVersion: string; creationTimestamp: string }; spec: { replicas: number; strategy: { type: string }; template: { spec: { restartPolicy: string; containers: Array<{ imagePullPolicy: string }> } } } };
    expect(obj.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(obj.metadata.generation).toBe(1);
    expect(Number(obj.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(obj.spec.replicas).toBe(1);
    expect(obj.spec.strategy.type).toBe('RollingUpdate');
    expect(obj.spec.template.spec.restartPolicy).toBe('Always');
    expect(obj.spec.template.spec.containers[0]?.imagePullPolicy).toBe('IfNotPresent');
    const table = await h.k(['get', 'deployments']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    expect(table).toMatch(/^hello\s+0\/1\s+0\s+0\s+/m);
    const wide = await h.k(['get', 'deploy', 'hello', '-o', 'wide']);
    expect(wide).toMatch(/CONTAINERS\s+IMAGES\s+SELECTOR/);
    expect(wide).toMatch(/nginx:1\.27\s+app=hello/);
  });

  it('applies client-side twice, updating the image and keeping the last-applied annotation', async () => {
    expect(await h.k(['apply', '-f', '-'], { input: deployment('nginx:1.26') })).toMatch(/deployment.apps\/web created/);
    expect(await h.k(['apply', '-f', '-'], { input: deployment('nginx:1.27') })).toMatch(/deployment.apps\/web configured/);
    const obj = JSON.parse(await h.k(['get', 'deploy', 'web', '-o', 'json'])) as { metadata: { generation: number; annotations: Record<string, string> }; spec: { template: { spec: { containers: Array<{ image: string; env: unknown[] }> } } } };
    expect(obj.spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
    expect(obj.spec.template.spec.containers[0]?.env).toEqual([{ name: 'MODE', value: 'prod' }]);
    expect(obj.metadata.generation).toBe(2);
    expect(JSON.parse(obj.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] ?? '{}')).toMatchObject({ kind: 'Deployment' });
    expect(await h.k(['apply', '-f', '-'], { input: deployment('nginx:1.27') })).toMatch(/deployment.apps\/web unchanged/);
  });

  it('scales through the scale subresource', async () => {
    expect(await h.k(['scale', 'deployment', 'web', '--replicas=5'])).toMatch(/deployment.apps\/web scaled/);
    expect(await h.k(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).toBe('5');
  });

  it('patches with json, merge and strategic patches, and labels', async () => {
    await h.k(['create', 'configmap', 'cfg', '--from-literal=a=1']);
    await h.k(['patch', 'configmap', 'cfg', '--type', 'merge', '-p', '{"data":{"b":"2"}}']);
    await h.k(['patch', 'configmap', 'cfg', '--type', 'json', '-p', '[{"op":"replace","path":"/data/a","value":"10"}]']);
    await h.k(['label', 'configmap', 'cfg', 'tier=backend']);
    const cm = JSON.parse(await h.k(['get', 'cm', 'cfg', '-o', 'json'])) as { data: Record<string, string>; metadata: { labels: Record<string, string> } };
    expect(cm.data).toEqual({ a: '10', b: '2' });
    expect(cm.metadata.labels).toEqual({ tier: 'backend' });
    await h.k(['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}']);
    const names = await h.k(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[*].name}']);
    expect(names.split(' ').sort()).toEqual(['nginx', 'sidecar']);
    expect(await h.k(['get', 'cm', '-l', 'tier=backend', '-o', 'name'])).toBe('configmap/cfg\n');
    expect(await h.k(['get', 'cm', '-l', 'tier!=backend', '-o', 'name'])).not.toContain('configmap/cfg');
  });

  it('replaces and deletes', async () => {
    const cm = await h.k(['get', 'cm', 'cfg', '-o', 'yaml']);
    await h.k(['replace', '-f', '-'], { input: cm.replace(/a: "10"/, 'a: "11"') });
    expect(await h.k(['get', 'cm', 'cfg', '-o', 'jsonpath={.data.a}'])).toBe('11');
    expect(await h.k(['delete', 'cm', 'cfg'])).toMatch(/configmap "cfg" deleted/);
    const r = await h.kubectl(['get', 'cm', 'cfg']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Error from server \(NotFound\): configmaps "cfg" not found/);
  });

  it('applies server-side, and reports a conflict with another manager', async () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  k: v1\n';
    expect(await h.k(['apply', '--server-side', '-f', '-'], { input: cm })).toMatch(/configmap\/ssa serverside-applied/);
    const mf = JSON.parse(await h.k(['get', 'cm', 'ssa', '-o', 'json', '--show-managed-fields'])) as { metadata: { managedFields: Array<{ manager: string; operation: string }> } };
    expect(mf.metadata.managedFields).toEqual(expect.arrayContaining([expect.objectContaining({ manager: 'kubectl', operation: 'Apply' })]));
    const r = await h.kubectl(['apply', '--server-side', '--field-manager', 'other', '-f', '-'], { input: cm.replace('k: v1', 'k: v2') });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/conflict/i);
    expect(await h.k(['apply', '--server-side', '--force-conflicts', '--field-manager', 'other', '-f', '-'], { input: cm.replace('k: v1', 'k: v2') })).toMatch(/serverside-applied/);
    expect(await h.k(['get', 'cm', 'ssa', '-o', 'jsonpath={.data.k}'])).toBe('v2');
  });

  it('watches with get -w', async () => {
    const watching = h.kubectl(['get', 'configmaps', '-w', '--request-timeout=0'], { until: /watched-cm\s+1\s+\S+\n/, timeoutMs: 20_000 });
    await waitFor('watch open', async () => (/apiserver_registered_watchers\{resource="configmaps"\} [1-9]/.test(await h.fetch('/metrics').then((r) => r.text())) ? true : undefined), 10_000);
    await h.k(['create', 'configmap', 'watched-cm', '--from-literal=x=y']);
    const r = await watching;
    expect(r.stoppedAtMatch).toBe(true);
    expect(r.stdout).toMatch(/watched-cm\s+1\s+/);
  });

  it('describes a deployment and lists API resources', async () => {
    const d = await h.k(['describe', 'deployment', 'web']);
    expect(d).toMatch(/Name:\s+web/);
    expect(d).toMatch(/Replicas:\s+5 desired/);
    const res = await h.k(['api-resources']);
    for (const line of [/^pods\s+po\s+v1\s+true\s+Pod$/m, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m, /^customresourcedefinitions\s+crd,crds\s+apiextensions.k8s.io\/v1\s+false\s+CustomResourceDefinition$/m]) {
      expect(res).toMatch(line);
    }
  });

  it('serves custom resources once their CRD is created', async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
    additionalPrinterColumns:
    - name: Spec
      type: string
      jsonPath: .spec.cronSpec
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec:
                type: string
              replicas:
                type: integer
          status:
            type: object
            properties:
              phase:
                type: string
`;
    await h.k(['apply', '-f', '-'], { input: crd });
    await h.k(['wait', '--for=condition=Established', 'crd/crontabs.stable.example.com', '--timeout=20s']);
    await h.k(['apply', '-f', '-'], { input: 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: nightly\nspec:\n  cronSpec: "0 3 * * *"\n  replicas: 2\n' });
    const out = await h.k(['get', 'ct']);
    expect(out.split('\n')[0]).toMatch(/^NAME\s+SPEC$/);
    expect(out).toMatch(/^nightly\s+0 3 \* \* \*$/m);
    const bad = await h.kubectl(['apply', '-f', '-'], { input: 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: bad\nspec:\n  replicas: "two"\n' });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/Invalid value|must be of type integer/);
    await h.k(['delete', 'crd', 'crontabs.stable.example.com']);
    await waitFor('crontabs gone', async () => ((await h.kubectl(['get', 'crontabs'])).code !== 0 ? true : undefined), 20_000);
  });

  it('gives the errors a real API server gives', async () => {
    const dup = await h.kubectl(['create', 'deployment', 'hello', '--image=nginx']);
    // kubectl's create generators wrap the server's AlreadyExists message.
    expect(dup.stderr).toMatch(/error: failed to create deployment: deployments.apps "hello" already exists/);
    const nons = await h.kubectl(['create', 'configmap', 'x', '-n', 'nowhere']);
    expect(nons.stderr).toMatch(/error: failed to create configmap: namespaces "nowhere" not found/);
    const unknown = await h.kubectl(['create', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strict\ndatta:\n  a: b\n' });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown field "datta"/);
    const def = await h.kubectl(['delete', 'namespace', 'default']);
    expect(def.stderr).toMatch(/Error from server \(Forbidden\): namespaces "default" is forbidden: this namespace may not be deleted/);
    const badName = await h.kubectl(['create', 'configmap', 'Bad_Name']);
    expect(badName.stderr).toMatch(/Invalid value: "Bad_Name"/);
  });

  it('serves the kubernetes service at 10.96.0.1, with this server as its endpoint', async () => {
    expect(await h.k(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].name} {.spec.ports[0].targetPort}'])).toBe(`10.96.0.1 http ${new URL(h.url).port}`);
    expect(await h.k(['get', 'endpoints', 'kubernetes', '-o', 'jsonpath={.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}'])).toBe(`127.0.0.1:${new URL(h.url).port}`);
    // Another Service may not take its address.
    const taken = await h.kubectl(['create', 'service', 'clusterip', 'squatter', '--clusterip=10.96.0.1', '--tcp=80:80']);
    expect(taken.code).not.toBe(0);
    expect(taken.stderr).toMatch(/10\.96\.0\.1/);
  });

  it('gives every namespace its default service account, made again when deleted', async () => {
    await h.k(['create', 'namespace', 'accounts']);
    const hasDefault = async (): Promise<true | undefined> => ((await h.kubectl(['get', 'sa', 'default', '-n', 'accounts', '-o', 'name'])).stdout === 'serviceaccount/default\n' ? true : undefined);
    await waitFor('default service account', hasDefault, 15_000);
    expect(await h.k(['get', 'sa', 'default', '-n', 'kube-system', '-o', 'name'])).toBe('serviceaccount/default\n');
    await h.k(['delete', 'sa', 'default', '-n', 'accounts']);
    await waitFor('default service account made again', hasDefault, 15_000);
  });

  it('deletes a namespace with its contents', async () => {
    await h.k(['create', 'namespace', 'scratch']);
    await h.k(['create', 'configmap', 'inside', '-n', 'scratch', '--from-literal=a=b']);
    expect(await h.k(['delete', 'namespace', 'scratch', '--timeout=30s'])).toMatch(/namespace "scratch" deleted/);
    const r = await h.kubectl(['get', 'ns', 'scratch']);
    expect(r.stderr).toMatch(/NotFound/);
  });
});
