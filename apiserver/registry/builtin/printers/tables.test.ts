import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '../../types.js';
import * as core from '../testdata/core.yaml.js';
import * as more from '../testdata/more.yaml.js';
import * as workloads from '../testdata/workloads.yaml.js';
import { eventRow, endpointsRow, nodeRow, roleBindingRow, serviceRow, configMapRow, secretRow, leaseRow } from './core.js';
import { formatLabelSelector, labelSelectorString, tableColumns } from './format.js';
import { ingressClassRow, ingressRow, networkPolicyRow } from './networking.js';
import { horizontalPodAutoscalerRow, podDisruptionBudgetRow, priorityClassRow, resourceQuotaRow } from './policy.js';
import { persistentVolumeClaimRow, persistentVolumeRow, storageClassRow } from './storage.js';
import { cronJobRow, daemonSetRow, deploymentRow, jobRow, replicaSetRow, statefulSetRow } from './workloads.js';

const now = Date.parse('2024-05-01T12:00:00Z');
const load = (text: string, extra: Record<string, unknown> = {}): KubeObject => {
  const obj = parse(text) as KubeObject;
  obj.metadata = { ...obj.metadata, creationTimestamp: '2024-05-01T11:00:00Z' };
  return { ...obj, ...extra };
};

describe('workload tables', () => {
  it('deployment: READY ready/desired, UP-TO-DATE, AVAILABLE; wide containers, images, selector', () => {
    const d = load(workloads.nginxDeployment, { status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } });
    expect(deploymentRow(d, now)).toEqual(['nginx-deployment', '2/3', 3, 2, '60m', 'nginx', 'nginx:1.14.2', 'app=nginx']);
  });

  it('replicaset, statefulset and daemonset counts default to 0', () => {
    const rs = load(workloads.nginxDeployment.replace('kind: Deployment', 'kind: ReplicaSet'));
    expect(replicaSetRow(rs, now)).toEqual(['nginx-deployment', 3, 0, 0, '60m', 'nginx', 'nginx:1.14.2', 'app=nginx']);
    expect(statefulSetRow(load(workloads.webStatefulSet, { status: { readyReplicas: 1 } }), now)).toEqual([
      'web',
      '1/3',
      '60m',
      'nginx',
      'registry.k8s.io/nginx-slim:0.24',
    ]);
    const ds = load(workloads.fluentdDaemonSet, { status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 } });
    expect(daemonSetRow(ds, now).slice(0, 8)).toEqual(['fluentd-elasticsearch', 3, 3, 2, 3, 2, '<none>', '60m']);
  });

  it('job: STATUS, COMPLETIONS and DURATION', () => {
    const running = load(workloads.piJob, { status: { startTime: '2024-05-01T11:58:00Z', active: 1 } });
    expect(jobRow(running, now).slice(0, 5)).toEqual(['pi', 'Running', '0/1', '2m', '60m']);
    const done = load(workloads.piJob, {
      spec: { completions: 3, parallelism: 2 },
      status: { succeeded: 3, startTime: '2024-05-01T11:00:00Z', completionTime: '2024-05-01T11:00:42Z', conditions: [{ type: 'Complete', status: 'True' }] },
    });
    expect(jobRow(done, now).slice(1, 4)).toEqual(['Complete', '3/3', '42s']);
    const parallel = load(workloads.piJob, { spec: { parallelism: 4 }, status: { conditions: [{ type: 'Failed', status: 'True' }] } });
    expect(jobRow(parallel, now).slice(1, 4)).toEqual(['Failed', '0/1 of 4', '']);
  });
});

describe('cronjob table', () => {
  it('SCHEDULE, TIMEZONE, SUSPEND as printBoolPtr, ACTIVE, LAST SCHEDULE; wide containers, images, selector', () => {
    const cj = load(more.helloCronJob, { status: { active: [{ name: 'nightly-1' }], lastScheduleTime: '2024-05-01T11:57:00Z' } });
    expect(cronJobRow(cj, now)).toEqual(['nightly', '0 3 * * *', 'Europe/Paris', '<unset>', 1, '3m', '60m', 'backup', 'busybox:1.36', '<none>']);
    const plain = load(more.helloCronJob.replace('  timeZone: Europe/Paris\n', '').replace('  schedule:', '  suspend: false\n  schedule:'));
    expect(cronJobRow(plain, now).slice(2, 6)).toEqual(['<none>', 'False', 0, '<none>']);
  });
});

