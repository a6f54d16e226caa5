import type { KubeObject } from '../../types.js';
import { asObject } from '../printers/format.js';
import { ensureSpec, isObject, objects, unset } from './json.js';

/**
 * Defaulting of LimitRanges and of the networking, policy, autoscaling and scheduling types
 * (pkg/apis/core/v1, networking/v1, policy/v1, autoscaling/v2 and scheduling/v1 defaults.go),
 * and the zero statuses their create strategies leave, as encoding/json writes them (fields
 * without omitempty show as 0).
 */

/** A created object's status, as its strategy resets it; an update keeps the stored one. */
function zeroStatus(obj: KubeObject, status: Record<string, unknown>): void {
  if (unset(obj['status'])) obj['status'] = status;
}

/** Ingress: status.loadBalancer is a struct, so it always shows. */
export function defaultIngress(obj: KubeObject): void {
  zeroStatus(obj, { loadBalancer: {} });
}

/** PodDisruptionBudget: the four counts of its status have no omitempty. */
export function defaultPodDisruptionBudget(obj: KubeObject): void {
  zeroStatus(obj, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
}

/** SetDefaults_NetworkPolicyPort (TCP) and SetDefaults_NetworkPolicy (policyTypes from the rules present). */
export function defaultNetworkPolicy(obj: KubeObject): void {
  const spec = ensureSpec(obj);
  if (unset(spec['podSelector'])) spec['podSelector'] = {};
  for (const rule of [...objects(spec['ingress']), ...objects(spec['egress'])]) {
    for (const port of objects(rule['ports'])) if (unset(port['protocol'])) port['protocol'] = 'TCP';
  }
  if (!Array.isArray(spec['policyTypes']) || spec['policyTypes'].length === 0) {
    spec['policyTypes'] = objects(spec['egress']).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

/** SetDefaults_IngressClass: parameters are cluster-scoped unless they say otherwise. */
export function defaultIngressClass(obj: KubeObject): void {
  const parameters = ensureSpec(obj)['parameters'];
  if (isObject(parameters) && unset(parameters['scope'])) parameters['scope'] = 'Cluster';
}

/** SetDefaults_PriorityClass. */
export function defaultPriorityClass(obj: KubeObject): void {
  if (unset(obj['preemptionPolicy'])) obj['preemptionPolicy'] = 'PreemptLowerPriority';
}

const policy = (type: string, value: number, periodSeconds: number): Record<string, unknown> => ({ type, value, periodSeconds });

/** GenerateHPAScaleUpRules and GenerateHPAScaleDownRules: the defaults fill what a rule leaves unset. */
function defaultScalingRules(rules: unknown, defaults: Record<string, unknown>): Record<string, unknown> {
  const out = isObject(rules) ? rules : {};
  for (const [field, value] of Object.entries(defaults)) if (unset(out[field])) out[field] = structuredClone(value);
  return out;
}

/** SetDefaults_HorizontalPodAutoscaler: minReplicas 1, 80% CPU when no metric is given, and the behavior's rules. */
export function defaultHorizontalPodAutoscaler(obj: KubeObject): void {
  zeroStatus(obj, { desiredReplicas: 0 });
  const spec = ensureSpec(obj);
  if (unset(spec['minReplicas'])) spec['minReplicas'] = 1;
  if (!Array.isArray(spec['metrics']) || spec['metrics'].length === 0) {
    spec['metrics'] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  const behavior = spec['behavior'];
  if (!isObject(behavior)) return;
  behavior['scaleUp'] = defaultScalingRules(behavior['scaleUp'], {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [policy('Pods', 4, 15), policy('Percent', 100, 15)],
  });
  behavior['scaleDown'] = defaultScalingRules(behavior['scaleDown'], {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [policy('Percent', 100, 15)],
  });
}

/** The container defaults of one LimitRange item (SetDefaults_LimitRangeItem). */
function defaultLimitRangeItem(item: Record<string, unknown>): void {
  if (item['type'] !== 'Container') return;
  const fill = (target: string, from: string): void => {
    const into = { ...asObject(item[target]) };
    for (const [resource, value] of Object.entries(asObject(item[from]))) if (into[resource] === undefined) into[resource] = value;
    if (Object.keys(into).length > 0) item[target] = into;
  };
  fill('default', 'max');
  fill('defaultRequest', 'default');
  fill('defaultRequest', 'min');
}

/** SetDefaults_LimitRangeItem: a container's default limit is its max, its default request the default limit (or min). */
export function defaultLimitRange(obj: KubeObject): void {
  const limits = ensureSpec(obj)['limits'];
  if (Array.isArray(limits)) for (const item of limits.filter(isObject)) defaultLimitRangeItem(item);
}
