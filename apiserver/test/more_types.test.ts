import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allMoreTypes, phpAutoscaler } from '../registry/builtin/testdata/more.yaml.js';
import { startHarness, type ApiHarness } from './harness.js';

/**
 * The real kubectl (v1.32) against a real `ketch apiserver` for the types beyond workloads:
 * CronJobs, Ingresses, IngressClasses, NetworkPolicies, PersistentVolume(Claim)s, ResourceQuotas,
 * LimitRanges, PodDisruptionBudgets, HorizontalPodAutoscalers, PriorityClasses and StorageClasses.
 */

let h: ApiHarness;

beforeAll(async () => {
  h = await startHarness('more-types');
}, 90_000);

afterAll(async () => {
  await h?.close();
});

/** One manifest of each kind, applied server-side in one go. */
const MANIFESTS = allMoreTypes.map((m) => m.trimStart()).join('---\n');

/** The header of `kubectl get` as one line of single-spaced column names. */
const header = (out: string): string => (out.split('\n')[0] ?? '').trim().split(/\s{2,}/).join(' ');
const rowOf = (out: string, name: string): string[] | undefined =>
  out
    .split('\n')
    .find((line) => line.startsWith(`${name} `))
    ?.trim()
    .split(/\s{2,}/);

describe('kubectl create for the new types', () => {
  it('creates a cronjob and shows it with upstream columns and defaults', async () => {
    expect(await h.k(['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/1 * * * *', '--', 'echo', 'hi'])).toMatch(/cronjob.batch\/cj created/);
    const cj = JSON.parse(await h.k(['get', 'cj', 'cj', '-o', 'json'])) as { metadata: { generation: number }; spec: Record<string, unknown> & { jobTemplate: { spec: { template: { spec: { restartPolicy: string; dnsPolicy: string } } } } } };
    expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(cj.spec.jobTemplate.spec.template.spec).toMatchObject({ restartPolicy: 'OnFailure', dnsPolicy: 'ClusterFirst' });
    expect(cj.metadata.generation).toBe(1);
    const out = await h.k(['get', 'cronjobs']);
    expect(header(out)).toBe('NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE');
    expect(rowOf(out, 'cj')?.slice(0, 6)).toEqual(['cj', '*/1 * * * *', '<none>', 'False', '0', '<none>']);
  });

  it('creates an ingress', async () => {
    expect(await h.k(['create', 'ingress', 'ing', '--rule=foo.com/bar=svc1:8080'])).toMatch(/ingress.networking.k8s.io\/ing created/);
    const out = await h.k(['get', 'ing', 'ing']);
    expect(header(out)).toBe('NAME CLASS HOSTS ADDRESS PORTS AGE');
    expect(rowOf(out, 'ing')?.slice(0, 4)).toEqual(['ing', '<none>', 'foo.com', '80']);
    const path = await h.k(['get', 'ing', 'ing', '-o', 'jsonpath={.spec.rules[0].http.paths[0].pathType} {.spec.rules[0].http.paths[0].backend.service.port.number}']);
    expect(path).toBe('Exact 8080');
  });

  it('creates a quota', async () => {
    expect(await h.k(['create', 'quota', 'q1', '--hard=pods=2'])).toMatch(/resourcequota\/q1 created/);
    expect(await h.k(['get', 'quota', 'q1', '-o', 'jsonpath={.spec.hard.pods}'])).toBe('2');
    expect(header(await h.k(['get', 'quota', 'q1']))).toBe('NAME AGE REQUEST LIMIT');
  });

  it('creates a priority class with the default preemption policy', async () => {
    expect(await h.k(['create', 'priorityclass', 'pc', '--value=1000'])).toMatch(/priorityclass.scheduling.k8s.io\/pc created/);
    const out = await h.k(['get', 'pc', 'pc']);
    expect(header(out)).toBe('NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY');
    const row = rowOf(out, 'pc');
    expect([row?.[1], row?.[2], row?.[4]]).toEqual(['1000', 'false', 'PreemptLowerPriority']);
  });

  it('creates a pod disruption budget', async () => {
    expect(await h.k(['create', 'poddisruptionbudget', 'pdb', '--selector=app=x', '--min-available=1'])).toMatch(/poddisruptionbudget.policy\/pdb created/);
    const out = await h.k(['get', 'pdb', 'pdb']);
    expect(header(out)).toBe('NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE');
    expect(rowOf(out, 'pdb')?.slice(0, 4)).toEqual(['pdb', '1', 'N/A', '0']);
  });
});

