import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject, ResourceDecl } from '../../types.js';
import { builtinResources } from '../index.js';
import * as core from '../testdata/core.yaml.js';
import * as more from '../testdata/more.yaml.js';
import * as workloads from '../testdata/workloads.yaml.js';
import { imageTag } from './pod.js';

/** Defaults as `kubectl get -o yaml` shows them after a create. */

const decl = (plural: string): ResourceDecl => builtinResources.find((d) => d.plural === plural)!;

/** What the REST layer does on create before validation: uid, no status for status types, then defaults. */
function create(plural: string, text: string): KubeObject {
  const d = decl(plural);
  const obj = parse(text) as KubeObject;
  obj.metadata = { ...obj.metadata, uid: 'uid-1', creationTimestamp: '2024-05-01T11:00:00Z' };
  if (d.subresources?.status === true) delete obj['status'];
  d.strategy?.defaults?.(obj);
  expect(d.strategy?.validate?.(obj) ?? []).toEqual([]);
  return obj;
}
const at = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[/^\d+$/.test(k) ? Number(k) : k], obj);

describe('pod defaults', () => {
  const pod = create('pods', `
apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers:
  - name: a
    image: nginx
    ports: [{ containerPort: 80 }]
    resources: { limits: { cpu: 500m, memory: 128Mi } }
    livenessProbe: { httpGet: { port: 80 } }
    env: [{ name: N, valueFrom: { fieldRef: { fieldPath: metadata.name } } }]
  - name: b
    image: nginx:1.25
  - name: c
    image: nginx@sha256:abcd
  - name: d
    image: localhost:5000/tools:latest
    readinessProbe: { grpc: { port: 9000 } }
  volumes:
  - name: v
  - name: cm
    configMap: { name: settings }
  - name: host
    hostPath: { path: /var/log }
`);

  it('fills the pod spec as SetDefaults_PodSpec and SetDefaults_Pod do', () => {
    expect(pod['spec']).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      securityContext: {},
      enableServiceLinks: true,
    });
  });

  it('sets imagePullPolicy by tag: Always for :latest or no tag, IfNotPresent otherwise', () => {
    expect([0, 1, 2, 3].map((i) => at(pod, `spec.containers.${i}.imagePullPolicy`))).toEqual(['Always', 'IfNotPresent', 'IfNotPresent', 'Always']);
    expect(imageTag('localhost:5000/tools')).toBe('latest');
    expect(imageTag('nginx:1.2@sha256:ab')).toBe('1.2');
  });

  it('defaults containers, ports, probes and env field refs', () => {
    expect(at(pod, 'spec.containers.0')).toMatchObject({
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      livenessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
      env: [{ name: 'N', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
    });
    expect(at(pod, 'spec.containers.1.resources')).toEqual({});
    expect(at(pod, 'spec.containers.3.readinessProbe.grpc')).toEqual({ port: 9000, service: '' });
  });

  it('copies limits to missing requests and computes the QoS class', () => {
    expect(at(pod, 'spec.containers.0.resources.requests')).toEqual({ cpu: '500m', memory: '128Mi' });
    expect(pod['status']).toEqual({ phase: 'Pending', qosClass: 'Burstable' });
  });

  it('defaults volumes: emptyDir when no source, defaultMode 420, hostPath type ""', () => {
    expect(at(pod, 'spec.volumes')).toEqual([
      { name: 'v', emptyDir: {} },
      { name: 'cm', configMap: { name: 'settings', defaultMode: 420 } },
      { name: 'host', hostPath: { path: '/var/log', type: '' } },
    ]);
  });

  it('keeps serviceAccount and serviceAccountName in step; host network ports get a hostPort', () => {
    const p = create('pods', 'metadata: {name: p}\nspec:\n  serviceAccountName: robot\n  hostNetwork: true\n  containers: [{name: a, image: x, ports: [{containerPort: 8080}]}]');
    expect(at(p, 'spec.serviceAccount')).toBe('robot');
    expect(at(p, 'spec.containers.0.ports.0')).toEqual({ containerPort: 8080, hostPort: 8080, protocol: 'TCP' });
  });

  it('leaves the status of an existing pod alone', () => {
    const p = parse(workloads.runningPod) as KubeObject;
    decl('pods').strategy?.defaults?.(p);
    expect(at(p, 'status.phase')).toBe('Running');
    expect(at(p, 'status.qosClass')).toBe('BestEffort');
  });
});