describe('networking tables', () => {
  it('ingress: CLASS, HOSTS, ADDRESS, PORTS', () => {
    const ing = load(more.webIngress, { status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }, { hostname: 'lb.example.com' }] } } });
    expect(ingressRow(ing, now)).toEqual(['web', 'nginx', 'a.example.com,*.b.example.com', '203.0.113.7,lb.example.com', '80, 443', '60m']);
    const many = load('metadata: {name: m}\nspec: {rules: [{host: a}, {host: b}, {}, {host: d}, {host: e}]}');
    expect(ingressRow(many, now).slice(1, 5)).toEqual(['<none>', 'a,b,d + 2 more...', '', '80']);
    expect(ingressRow(load('metadata: {name: d}\nspec: {defaultBackend: {service: {name: s, port: {number: 80}}}}'), now)[2]).toBe('*');
  });

  it('ingressclass: CONTROLLER and PARAMETERS as Kind.group/name', () => {
    expect(ingressClassRow(load(more.nginxIngressClass), now)).toEqual(['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/external-lb', '60m']);
    expect(ingressClassRow(load('metadata: {name: c}\nspec: {controller: x/y}'), now)[2]).toBe('<none>');
  });

  it('networkpolicy: POD-SELECTOR', () => {
    expect(networkPolicyRow(load(more.dbNetworkPolicy), now)).toEqual(['db', 'role=db', '60m']);
    expect(networkPolicyRow(load('metadata: {name: all}\nspec: {podSelector: {}}'), now)[1]).toBe('<none>');
  });
});

