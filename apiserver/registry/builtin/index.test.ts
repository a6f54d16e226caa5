import { describe, expect, it } from 'vitest';
import type { ResourceDecl } from '../types.js';
import { builtinResources, objectMetaSchema } from './index.js';

/** What `kubectl api-resources -o wide` shows for a 1.32 server, and the tables of `kubectl get`. */

type Facts = [group: string, plural: string, kind: string, shortNames: string[], categories: string[], namespaced: boolean, subresources: string[]];

const DISCOVERY: Facts[] = [
  ['', 'namespaces', 'Namespace', ['ns'], [], false, ['status']],
  ['', 'pods', 'Pod', ['po'], ['all'], true, ['binding', 'status']],
  ['', 'nodes', 'Node', ['no'], [], false, ['status']],
  ['', 'services', 'Service', ['svc'], ['all'], true, ['status']],
  ['', 'endpoints', 'Endpoints', ['ep'], [], true, []],
  ['', 'configmaps', 'ConfigMap', ['cm'], [], true, []],
  ['', 'secrets', 'Secret', [], [], true, []],
  ['', 'events', 'Event', ['ev'], [], true, []],
  ['', 'serviceaccounts', 'ServiceAccount', ['sa'], [], true, []],
  ['', 'persistentvolumeclaims', 'PersistentVolumeClaim', ['pvc'], [], true, ['status']],
  ['', 'persistentvolumes', 'PersistentVolume', ['pv'], [], false, ['status']],
  ['', 'resourcequotas', 'ResourceQuota', ['quota'], [], true, ['status']],
  ['', 'limitranges', 'LimitRange', ['limits'], [], true, []],
  ['apps', 'deployments', 'Deployment', ['deploy'], ['all'], true, ['scale', 'status']],
  ['apps', 'replicasets', 'ReplicaSet', ['rs'], ['all'], true, ['scale', 'status']],
  ['apps', 'daemonsets', 'DaemonSet', ['ds'], ['all'], true, ['status']],
  ['apps', 'statefulsets', 'StatefulSet', ['sts'], ['all'], true, ['scale', 'status']],
  ['batch', 'jobs', 'Job', [], ['all'], true, ['status']],
  ['batch', 'cronjobs', 'CronJob', ['cj'], ['all'], true, ['status']],
  ['autoscaling', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', ['hpa'], ['all'], true, ['status']],
  ['policy', 'poddisruptionbudgets', 'PodDisruptionBudget', ['pdb'], [], true, ['status']],
  ['networking.k8s.io', 'ingresses', 'Ingress', ['ing'], [], true, ['status']],
  ['networking.k8s.io', 'ingressclasses', 'IngressClass', [], [], false, []],
  ['networking.k8s.io', 'networkpolicies', 'NetworkPolicy', ['netpol'], [], true, []],
  ['scheduling.k8s.io', 'priorityclasses', 'PriorityClass', ['pc'], [], false, []],
  ['storage.k8s.io', 'storageclasses', 'StorageClass', ['sc'], [], false, []],
  ['coordination.k8s.io', 'leases', 'Lease', [], [], true, []],
  ['apiextensions.k8s.io', 'customresourcedefinitions', 'CustomResourceDefinition', ['crd', 'crds'], ['api-extensions'], false, ['status']],
  ['rbac.authorization.k8s.io', 'roles', 'Role', [], [], true, []],
  ['rbac.authorization.k8s.io', 'clusterroles', 'ClusterRole', [], [], false, []],
  ['rbac.authorization.k8s.io', 'rolebindings', 'RoleBinding', [], [], true, []],
  ['rbac.authorization.k8s.io', 'clusterrolebindings', 'ClusterRoleBinding', [], [], false, []],
];

const find = (group: string, plural: string): ResourceDecl => {
  const decl = builtinResources.find((d) => d.group === group && d.plural === plural);
  if (decl === undefined) throw new Error(`missing ${plural}.${group}`);
  return decl;
};

describe('builtin declarations', () => {
  it('declares exactly the listed types, each once', () => {
    const keys = builtinResources.map((d) => `${d.plural}.${d.group}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(DISCOVERY.map(([g, p]) => `${p}.${g}`).sort());
  });

  it.each(DISCOVERY)('%s/%s: names, scope and subresources as discovery reports them', (group, plural, kind, shortNames, categories, namespaced, subresources) => {
    const decl = find(group, plural);
    // autoscaling/v2 is the version of HorizontalPodAutoscaler kubectl uses (v1 is not served).
    expect(decl.version).toBe(group === 'autoscaling' ? 'v2' : 'v1');
    expect(decl.kind).toBe(kind);
    expect(decl.listKind).toBe(`${kind}List`);
    expect(decl.singular).toBe(kind.toLowerCase());
    expect(decl.shortNames ?? []).toEqual(shortNames);
    expect(decl.categories ?? []).toEqual(categories);
    expect(decl.namespaced).toBe(namespaced);
    expect(Object.keys(decl.subresources ?? {}).sort()).toEqual(subresources);
    expect(decl.schema.properties?.['metadata']).toBe(objectMetaSchema);
  });

  it('tracks generation exactly for the types that have it in 1.32', () => {
    const tracked = builtinResources.filter((d) => d.strategy?.generation === true).map((d) => d.plural).sort();
    expect(tracked).toEqual([
      'cronjobs', 'customresourcedefinitions', 'daemonsets', 'deployments', 'ingressclasses', 'ingresses', 'jobs', 'networkpolicies',
      'poddisruptionbudgets', 'replicasets', 'statefulsets',
    ]);
    for (const d of builtinResources) expect(typeof d.strategy?.generation).toBe('boolean');
  });

  it('scales through .spec.replicas and .status.replicas', () => {
    for (const plural of ['deployments', 'replicasets', 'statefulsets']) {
      expect(find('apps', plural).subresources?.scale).toEqual({ specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' });
    }
  });

  it('serves namespaces without deletecollection', () => {
    expect(find('', 'namespaces').verbs).toEqual(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
    expect(builtinResources.filter((d) => d.verbs !== undefined).map((d) => d.plural)).toEqual(['namespaces']);
  });

  it('declares the field selectors of GetAttrs', () => {
    const fields = (group: string, plural: string): string[] => Object.keys(find(group, plural).selectableFields ?? {}).sort();
    expect(fields('', 'pods')).toEqual([
      'spec.hostNetwork', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName',
      'status.nominatedNodeName', 'status.phase', 'status.podIP',
    ]);
    expect(fields('', 'events')).toEqual([
      'involvedObject.apiVersion', 'involvedObject.fieldPath', 'involvedObject.kind', 'involvedObject.name', 'involvedObject.namespace',
      'involvedObject.resourceVersion', 'involvedObject.uid', 'reason', 'reportingComponent', 'source', 'type',
    ]);
    expect(fields('', 'secrets')).toEqual(['type']);
    expect(fields('', 'nodes')).toEqual(['spec.unschedulable']);
    expect(fields('', 'namespaces')).toEqual(['status.phase']);
    expect(fields('apps', 'replicasets')).toEqual(['status.replicas']);
    expect(fields('batch', 'jobs')).toEqual(['status.successful']);
  });
});

const TABLES: Array<[group: string, plural: string, columns: string, wide: string]> = [
  ['', 'pods', 'Name Ready Status Restarts Age', 'IP Node Nominated Node Readiness Gates'],
  ['apps', 'deployments', 'Name Ready Up-to-date Available Age', 'Containers Images Selector'],
  ['apps', 'replicasets', 'Name Desired Current Ready Age', 'Containers Images Selector'],
  ['apps', 'daemonsets', 'Name Desired Current Ready Up-to-date Available Node Selector Age', 'Containers Images Selector'],
  ['apps', 'statefulsets', 'Name Ready Age', 'Containers Images'],
  ['batch', 'jobs', 'Name Status Completions Duration Age', 'Containers Images Selector'],
  ['', 'services', 'Name Type Cluster-IP External-IP Port(s) Age', 'Selector'],
  ['', 'nodes', 'Name Status Roles Age Version', 'Internal-IP External-IP OS-Image Kernel-Version Container-Runtime'],
  ['', 'namespaces', 'Name Status Age', ''],
  ['', 'configmaps', 'Name Data Age', ''],
  ['', 'secrets', 'Name Type Data Age', ''],
  ['', 'serviceaccounts', 'Name Secrets Age', ''],
  ['', 'endpoints', 'Name Endpoints Age', ''],
  ['', 'events', 'Last Seen Type Reason Object Message', 'Subobject Source First Seen Count Name'],
  ['coordination.k8s.io', 'leases', 'Name Holder Age', ''],
  ['apiextensions.k8s.io', 'customresourcedefinitions', 'Name Created At', ''],
  ['rbac.authorization.k8s.io', 'roles', 'Name Created At', ''],
  ['rbac.authorization.k8s.io', 'clusterroles', 'Name Created At', ''],
  ['rbac.authorization.k8s.io', 'rolebindings', 'Name Role Age', 'Users Groups ServiceAccounts'],
  ['rbac.authorization.k8s.io', 'clusterrolebindings', 'Name Role Age', 'Users Groups ServiceAccounts'],
  ['batch', 'cronjobs', 'Name Schedule Timezone Suspend Active Last_Schedule Age', 'Containers Images Selector'],
  ['networking.k8s.io', 'ingresses', 'Name Class Hosts Address Ports Age', ''],
  ['networking.k8s.io', 'ingressclasses', 'Name Controller Parameters Age', ''],
  ['networking.k8s.io', 'networkpolicies', 'Name Pod-Selector Age', ''],
  ['', 'persistentvolumeclaims', 'Name Status Volume Capacity Access_Modes StorageClass VolumeAttributesClass Age', 'VolumeMode'],
  ['', 'persistentvolumes', 'Name Capacity Access_Modes Reclaim_Policy Status Claim StorageClass VolumeAttributesClass Reason Age', 'VolumeMode'],
  ['', 'resourcequotas', 'Name Age Request Limit', ''],
  ['', 'limitranges', 'Name Created_At', ''],
  ['policy', 'poddisruptionbudgets', 'Name Min_Available Max_Unavailable Allowed_Disruptions Age', ''],
  ['autoscaling', 'horizontalpodautoscalers', 'Name Reference Targets MinPods MaxPods Replicas Age', ''],
  ['scheduling.k8s.io', 'priorityclasses', 'Name Value Global-Default Age PreemptionPolicy', ''],
  ['storage.k8s.io', 'storageclasses', 'Name Provisioner ReclaimPolicy VolumeBindingMode AllowVolumeExpansion Age', ''],
];

describe('printer columns', () => {
  it.each(TABLES)('%s/%s', (group, plural, columns, wide) => {
    const cols = find(group, plural).printerColumns ?? [];
    // Space-separated names are ambiguous ("Node Selector"), so compare joined with '|'.
    const names = (priority: boolean): string => cols.filter((c) => ((c.priority ?? 0) > 0) === priority).map((c) => c.name).join('|');
    // Two-word names are written with '_' in the new rows ("Last_Schedule").
    const split = (s: string): string => s.replace(/(Nominated Node|Readiness Gates|Node Selector|Last Seen|First Seen|Created At)/g, (m) => m.replace(' ', '_')).split(' ').filter(Boolean).map((n) => n.replace('_', ' ')).join('|');
    expect(names(false)).toBe(split(columns));
    expect(names(true)).toBe(split(wide));
    for (const c of cols) expect(typeof c.value).toBe('function');
  });

  it('leads with a Name column of format name (events print it last, wide only)', () => {
    for (const d of builtinResources) {
      const name = d.printerColumns?.find((c) => c.name === 'Name');
      expect(name).toMatchObject({ type: 'string', format: 'name' });
      if (d.plural !== 'events') expect(d.printerColumns?.[0]?.name).toBe('Name');
    }
  });
});
