import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '../../types.js';
import * as core from '../testdata/core.yaml.js';
import * as workloads from '../testdata/workloads.yaml.js';
import { eventRow, endpointsRow, nodeRow, roleBindingRow, serviceRow, configMapRow, secretRow, leaseRow } from './core.js';
import { formatLabelSelector, labelSelectorString, tableColumns } from './format.js';
import { daemonSetRow, deploymentRow, jobRow, replicaSetRow, statefulSetRow } from './workloads.js';

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