describe('storage tables', () => {
  it('persistentvolume: CAPACITY, ACCESS MODES in upstream order, CLAIM ns/name, Terminating, wide VOLUMEMODE', () => {
    const pv = load(more.hostPathVolume, { status: { phase: 'Bound' } });
    (pv['spec'] as Record<string, unknown>)['claimRef'] = { namespace: 'default', name: 'claim1' };
    expect(persistentVolumeRow(pv, now)).toEqual(['pv0001', '5Gi', 'RWO,ROX', 'Recycle', 'Bound', 'default/claim1', 'slow', '<unset>', '', '60m', '<unset>']);
    const going = load('metadata: {name: p, deletionTimestamp: "2024-05-01T11:59:00Z", annotations: {volume.beta.kubernetes.io/storage-class: beta}}\nspec: {accessModes: [ReadWriteOncePod, ReadWriteMany], volumeMode: Block}');
    expect(persistentVolumeRow(going, now).slice(1, 7)).toEqual(['0', 'RWX,RWOP', '', 'Terminating', '', 'beta']);
  });

  it('persistentvolumeclaim: capacity and access modes only once bound', () => {
    const pending = load(more.claim, { status: { phase: 'Pending' } });
    expect(persistentVolumeClaimRow(pending, now)).toEqual(['claim1', 'Pending', '', '', '', 'slow', '<unset>', '60m', '<unset>']);
    const bound = load(more.claim, { status: { phase: 'Bound', capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'] } });
    (bound['spec'] as Record<string, unknown>)['volumeName'] = 'pv0001';
    expect(persistentVolumeClaimRow(bound, now).slice(1, 5)).toEqual(['Bound', 'pv0001', '5Gi', 'RWO']);
  });

  it('storageclass: (default) after the name, Delete and Immediate when unset', () => {
    expect(storageClassRow(load(more.standardStorageClass), now)).toEqual(['standard (default)', 'kubernetes.io/no-provisioner', 'Delete', 'WaitForFirstConsumer', false, '60m']);
    expect(storageClassRow(load('metadata: {name: fast}\nprovisioner: x\nallowVolumeExpansion: true'), now).slice(0, 5)).toEqual(['fast', 'x', 'Delete', 'Immediate', true]);
  });
});

describe('policy tables', () => {
  it('resourcequota: AGE, then used/hard per resource, limits.* in LIMIT', () => {
    const quota = load(more.computeQuota, { status: { hard: { 'requests.cpu': '1', pods: '10', 'limits.memory': '2Gi' }, used: { 'requests.cpu': '500m', 'limits.memory': '0' } } });
    expect(resourceQuotaRow(quota, now)).toEqual(['compute', '60m', 'pods: 0/10, requests.cpu: 500m/1', 'limits.memory: 0/2Gi']);
    expect(resourceQuotaRow(load(more.computeQuota), now)).toEqual(['compute', '60m', '', '']);
  });

  it('poddisruptionbudget: MIN AVAILABLE and MAX UNAVAILABLE as IntOrString, N/A when unset', () => {
    expect(podDisruptionBudgetRow(load(more.zkBudget, { status: { disruptionsAllowed: 1 } }), now)).toEqual(['zk', 'N/A', '1', 1, '60m']);
    expect(podDisruptionBudgetRow(load('metadata: {name: p}\nspec: {minAvailable: "50%"}'), now).slice(1, 4)).toEqual(['50%', 'N/A', 0]);
  });

  it('horizontalpodautoscaler: REFERENCE, TARGETS current/target per metric (two at most), MINPODS, MAXPODS, REPLICAS', () => {
    const hpa = load(more.phpAutoscaler, {
      status: { currentReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 42 } } }] },
    });
    expect(horizontalPodAutoscalerRow(hpa, now)).toEqual(['php', 'Deployment/php-apache', 'cpu: 42%/50%, <unknown>/1k', '1', 10, 3, '60m']);
    const three = load(`metadata: {name: h}
spec:
  scaleTargetRef: {kind: StatefulSet, name: s}
  maxReplicas: 4
  metrics:
  - {type: External, external: {metric: {name: q}, target: {type: Value, value: "30"}}}
  - {type: Object, object: {metric: {name: rps}, describedObject: {kind: Service, name: s}, target: {type: AverageValue, averageValue: 2k}}}
  - {type: Resource, resource: {name: memory, target: {type: AverageValue, averageValue: 1Gi}}}`);
    expect(horizontalPodAutoscalerRow(three, now).slice(2, 4)).toEqual(['<unknown>/30, <unknown>/2k (avg) + 1 more...', '<unset>']);
    expect(horizontalPodAutoscalerRow(load('metadata: {name: n}\nspec: {maxReplicas: 1}'), now)[2]).toBe('<none>');
  });

  it('priorityclass: VALUE, GLOBAL-DEFAULT, PREEMPTIONPOLICY', () => {
    expect(priorityClassRow(load(more.highPriorityClass, { preemptionPolicy: 'Never' }), now)).toEqual(['high-priority', 1000000, false, '60m', 'Never']);
  });
});

