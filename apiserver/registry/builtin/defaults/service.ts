import type { KubeObject } from '../../types.js';
import { asObject, type Json } from '../printers/format.js';

/**
 * SetDefaults_Service, plus what the service REST layer sets besides IP allocation: clusterIP and
 * clusterIPs kept in step, and the IP family fields of a single-stack IPv4 cluster.
 */

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const unset = (v: unknown): boolean => v === undefined || v === null || v === '';

export function defaultService(obj: KubeObject): void {
  if (!isObject(obj['spec'])) obj['spec'] = {};
  const spec = asObject(obj['spec']);
  if (unset(spec['sessionAffinity'])) spec['sessionAffinity'] = 'None';
  if (spec['sessionAffinity'] === 'None') delete spec['sessionAffinityConfig'];
  if (unset(spec['type'])) spec['type'] = 'ClusterIP';
  const type = spec['type'];
  if (Array.isArray(spec['ports'])) {
    for (const port of spec['ports'].filter(isObject)) {
      if (unset(port['protocol'])) port['protocol'] = 'TCP';
      if (unset(port['targetPort']) || port['targetPort'] === 0) port['targetPort'] = port['port'];
    }
  }
  const externalIPs = Array.isArray(spec['externalIPs']) ? spec['externalIPs'] : [];
  const externallyAccessible = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && externalIPs.length > 0);
  if (externallyAccessible && unset(spec['externalTrafficPolicy'])) spec['externalTrafficPolicy'] = 'Cluster';
  if (unset(spec['internalTrafficPolicy']) && (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP')) {
    spec['internalTrafficPolicy'] = 'Cluster';
  }
  if (type === 'LoadBalancer' && spec['allocateLoadBalancerNodePorts'] === undefined) spec['allocateLoadBalancerNodePorts'] = true;
  if (type === 'LoadBalancer' && isObject(obj['status'])) {
    const ingress = asObject(asObject(obj['status'])['loadBalancer'])['ingress'];
    if (Array.isArray(ingress)) {
      for (const entry of ingress.filter(isObject)) if (!unset(entry['ip']) && unset(entry['ipMode'])) entry['ipMode'] = 'VIP';
    }
  }
  if (type === 'ExternalName') return;
  // normalizeClusterIPs: the singular field mirrors the first of the plural one.
  const clusterIPs = Array.isArray(spec['clusterIPs']) ? spec['clusterIPs'].filter((ip): ip is string => typeof ip === 'string') : [];
  if (clusterIPs.length === 0 && typeof spec['clusterIP'] === 'string' && spec['clusterIP'] !== '') spec['clusterIPs'] = [spec['clusterIP']];
  else if (clusterIPs.length > 0 && unset(spec['clusterIP'])) spec['clusterIP'] = clusterIPs[0];
  const ips = Array.isArray(spec['clusterIPs']) ? (spec['clusterIPs'] as unknown[]) : [];
  const headless = ips[0] === 'None';
  const selectorless = Object.keys(asObject(spec['selector'])).length === 0;
  if (unset(spec['ipFamilyPolicy'])) spec['ipFamilyPolicy'] = headless && selectorless ? 'RequireDualStack' : 'SingleStack';
  if (!Array.isArray(spec['ipFamilies']) || spec['ipFamilies'].length === 0) {
    const families = headless ? [] : ips.map((ip) => (typeof ip === 'string' && ip.includes(':') ? 'IPv6' : 'IPv4'));
    spec['ipFamilies'] = families.length > 0 ? families : ['IPv4'];
  }
}