describe('workload defaults', () => {
  it('deployment: replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600, template defaults', () => {
    const d = create('deployments', workloads.nginxDeployment.replace('replicas: 3', ''));
    expect(d['spec']).toMatchObject({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    expect(at(d, 'spec.template.spec')).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler' });
    expect(at(d, 'spec.template.spec.containers.0.imagePullPolicy')).toBe('IfNotPresent');
    // Pod-only defaults do not apply to templates.
    expect(at(d, 'spec.template.spec.enableServiceLinks')).toBeUndefined();
  });

  it('deployment: Recreate gets no rollingUpdate', () => {
    const d = create('deployments', workloads.nginxDeployment.replace('replicas: 3', 'strategy: {type: Recreate}'));
    expect(at(d, 'spec.strategy')).toEqual({ type: 'Recreate' });
  });

  it('replicaset: replicas 1', () => {
    const rs = create('replicasets', workloads.nginxDeployment.replace('replicas: 3', '').replace('Deployment', 'ReplicaSet'));
    expect(at(rs, 'spec.replicas')).toBe(1);
  });

  it('daemonset: RollingUpdate maxUnavailable 1, maxSurge 0, revisionHistoryLimit 10', () => {
    const ds = create('daemonsets', workloads.fluentdDaemonSet.replace(/ {2}updateStrategy:\n.*\n.*\n/, ''));
    expect(ds['spec']).toMatchObject({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 });
  });

  it('statefulset: OrderedReady, RollingUpdate partition 0, Retain/Retain, PVC templates Filesystem and Pending', () => {
    const sts = create('statefulsets', 'metadata: {name: s}\nspec:\n  selector: {matchLabels: {a: b}}\n  template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: x}]}}\n  volumeClaimTemplates: [{metadata: {name: www}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}]');
    expect(sts['spec']).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      revisionHistoryLimit: 10,
    });
    expect(at(sts, 'spec.volumeClaimTemplates.0')).toMatchObject({ spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
  });

  it('job: completions and parallelism 1, backoffLimit 6, generated selector and labels', () => {
    const job = create('jobs', workloads.piJob.replace('backoffLimit: 4', ''));
    expect(job['spec']).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'Failed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } },
    });
    const labels = { 'batch.kubernetes.io/controller-uid': 'uid-1', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'uid-1', 'job-name': 'pi' };
    expect(at(job, 'spec.template.metadata.labels')).toEqual(labels);
    expect(job.metadata?.labels).toEqual(labels);
    expect(at(job, 'spec.podFailurePolicy.rules.1.onPodConditions.0')).toEqual({ type: 'DisruptionTarget', status: 'True' });
  });
});

