import type { KubeObject } from '../../types.js';
import { timestampSince } from './duration.js';
import {
  ageColumn,
  ageOf,
  asArray,
  asNumber,
  asObject,
  asObjects,
  asString,
  formatLabels,
  nameColumn,
  nameOf,
  spec,
  status,
  type ColumnDefinition,
} from './format.js';

/** Tables of the core/v1 types, coordination Leases and RBAC bindings. */

export const serviceColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Type', type: 'string', description: 'type determines how the Service is exposed.' },
  { name: 'Cluster-IP', type: 'string', description: 'clusterIP is the IP address of the service and is usually assigned randomly.' },
  { name: 'External-IP', type: 'string', description: 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.' },
  { name: 'Port(s)', type: 'string', description: 'The list of ports that are exposed by this service.' },
  ageColumn,
  { name: 'Selector', type: 'string', priority: 1, description: 'Route service traffic to pods with label keys and values matching this selector.' },
];

/**
 * loadBalancerStatusStringer (wide, as the server prints): the distinct ingress IPs or hostnames of
 * status.loadBalancer, sorted. Services and Ingresses share the shape.
 */
export function loadBalancerIngress(obj: KubeObject): string {
  const seen = new Set<string>();
  for (const ingress of asObjects(asObject(status(obj)['loadBalancer'])['ingress'])) {
    const value = asString(ingress['ip']) || asString(ingress['hostname']);
    if (value !== '') seen.add(value);
  }
  return [...seen].sort().join(',');
}

function serviceExternalIP(obj: KubeObject): string {
  const sp = spec(obj);
  const externalIPs = asArray(sp['externalIPs']).map(asString);
  switch (sp['type']) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(obj);
      if (externalIPs.length > 0) return [...(lb === '' ? [] : lb.split(',')), ...externalIPs].join(',');
      return lb !== '' ? lb : '<pending>';
    }
    case 'ExternalName':
      return asString(sp['externalName']);
    default:
      return '<unknown>';
  }
}

export function serviceRow(obj: KubeObject, nowMs: number): unknown[] {
  const sp = spec(obj);
  const clusterIPs = asArray(sp['clusterIPs']).map(asString);
  const clusterIP = clusterIPs[0] ?? (asString(sp['clusterIP']) || '<none>');
  const ports = asObjects(sp['ports']).map((p) => {
    const nodePort = asNumber(p['nodePort']);
    const protocol = asString(p['protocol']);
    return nodePort > 0 ? `${asNumber(p['port'])}:${nodePort}/${protocol}` : `${asNumber(p['port'])}/${protocol}`;
  });
  return [
    nameOf(obj),
    asString(sp['type']),
    clusterIP,
    serviceExternalIP(obj),
    ports.length > 0 ? ports.join(',') : '<none>',
    ageOf(obj, nowMs),
    formatLabels(sp['selector']),
  ];
}

export const endpointsColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Endpoints', type: 'string', description: 'The set of all endpoints is the union of all subsets.' },
  ageColumn,
];

