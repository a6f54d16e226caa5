import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { defaultHorizontalPodAutoscaler } from './defaults/cluster.js';
import { asObject, asObjects, asString, spec, tableColumns, type Json } from './printers/format.js';
import { horizontalPodAutoscalerColumnDefinitions, horizontalPodAutoscalerRow } from './printers/policy.js';
import { horizontalPodAutoscalerSchema } from './schemas/autoscaling.js';
import { child, index, invalid, notSupported, required } from './validation/errors.js';

/** autoscaling/v2 horizontalpodautoscalers, with status. */

const METRIC_SOURCES: Readonly<Record<string, string>> = {
  ContainerResource: 'containerResource',
  External: 'external',
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
};
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const SCALING_POLICY_TYPES = ['Percent', 'Pods'];
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

/** validateScalingRules: a known select policy, at least one policy, bounded periods and windows. */
function validateScalingRules(rules: unknown, path: string): FieldError[] {
  if (rules === undefined || rules === null) return [];
  const r = asObject(rules);
  const out: FieldError[] = [];
  const window = r['stabilizationWindowSeconds'];
  if (typeof window === 'number' && (window < 0 || window > MAX_STABILIZATION_WINDOW_SECONDS)) {
    out.push(invalid(child(path, 'stabilizationWindowSeconds'), window, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  const selectPolicy = r['selectPolicy'];
  if (selectPolicy !== undefined && !SELECT_POLICIES.includes(asString(selectPolicy))) {
    out.push(notSupported(child(path, 'selectPolicy'), selectPolicy, SELECT_POLICIES));
  }
  const policies = asObjects(r['policies']);
  if (policies.length === 0) out.push(required(child(path, 'policies'), 'must specify at least one Policy'));
  for (const [i, policy] of policies.entries()) {
    const at = index(child(path, 'policies'), i);
    if (!SCALING_POLICY_TYPES.includes(asString(policy['type']))) out.push(notSupported(child(at, 'type'), policy['type'], SCALING_POLICY_TYPES));
    if (typeof policy['value'] === 'number' && policy['value'] <= 0) out.push(invalid(child(at, 'value'), policy['value'], 'must be greater than zero'));
    const period = policy['periodSeconds'];
    if (typeof period === 'number' && (period <= 0 || period > MAX_PERIOD_SECONDS)) {
      out.push(invalid(child(at, 'periodSeconds'), period, period <= 0 ? 'must be greater than zero' : `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
    }
  }
  return out;
}

/** validateMetricSpec: a known type whose source is filled in, and no other source. */
function validateMetric(metric: Json, path: string): FieldError[] {
  const type = asString(metric['type']);
  const source = METRIC_SOURCES[type];
  if (source === undefined) return [notSupported(child(path, 'type'), type, Object.keys(METRIC_SOURCES))];
  const out: FieldError[] = [];
  if (metric[source] === undefined || metric[source] === null) out.push(required(child(path, source), 'must populate information for the given metric source'));
  for (const other of Object.values(METRIC_SOURCES)) {
    if (other !== source && metric[other] !== undefined && metric[other] !== null) {
      out.push(invalid(child(path, other), metric[other], 'must populate the given metric source only'));
    }
  }
  return out;
}

/** ValidateHorizontalPodAutoscalerSpec: a target, replica bounds, metrics and behavior. */
function validateHorizontalPodAutoscaler(obj: KubeObject): FieldError[] {
  const sp = spec(obj);
  const out: FieldError[] = [];
  const ref = asObject(sp['scaleTargetRef']);
  if (asString(ref['kind']) === '') out.push(required('spec.scaleTargetRef.kind'));
  if (asString(ref['name']) === '') out.push(required('spec.scaleTargetRef.name'));
  const min = sp['minReplicas'];
  const max = sp['maxReplicas'];
  if (typeof min === 'number' && min < 1) out.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (typeof max === 'number' && max < 1) out.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (typeof min === 'number' && typeof max === 'number' && max < min) {
    out.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  }
  for (const [i, metric] of asObjects(sp['metrics']).entries()) out.push(...validateMetric(metric, index('spec.metrics', i)));
  const behavior = asObject(sp['behavior']);
  out.push(...validateScalingRules(behavior['scaleUp'], 'spec.behavior.scaleUp'));
  out.push(...validateScalingRules(behavior['scaleDown'], 'spec.behavior.scaleDown'));
  return out;
}

export const horizontalPodAutoscalers: ResourceDecl = {
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  listKind: 'HorizontalPodAutoscalerList',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  shortNames: ['hpa'],
  categories: ['all'],
  namespaced: true,
  schema: horizontalPodAutoscalerSchema,
  printerColumns: tableColumns(horizontalPodAutoscalerColumnDefinitions, horizontalPodAutoscalerRow),
  subresources: { status: true },
  strategy: { generation: false, defaults: defaultHorizontalPodAutoscaler, validate: validateHorizontalPodAutoscaler },
};