describe('server-side apply of every new kind', () => {
  it('applies one manifest of each kind', async () => {
    const out = await h.k(['apply', '--server-side', '-f', '-'], { input: MANIFESTS });
    for (const applied of [
      'cronjob.batch/nightly',
      'ingressclass.networking.k8s.io/nginx',
      'ingress.networking.k8s.io/web',
      'networkpolicy.networking.k8s.io/db',
      'persistentvolume/pv0001',
      'persistentvolumeclaim/claim1',
      'resourcequota/compute',
      'limitrange/mem',
      'poddisruptionbudget.policy/zk',
      'horizontalpodautoscaler.autoscaling/php',
      'priorityclass.scheduling.k8s.io/high-priority',
      'storageclass.storage.k8s.io/standard',
    ]) {
      expect(out).toContain(`${applied} serverside-applied`);
    }
    // A second apply of the same manifests changes nothing and conflicts with nothing.
    expect(await h.k(['apply', '--server-side', '-f', '-'], { input: MANIFESTS })).toContain('cronjob.batch/nightly serverside-applied');
  });

  it('prints the tables kubectl shows for them', async () => {
    const expectations: Array<[args: string[], head: string, name: string, cells: string[]]> = [
      [['get', 'cj', 'nightly'], 'NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE', 'nightly', ['nightly', '0 3 * * *', 'Europe/Paris', 'False', '0', '<none>']],
      [['get', 'ingressclasses'], 'NAME CONTROLLER PARAMETERS AGE', 'nginx', ['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/external-lb']],
      [['get', 'ing', 'web'], 'NAME CLASS HOSTS ADDRESS PORTS AGE', 'web', ['web', 'nginx', 'a.example.com,*.b.example.com', '80, 443']],
      [['get', 'networkpolicies'], 'NAME POD-SELECTOR AGE', 'db', ['db', 'role=db']],
      [['get', 'pv'], 'NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE', 'pv0001', ['pv0001', '5Gi', 'RWO,ROX', 'Recycle', 'Pending', 'slow', '<unset>']],
      [['get', 'pvc'], 'NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE', 'claim1', ['claim1', 'Pending', 'slow', '<unset>']],
      [['get', 'quota', 'compute'], 'NAME AGE REQUEST LIMIT', 'compute', ['compute']],
      [['get', 'limitranges'], 'NAME CREATED AT', 'mem', ['mem']],
      [['get', 'pdb', 'zk'], 'NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE', 'zk', ['zk', 'N/A', '1', '0']],
      [['get', 'hpa'], 'NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE', 'php', ['php', 'Deployment/php-apache', 'cpu: <unknown>/50%, <unknown>/1k', '1', '10', '0']],
      [['get', 'pc', 'high-priority'], 'NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY', 'high-priority', ['high-priority', '1000000', 'false']],
      [['get', 'storageclasses'], 'NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE', 'standard (default)', ['standard (default)', 'kubernetes.io/no-provisioner', 'Delete', 'WaitForFirstConsumer', 'false']],
    ];
    for (const [args, head, name, cells] of expectations) {
      const out = await h.k(args);
      expect(header(out), args.join(' ')).toBe(head);
      expect(rowOf(out, name)?.slice(0, cells.length), args.join(' ')).toEqual(cells);
    }
    expect(await h.k(['get', 'pv', '-o', 'wide'])).toMatch(/VOLUMEMODE\n[^\n]*Filesystem/);
  });

  it('stores the upstream defaults', async () => {
    const pv = JSON.parse(await h.k(['get', 'pv', 'pv0001', '-o', 'json'])) as { spec: Record<string, unknown>; status: Record<string, unknown> };
    expect(pv.spec).toMatchObject({ volumeMode: 'Filesystem', hostPath: { path: '/data/pv0001', type: '' } });
    expect(pv.status['phase']).toBe('Pending');
    const limits = await h.k(['get', 'limits', 'mem', '-o', 'jsonpath={.spec.limits[0].default.memory} {.spec.limits[0].defaultRequest.memory}']);
    expect(limits).toBe('1Gi 1Gi');
    expect(await h.k(['get', 'netpol', 'db', '-o', 'jsonpath={.spec.ingress[0].ports[0].protocol}'])).toBe('TCP');
    expect(await h.k(['get', 'ingressclass', 'nginx', '-o', 'jsonpath={.spec.parameters.scope}'])).toBe('Cluster');
  });

  it('takes over a field with a forced apply from another manager, as for the built-in workloads', async () => {
    const conflict = await h.kubectl(['apply', '--server-side', '--field-manager', 'other', '-f', '-'], { input: phpAutoscaler.replace('maxReplicas: 10', 'maxReplicas: 12') });
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toMatch(/conflict/i);
    expect(conflict.stderr).toContain('.spec.maxReplicas');
    await h.k(['apply', '--server-side', '--force-conflicts', '--field-manager', 'other', '-f', '-'], { input: phpAutoscaler.replace('maxReplicas: 10', 'maxReplicas: 12') });
    expect(await h.k(['get', 'hpa', 'php', '-o', 'jsonpath={.spec.maxReplicas}'])).toBe('12');
  });
});