/** net.JoinHostPort. */
const joinHostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** formatEndpoints with all ports: at most three endpoints, then "+ N more...". */
export function formatEndpoints(obj: KubeObject): string {
  const subsets = asObjects(obj['subsets']);
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const subset of subsets) {
    const addresses = asObjects(subset['addresses']);
    const ports = asObjects(subset['ports']);
    if (ports.length === 0) {
      count += addresses.length;
      for (const address of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(asString(address['ip']));
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const address of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(asString(address['ip']), asNumber(port['port'])));
      }
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${count - max} more...` : joined;
}

export const endpointsRow = (obj: KubeObject, nowMs: number): unknown[] => [nameOf(obj), formatEndpoints(obj), ageOf(obj, nowMs)];

export const nodeColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Status', type: 'string', description: 'The status of the node' },
  { name: 'Roles', type: 'string', description: 'The roles of the node' },
  ageColumn,
  { name: 'Version', type: 'string', description: 'Kubelet Version reported by the node.' },
  { name: 'Internal-IP', type: 'string', priority: 1, description: 'List of addresses reachable to the node.' },
  { name: 'External-IP', type: 'string', priority: 1, description: 'List of addresses reachable to the node.' },
  { name: 'OS-Image', type: 'string', priority: 1, description: 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).' },
  { name: 'Kernel-Version', type: 'string', priority: 1, description: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)." },
  { name: 'Container-Runtime', type: 'string', priority: 1, description: 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).' },
];

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';

/** findNodeRoles: node-role.kubernetes.io/<role> labels and kubernetes.io/role=<role>. */
function nodeRoles(obj: KubeObject): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(obj.metadata?.labels ?? {})) {
    if (key.startsWith(NODE_ROLE_PREFIX)) {
      const role = key.slice(NODE_ROLE_PREFIX.length);
      if (role !== '') roles.add(role);
    } else if (key === 'kubernetes.io/role' && value !== '') {
      roles.add(value);
    }
  }
  return [...roles].sort();
}

export function nodeRow(obj: KubeObject, nowMs: number): unknown[] {
  const st = status(obj);
  const states: string[] = [];
  // Only the Ready condition counts; the last one of that type wins, as in a map.
  const ready = asObjects(st['conditions']).filter((c) => c['type'] === 'Ready').at(-1);
  if (ready !== undefined) states.push(ready['status'] === 'True' ? 'Ready' : 'NotReady');
  if (states.length === 0) states.push('Unknown');
  if (spec(obj)['unschedulable'] === true) states.push('SchedulingDisabled');
  const roles = nodeRoles(obj).join(',');
  const info = asObject(st['nodeInfo']);
  const address = (type: string): string =>
    asString(asObjects(st['addresses']).find((a) => a['type'] === type)?.['address']) || '<none>';
  return [
    nameOf(obj),
    states.join(','),
    roles === '' ? '<none>' : roles,
    ageOf(obj, nowMs),
    asString(info['kubeletVersion']),
    address('InternalIP'),
    address('ExternalIP'),
    asString(info['osImage']) || '<unknown>',
    asString(info['kernelVersion']) || '<unknown>',
    asString(info['containerRuntimeVersion']) || '<unknown>',
  ];
}

export const eventColumnDefinitions: readonly ColumnDefinition[] = [
  { name: 'Last Seen', type: 'string', description: 'The time at which the most recent occurrence of this event was recorded.' },
  { name: 'Type', type: 'string', description: 'Type of this event (Normal, Warning), new types could be added in the future' },
  { name: 'Reason', type: 'string', description: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status." },
  { name: 'Object', type: 'string', description: 'The object that this event is about.' },
  { name: 'Subobject', type: 'string', priority: 1, description: 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].' },
  { name: 'Source', type: 'string', priority: 1, description: 'The component reporting this event. Should be a short machine understandable string.' },
  { name: 'Message', type: 'string', description: 'A human-readable description of the status of this operation.' },
  { name: 'First Seen', type: 'string', priority: 1, description: 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)' },
  { name: 'Count', type: 'string', priority: 1, description: 'The number of times this event has occurred.' },
  { ...nameColumn, priority: 1 },
];

export function eventRow(obj: KubeObject, nowMs: number): unknown[] {
  const involved = asObject(obj['involvedObject']);
  const source = asObject(obj['source']);
  let firstSeen = timestampSince(obj['firstTimestamp'], nowMs);
  if (typeof obj['firstTimestamp'] !== 'string' || obj['firstTimestamp'] === '') firstSeen = timestampSince(obj['eventTime'], nowMs);
  let lastSeen = timestampSince(obj['lastTimestamp'], nowMs);
  if (typeof obj['lastTimestamp'] !== 'string' || obj['lastTimestamp'] === '') lastSeen = firstSeen;
  let count = asNumber(obj['count']);
  const series = obj['series'];
  if (series !== undefined && series !== null) {
    lastSeen = timestampSince(asObject(series)['lastObservedTime'], nowMs);
    count = asNumber(asObject(series)['count']);
  } else if (count === 0) {
    count = 1; // singleton events of the events.k8s.io API carry no count
  }
  const kind = asString(involved['kind']).toLowerCase();
  const target = asString(involved['name']) !== '' ? `${kind}/${asString(involved['name'])}` : kind;
  const component = asString(source['component']) || asString(obj['reportingComponent']);
  const instance = asString(source['host']) || asString(obj['reportingInstance']);
  return [
    lastSeen,
    asString(obj['type']),
    asString(obj['reason']),
    target,
    asString(involved['fieldPath']),
    instance === '' ? component : `${component}, ${instance}`,
    asString(obj['message']).trim(),
    firstSeen,
    count,
    nameOf(obj),
  ];
}

export const namespaceColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Status', type: 'string', description: 'The status of the namespace' },
  ageColumn,
];
export const namespaceRow = (obj: KubeObject, nowMs: number): unknown[] => [
  nameOf(obj),
  asString(status(obj)['phase']),
  ageOf(obj, nowMs),
];

export const secretColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Type', type: 'string', description: 'Used to facilitate programmatic handling of secret data.' },
  { name: 'Data', type: 'string', description: 'Data contains the secret data.' },
  ageColumn,
];
export const secretRow = (obj: KubeObject, nowMs: number): unknown[] => [
  nameOf(obj),
  asString(obj['type']),
  Object.keys(asObject(obj['data'])).length,
  ageOf(obj, nowMs),
];

export const configMapColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Data', type: 'string', description: 'Data contains the configuration data.' },
  ageColumn,
];
export const configMapRow = (obj: KubeObject, nowMs: number): unknown[] => [
  nameOf(obj),
  Object.keys(asObject(obj['data'])).length + Object.keys(asObject(obj['binaryData'])).length,
  ageOf(obj, nowMs),
];

export const serviceAccountColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Secrets', type: 'string', description: 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.' },
  ageColumn,
];
export const serviceAccountRow = (obj: KubeObject, nowMs: number): unknown[] => [
  nameOf(obj),
  asArray(obj['secrets']).length,
  ageOf(obj, nowMs),
];

export const leaseColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Holder', type: 'string', description: 'holderIdentity contains the identity of the holder of a current lease.' },
  ageColumn,
];
export const leaseRow = (obj: KubeObject, nowMs: number): unknown[] => [
  nameOf(obj),
  asString(spec(obj)['holderIdentity']),
  ageOf(obj, nowMs),
];

export const roleBindingColumnDefinitions = (kind: 'roleBinding' | 'clusterRoleBinding'): readonly ColumnDefinition[] => [
  nameColumn,
  { name: 'Role', type: 'string', description: 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.' },
  ageColumn,
  { name: 'Users', type: 'string', priority: 1, description: `Users in the ${kind}` },
  { name: 'Groups', type: 'string', priority: 1, description: `Groups in the ${kind}` },
  { name: 'ServiceAccounts', type: 'string', priority: 1, description: `ServiceAccounts in the ${kind}` },
];

export function roleBindingRow(obj: KubeObject, nowMs: number): unknown[] {
  const roleRef = asObject(obj['roleRef']);
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const subject of asObjects(obj['subjects'])) {
    const name = asString(subject['name']);
    if (subject['kind'] === 'ServiceAccount') serviceAccounts.push(`${asString(subject['namespace'])}/${name}`);
    else if (subject['kind'] === 'User') users.push(name);
    else if (subject['kind'] === 'Group') groups.push(name);
  }
  return [
    nameOf(obj),
    `${asString(roleRef['kind'])}/${asString(roleRef['name'])}`,
    ageOf(obj, nowMs),
    users.join(', '),
    groups.join(', '),
    serviceAccounts.join(', '),
  ];
}