describe('other defaults', () => {
  it('service: ClusterIP, None affinity, TCP, targetPort = port, single-stack IPv4, internalTrafficPolicy Cluster', () => {
    const svc = create('services', 'metadata: {name: s}\nspec:\n  selector: {app: a}\n  ports: [{port: 80}]');
    expect(svc['spec']).toEqual({
      selector: { app: 'a' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
    const lb = create('services', 'metadata: {name: s}\nspec: {type: LoadBalancer, clusterIP: 10.0.0.5, ports: [{port: 443, targetPort: https, name: https}]}');
    expect(lb['spec']).toMatchObject({ externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true, clusterIPs: ['10.0.0.5'] });
    const headless = create('services', 'metadata: {name: s}\nspec: {clusterIP: None}');
    expect(headless['spec']).toMatchObject({ clusterIPs: ['None'], ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4'] });
  });

  it('namespace: kubernetes finalizer and phase Active on create only', () => {
    const ns = create('namespaces', 'metadata: {name: team-a}');
    expect(ns['spec']).toEqual({ finalizers: ['kubernetes'] });
    expect(ns['status']).toEqual({ phase: 'Active' });
    const updated = { ...ns, spec: { finalizers: [] } };
    decl('namespaces').strategy?.defaults?.(updated);
    expect(updated['spec']).toEqual({ finalizers: [] });
  });

  it('secret: type Opaque, stringData merged into data', () => {
    const secret = create('secrets', 'metadata: {name: s}\ndata: {a: YQ==}\nstringData: {b: héllo}');
    expect(secret).toMatchObject({ type: 'Opaque', data: { a: 'YQ==', b: Buffer.from('héllo').toString('base64') } });
    expect(secret['stringData']).toBeUndefined();
  });

  it('node: allocatable from capacity', () => {
    const node = parse('metadata: {name: n}\nstatus: {capacity: {cpu: "4"}}') as KubeObject;
    decl('nodes').strategy?.defaults?.(node);
    expect(at(node, 'status.allocatable')).toEqual({ cpu: '4' });
  });

  it('endpoints: port protocol TCP', () => {
    const ep = create('endpoints', 'metadata: {name: e}\nsubsets: [{addresses: [{ip: 10.0.0.1}], ports: [{port: 80}]}]');
    expect(at(ep, 'subsets.0.ports.0.protocol')).toBe('TCP');
  });

  it('rbac: roleRef and User/Group subjects get the rbac API group', () => {
    const rb = create('rolebindings', 'metadata: {name: r}\nroleRef: {kind: Role, name: x}\nsubjects: [{kind: User, name: jane}, {kind: ServiceAccount, name: default, namespace: ns}]');
    expect(rb['roleRef']).toEqual({ kind: 'Role', name: 'x', apiGroup: 'rbac.authorization.k8s.io' });
    expect(rb['subjects']).toEqual([
      { kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'default', namespace: 'ns' },
    ]);
  });

  it('crd: singular, listKind, conversion None and the stored version', () => {
    const crd = create('customresourcedefinitions', core.cronTabCRD.replace(/ {2}conversion:[\s\S]*$/, '').replace('    singular: crontab\n', ''));
    expect(at(crd, 'spec.names')).toMatchObject({ singular: 'crontab', listKind: 'CronTabList' });
    expect(at(crd, 'spec.conversion')).toEqual({ strategy: 'None' });
    expect(crd['status']).toEqual({ storedVersions: ['v1'] });
    const withWebhook = create('customresourcedefinitions', core.cronTabCRD);
    expect(at(withWebhook, 'spec.conversion.webhook.clientConfig.service.port')).toBe(443);
  });
});

describe('defaults of the networking, storage, policy and scheduling types', () => {
  it('cronjob: Allow, not suspended, history limits 3 and 1, pod template defaults but no job defaults', () => {
    const cj = create('cronjobs', more.helloCronJob);
    expect(cj['spec']).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(at(cj, 'spec.jobTemplate.spec.template.spec')).toMatchObject({ dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30 });
    expect(at(cj, 'spec.jobTemplate.spec.template.spec.containers.0.imagePullPolicy')).toBe('IfNotPresent');
    expect(at(cj, 'spec.jobTemplate.spec.backoffLimit')).toBeUndefined();
    const kept = create('cronjobs', more.helloCronJob.replace('startingDeadlineSeconds: 200', 'concurrencyPolicy: Forbid\n  suspend: true\n  successfulJobsHistoryLimit: 0'));
    expect(kept['spec']).toMatchObject({ concurrencyPolicy: 'Forbid', suspend: true, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 1 });
  });

  it('persistentvolumeclaim: Filesystem and Pending', () => {
    const pvc = create('persistentvolumeclaims', more.claim);
    expect(at(pvc, 'spec.volumeMode')).toBe('Filesystem');
    expect(pvc['status']).toEqual({ phase: 'Pending' });
  });

  it('persistentvolume: Retain, Filesystem, hostPath type "", Pending since its creation', () => {
    const pv = create('persistentvolumes', more.hostPathVolume.replace('  persistentVolumeReclaimPolicy: Recycle\n', ''));
    expect(pv['spec']).toMatchObject({ persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem', hostPath: { path: '/data/pv0001', type: '' } });
    expect(pv['status']).toEqual({ phase: 'Pending', lastPhaseTransitionTime: '2024-05-01T11:00:00Z' });
  });

  it('storageclass: Delete and Immediate', () => {
    const sc = create('storageclasses', 'metadata: {name: fast}\nprovisioner: example.com/fast');
    expect(sc).toMatchObject({ reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
  });

  it('limitrange: a container default limit from max, default request from the default limit or min', () => {
    const lr = create('limitranges', more.memLimitRange);
    expect(at(lr, 'spec.limits.0')).toEqual({ type: 'Container', max: { memory: '1Gi' }, min: { memory: '100Mi' }, default: { memory: '1Gi' }, defaultRequest: { memory: '1Gi' } });
    expect(at(lr, 'spec.limits.1')).toEqual({ type: 'PersistentVolumeClaim', max: { storage: '2Gi' } });
    const minOnly = create('limitranges', 'metadata: {name: l}\nspec: {limits: [{type: Container, min: {cpu: 100m}}]}');
    expect(at(minOnly, 'spec.limits.0')).toEqual({ type: 'Container', min: { cpu: '100m' }, defaultRequest: { cpu: '100m' } });
  });

  it('networkpolicy: TCP ports, policy types from the rules present', () => {
    const np = create('networkpolicies', 'metadata: {name: n}\nspec: {ingress: [{ports: [{port: 80}]}]}');
    expect(np['spec']).toEqual({ podSelector: {}, ingress: [{ ports: [{ port: 80, protocol: 'TCP' }] }], policyTypes: ['Ingress'] });
    const egress = create('networkpolicies', 'metadata: {name: n}\nspec: {podSelector: {}, egress: [{}]}');
    expect(at(egress, 'spec.policyTypes')).toEqual(['Ingress', 'Egress']);
  });

  it('ingressclass: parameters are cluster-scoped by default', () => {
    expect(at(create('ingressclasses', more.nginxIngressClass), 'spec.parameters.scope')).toBe('Cluster');
  });

  it('ingress, poddisruptionbudget and horizontalpodautoscaler: the zero status a create leaves', () => {
    expect(create('ingresses', more.webIngress)['status']).toEqual({ loadBalancer: {} });
    expect(create('poddisruptionbudgets', more.zkBudget)['status']).toEqual({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
    expect(create('horizontalpodautoscalers', more.phpAutoscaler)['status']).toEqual({ desiredReplicas: 0 });
    const stored = { ...create('poddisruptionbudgets', more.zkBudget), status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 } };
    decl('poddisruptionbudgets').strategy?.defaults?.(stored);
    expect(stored['status']).toMatchObject({ disruptionsAllowed: 1 });
  });

  it('priorityclass: PreemptLowerPriority', () => {
    expect(create('priorityclasses', more.highPriorityClass)['preemptionPolicy']).toBe('PreemptLowerPriority');
  });

  it('horizontalpodautoscaler: minReplicas 1, 80% CPU without metrics, behavior rules filled in', () => {
    const hpa = create('horizontalpodautoscalers', 'metadata: {name: h}\nspec: {scaleTargetRef: {kind: Deployment, name: d}, maxReplicas: 3}');
    expect(hpa['spec']).toMatchObject({
      minReplicas: 1,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
    expect(at(hpa, 'spec.behavior')).toBeUndefined();
    const tuned = create('horizontalpodautoscalers', 'metadata: {name: h}\nspec: {scaleTargetRef: {kind: Deployment, name: d}, maxReplicas: 3, behavior: {scaleDown: {selectPolicy: Min}}}');
    expect(at(tuned, 'spec.behavior')).toEqual({
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleDown: { selectPolicy: 'Min', stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    });
  });
});