describe('client-side apply of every new kind', () => {
  it('creates them, then patches them through the last-applied annotation', async () => {
    await h.k(['create', 'namespace', 'csa']);
    // Cluster-scoped kinds get other names, so the server-side applied ones stay as they are.
    const manifests = MANIFESTS.replace('name: nginx}', 'name: nginx-csa}').replace('name: pv0001}', 'name: pv-csa}')
      .replace('name: high-priority}', 'name: csa-priority}').replace('name: standard\n', 'name: csa-standard\n');
    const created = await h.k(['apply', '-n', 'csa', '-f', '-'], { input: manifests });
    expect(created.match(/ created$/gm)).toHaveLength(allMoreTypes.length);
    const changed = manifests
      .replace('schedule: "0 3 * * *"', 'schedule: "0 4 * * *"')
      .replace('maxUnavailable: 1', 'maxUnavailable: 2')
      .replace('maxReplicas: 10', 'maxReplicas: 11')
      .replace('port: 6379', 'port: 6380')
      .replace('requests.cpu: "1"', 'requests.cpu: "2"');
    const configured = await h.k(['apply', '-n', 'csa', '-f', '-'], { input: changed });
    for (const kind of ['cronjob.batch/nightly', 'poddisruptionbudget.policy/zk', 'horizontalpodautoscaler.autoscaling/php', 'networkpolicy.networking.k8s.io/db', 'resourcequota/compute']) {
      expect(configured).toContain(`${kind} configured`);
    }
    expect(configured).toContain('ingress.networking.k8s.io/web unchanged');
    expect(await h.k(['get', 'cj', 'nightly', '-n', 'csa', '-o', 'jsonpath={.spec.schedule} {.metadata.generation}'])).toBe('0 4 * * * 2');
    expect(await h.k(['get', 'netpol', 'db', '-n', 'csa', '-o', 'jsonpath={.spec.ingress[0].ports[*].port}'])).toBe('6380');
  });
});

describe('discovery and validation', () => {
  it('lists them in api-resources with their short names', async () => {
    const res = await h.k(['api-resources']);
    for (const line of [
      /^cronjobs\s+cj\s+batch\/v1\s+true\s+CronJob$/m,
      /^ingresses\s+ing\s+networking.k8s.io\/v1\s+true\s+Ingress$/m,
      /^ingressclasses\s+networking.k8s.io\/v1\s+false\s+IngressClass$/m,
      /^networkpolicies\s+netpol\s+networking.k8s.io\/v1\s+true\s+NetworkPolicy$/m,
      /^persistentvolumeclaims\s+pvc\s+v1\s+true\s+PersistentVolumeClaim$/m,
      /^persistentvolumes\s+pv\s+v1\s+false\s+PersistentVolume$/m,
      /^resourcequotas\s+quota\s+v1\s+true\s+ResourceQuota$/m,
      /^limitranges\s+limits\s+v1\s+true\s+LimitRange$/m,
      /^poddisruptionbudgets\s+pdb\s+policy\/v1\s+true\s+PodDisruptionBudget$/m,
      /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m,
      /^priorityclasses\s+pc\s+scheduling.k8s.io\/v1\s+false\s+PriorityClass$/m,
      /^storageclasses\s+sc\s+storage.k8s.io\/v1\s+false\s+StorageClass$/m,
    ]) {
      expect(res).toMatch(line);
    }
    expect(await h.k(['get', 'all', '-o', 'name'])).toMatch(/cronjob.batch\/nightly/);
  });

  it('rejects bad objects with 422 and the field that is wrong', async () => {
    const post = async (path: string, body: unknown): Promise<{ code: number; causes: Array<{ reason: string; field: string }> }> => {
      const r = await h.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const status = (await r.json()) as { code: number; details?: { causes?: Array<{ reason: string; field: string }> } };
      expect(r.status).toBe(status.code);
      return { code: status.code, causes: status.details?.causes ?? [] };
    };
    const template = { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'a', image: 'busybox' }] } };
    const cronjob = await post('/apis/batch/v1/namespaces/default/cronjobs', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'bad' },
      spec: { schedule: '61 * * * *', jobTemplate: { spec: { template } } },
    });
    expect(cronjob.code).toBe(422);
    expect(cronjob.causes).toEqual([expect.objectContaining({ reason: 'FieldValueInvalid', field: 'spec.schedule' })]);
    const pdb = await post('/apis/policy/v1/namespaces/default/poddisruptionbudgets', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'bad' },
      spec: { minAvailable: '150%' },
    });
    expect(pdb.code).toBe(422);
    expect(pdb.causes).toEqual([expect.objectContaining({ reason: 'FieldValueInvalid', field: 'spec.minAvailable' })]);
    const pvc = await post('/api/v1/namespaces/default/persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'bad' }, spec: {} });
    expect(pvc.code).toBe(422);
    expect(pvc.causes.map((c) => `${c.reason} ${c.field}`)).toEqual(['FieldValueRequired spec.accessModes', 'FieldValueRequired spec.resources[storage]']);
    const bad = await h.kubectl(['create', 'priorityclass', 'too-high', '--value=2000000000']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/value: Forbidden: maximum allowed value of a user defined priority is 1000000000/);
  });

  it('refuses unknown fields under fieldValidation=Strict', async () => {
    const r = await h.fetch('/apis/storage.k8s.io/v1/storageclasses?fieldValidation=Strict', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'strict' }, provisioner: 'example.com/x', reclaimPolicyy: 'Retain' }),
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { message: string }).message).toContain('unknown field "reclaimPolicyy"');
  });
});