describe('core tables', () => {
  it('service: TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S), SELECTOR', () => {
    const svc = load(core.myService);
    (svc['spec'] as Record<string, unknown>)['clusterIPs'] = ['10.96.0.10'];
    expect(serviceRow(svc, now)).toEqual(['my-service', 'LoadBalancer', '10.96.0.10', '192.0.2.127', '80:30007/TCP,443/TCP', '60m', 'app.kubernetes.io/name=MyApp']);
    const pending = load(core.myService, { status: {} });
    expect(serviceRow(pending, now)[3]).toBe('<pending>');
    const clusterIP = load('metadata: {name: x}\nspec: {type: ClusterIP, ports: [], clusterIPs: [None]}');
    expect(serviceRow(clusterIP, now).slice(1, 5)).toEqual(['ClusterIP', 'None', '<none>', '<none>']);
    const external = load('metadata: {name: x}\nspec: {type: ExternalName, externalName: db.example.com}');
    expect(serviceRow(external, now).slice(1, 5)).toEqual(['ExternalName', '<none>', 'db.example.com', '<none>']);
  });

  it('node: STATUS from Ready and unschedulable, ROLES from labels, wide addresses and versions', () => {
    const node = load(core.kubeletNode);
    expect(nodeRow(node, now)).toEqual([
      'node-1', 'Ready', 'control-plane', '60m', 'v1.32.0', '172.18.0.2', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.8.0', 'containerd://1.7.18',
    ]);
    const cordoned = load('metadata: {name: n}\nspec: {unschedulable: true}\nstatus: {conditions: [{type: Ready, status: Unknown}]}');
    expect(nodeRow(cordoned, now).slice(1, 3)).toEqual(['NotReady,SchedulingDisabled', '<none>']);
    expect(nodeRow(load('metadata: {name: n}'), now).slice(1, 2)).toEqual(['Unknown']);
  });

  it('event: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE; wide SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME', () => {
    const ev = load(core.scheduledEvent);
    expect(eventRow(ev, now)).toEqual([
      '59m', 'Normal', 'Pulled', 'pod/web-0', 'spec.containers{nginx}', 'kubelet, node-1', 'Successfully pulled image "nginx:1.14.2" in 1.2s', '59m', 2,
      'web-0.17c1d2e3f4a5b6c7',
    ]);
    const single = load('metadata: {name: e}\ninvolvedObject: {kind: Node}\neventTime: "2024-05-01T11:59:50.000000Z"\nreportingComponent: ctrl\nmessage: " hi "');
    expect(eventRow(single, now)).toEqual(['10s', '', '', 'node', '', 'ctrl', 'hi', '10s', 1, 'e']);
  });

  it('endpoints: at most three endpoints, then the count of the rest', () => {
    const ep = load('metadata: {name: e}\nsubsets:\n- addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2}, {ip: "fd00::3"}, {ip: 10.0.0.4}]\n  ports: [{port: 80}]');
    expect(endpointsRow(ep, now)[1]).toBe('10.0.0.1:80,10.0.0.2:80,[fd00::3]:80 + 1 more...');
    expect(endpointsRow(load('metadata: {name: e}'), now)[1]).toBe('<none>');
    expect(endpointsRow(load(core.endpointsObject), now)[1]).toBe('192.0.2.42:9376');
  });

  it('configmap DATA, secret TYPE and DATA, lease HOLDER, rolebinding ROLE and subjects', () => {
    expect(configMapRow(load(core.gameConfig), now)).toEqual(['game-demo', 4, '60m']);
    expect(secretRow(load(core.tlsSecret), now)).toEqual(['secret-tls', 'kubernetes.io/tls', 2, '60m']);
    expect(leaseRow(load(core.leaderLease), now)).toEqual(['kube-controller-manager', 'node-1_3d2e', '60m']);
    expect(roleBindingRow(load(core.rbacObjects[2]!), now)).toEqual(['read-pods', 'Role/pod-reader', '60m', 'jane', '', 'kube-system/default']);
  });
});

describe('formatting', () => {
  it('label selectors as labels.Selector.String()', () => {
    const sel = {
      matchLabels: { tier: 'web', app: 'nginx' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['qa', 'prod'] },
        { key: 'legacy', operator: 'DoesNotExist' },
        { key: 'gpu', operator: 'Exists' },
        { key: 'zone', operator: 'NotIn', values: ['b', 'a'] },
      ],
    };
    expect(labelSelectorString(sel)).toBe('app=nginx,env in (prod,qa),gpu,!legacy,tier=web,zone notin (a,b)');
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] })).toBe('<error>');
  });

  it('tableColumns reads the clock for every cell', () => {
    let t = now;
    const [col] = tableColumns([{ name: 'Age', type: 'string' }], (obj, nowMs) => [nowMs - Date.parse(String(obj.metadata?.creationTimestamp))], () => t);
    const obj = { metadata: { creationTimestamp: '2024-05-01T11:59:00Z' } };
    expect(col?.value?.(obj)).toBe(60_000);
    t += 1000;
    expect(col?.value?.(obj)).toBe(61_000);
  });
});
