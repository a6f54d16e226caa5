import type { KubeObject } from '../../types.js';
import { loadBalancerIngress } from './core.js';
import { ageColumn, ageOf, asObject, asObjects, asString, formatLabelSelector, nameColumn, nameOf, spec, type ColumnDefinition } from './format.js';

/** Tables of networking.k8s.io/v1 (printIngress, printIngressClass, printNetworkPolicy). */

export const ingressColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Class', type: 'string', description: 'The name of the IngressClass resource that should be used for additional configuration' },
  { name: 'Hosts', type: 'string', description: 'Hosts that incoming requests are matched against before the ingress rule' },
  { name: 'Address', type: 'string', description: 'Address is a list containing ingress points for the load-balancer' },
  { name: 'Ports', type: 'string', description: 'Ports of TLS configurations that open' },
  ageColumn,
];

/** formatHosts: the first three hosts, "+ N more...", "*" when no rule names one. */
function formatHosts(rules: readonly Record<string, unknown>[]): string {
  const max = 3;
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === max) more = true;
    const host = asString(rule['host']);
    if (!more && host !== '') hosts.push(host);
  }
  if (hosts.length === 0) return '*';
  return more ? `${hosts.join(',')} + ${rules.length - max} more...` : hosts.join(',');
}

export function ingressRow(obj: KubeObject, nowMs: number): unknown[] {
  const sp = spec(obj);
  return [
    nameOf(obj),
    typeof sp['ingressClassName'] === 'string' ? sp['ingressClassName'] : '<none>',
    formatHosts(asObjects(sp['rules'])),
    loadBalancerIngress(obj),
    asObjects(sp['tls']).length > 0 ? '80, 443' : '80',
    ageOf(obj, nowMs),
  ];
}

export const ingressClassColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Controller', type: 'string', description: 'Controller that is responsible for handling this class' },
  { name: 'Parameters', type: 'string', description: 'A reference to a resource with additional parameters' },
  ageColumn,
];

export function ingressClassRow(obj: KubeObject, nowMs: number): unknown[] {
  const sp = spec(obj);
  let parameters = '<none>';
  if (sp['parameters'] !== undefined && sp['parameters'] !== null) {
    const ref = asObject(sp['parameters']);
    const group = typeof ref['apiGroup'] === 'string' ? `.${ref['apiGroup']}` : '';
    parameters = `${asString(ref['kind'])}${group}/${asString(ref['name'])}`;
  }
  return [nameOf(obj), asString(sp['controller']), parameters, ageOf(obj, nowMs)];
}

export const networkPolicyColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Pod-Selector', type: 'string', description: 'Selects the pods to which this NetworkPolicy object applies.' },
  ageColumn,
];

export const networkPolicyRow = (obj: KubeObject, nowMs: number): unknown[] => [
  nameOf(obj),
  formatLabelSelector(spec(obj)['podSelector']),
  ageOf(obj, nowMs),
];
