import type { KubeObject } from '../../types.js';
import {
  ageColumn,
  ageOf,
  asNumber,
  asObject,
  asObjects,
  asString,
  nameColumn,
  nameOf,
  quantityText,
  spec,
  status,
  type ColumnDefinition,
  type Json,
} from './format.js';

/** Tables of ResourceQuotas, PodDisruptionBudgets, HorizontalPodAutoscalers and PriorityClasses. */

export const resourceQuotaColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  ageColumn,
  { name: 'Request', type: 'string', description: 'Request represents a minimum amount of cpu/memory that a container may consume.' },
  { name: 'Limit', type: 'string', description: 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.' },
];

/** printResourceQuota: `name: used/hard` for each resource of status.hard, sorted; `limits.*` in the Limit column. */
export function resourceQuotaRow(obj: KubeObject, nowMs: number): unknown[] {
  const st = status(obj);
  const hard = asObject(st['hard']);
  const used = asObject(st['used']);
  const requests: string[] = [];
  const limits: string[] = [];
  for (const resource of Object.keys(hard).sort()) {
    const cell = `${resource}: ${quantityText(used[resource])}/${quantityText(hard[resource])}`;
    const pieces = resource.split('.');
    (pieces.length > 1 && pieces[0] === 'limits' ? limits : requests).push(cell);
  }
  return [nameOf(obj), ageOf(obj, nowMs), requests.join(', '), limits.join(', ')];
}

export const podDisruptionBudgetColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Min Available', type: 'string', description: 'The minimum number of pods that must be available.' },
  { name: 'Max Unavailable', type: 'string', description: 'The maximum number of pods that may be unavailable.' },
  { name: 'Allowed Disruptions', type: 'integer', description: 'Calculated number of pods that may be disrupted at this time.' },
  ageColumn,
];

/** IntOrString.String(), "N/A" when unset. */
const intOrStringText = (value: unknown): string => (typeof value === 'number' || typeof value === 'string' ? String(value) : 'N/A');

export function podDisruptionBudgetRow(obj: KubeObject, nowMs: number): unknown[] {
  const sp = spec(obj);
  return [
    nameOf(obj),
    intOrStringText(sp['minAvailable']),
    intOrStringText(sp['maxUnavailable']),
    asNumber(status(obj)['disruptionsAllowed']),
    ageOf(obj, nowMs),
  ];
}

export const horizontalPodAutoscalerColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Reference', type: 'string', description: 'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.' },
  { name: 'Targets', type: 'string', description: 'metrics contains the specifications for which to use to calculate the desired replica count.' },
  { name: 'MinPods', type: 'string', description: 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.' },
  { name: 'MaxPods', type: 'string', description: 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.' },
  { name: 'Replicas', type: 'string', description: 'currentReplicas is current number of replicas of pods managed by this autoscaler.' },
  ageColumn,
];

/** The field of MetricSpec and MetricStatus that holds each metric type's source. */
const METRIC_SOURCE: Readonly<Record<string, string>> = {
  External: 'external',
  Pods: 'pods',
  Object: 'object',
  Resource: 'resource',
  ContainerResource: 'containerResource',
};

/** One metric of formatHPAMetrics: "current/target", with the resource name for resource metrics. */
function formatMetric(metric: Json, current: Json | undefined): string {
  const type = asString(metric['type']);
  const source = (s: Json): Json => asObject(s[METRIC_SOURCE[type] ?? '']);
  const target = asObject(source(metric)['target']);
  const now = current === undefined ? undefined : source(current)['current'];
  const have = now !== undefined && now !== null;
  const value = (field: string): string => (have && asObject(now)[field] !== undefined ? quantityText(asObject(now)[field]) : '<unknown>');
  switch (type) {
    case 'External':
    case 'Object':
      if (target['averageValue'] !== undefined) return `${value('averageValue')}/${quantityText(target['averageValue'])} (avg)`;
      return `${value('value')}/${quantityText(target['value'])}`;
    case 'Pods':
      return `${value('averageValue')}/${quantityText(target['averageValue'])}`;
    case 'Resource':
    case 'ContainerResource': {
      const name = asString(source(metric)['name']);
      if (target['averageValue'] !== undefined) return `${name}: ${value('averageValue')}/${quantityText(target['averageValue'])}`;
      const utilization = have ? asObject(now)['averageUtilization'] : undefined;
      const currentText = typeof utilization === 'number' ? `${utilization}%` : '<unknown>';
      const targetText = typeof target['averageUtilization'] === 'number' ? `${target['averageUtilization']}%` : '<auto>';
      return `${name}: ${currentText}/${targetText}`;
    }
    default:
      return '<unknown type>';
  }
}

/** formatHPAMetrics: the first two metrics, then "+ N more...". */
function formatHPAMetrics(metrics: Json[], statuses: Json[]): string {
  if (metrics.length === 0) return '<none>';
  const max = 2;
  const cells = metrics.map((m, i) => formatMetric(m, statuses[i]));
  const shown = cells.slice(0, max).join(', ');
  return cells.length > max ? `${shown} + ${cells.length - max} more...` : shown;
}

export function horizontalPodAutoscalerRow(obj: KubeObject, nowMs: number): unknown[] {
  const sp = spec(obj);
  const st = status(obj);
  const ref = asObject(sp['scaleTargetRef']);
  return [
    nameOf(obj),
    `${asString(ref['kind'])}/${asString(ref['name'])}`,
    formatHPAMetrics(asObjects(sp['metrics']), asObjects(st['currentMetrics'])),
    typeof sp['minReplicas'] === 'number' ? String(sp['minReplicas']) : '<unset>',
    asNumber(sp['maxReplicas']),
    asNumber(st['currentReplicas']),
    ageOf(obj, nowMs),
  ];
}

export const priorityClassColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Value', type: 'integer', description: 'value represents the integer value of this priority class.' },
  { name: 'Global-Default', type: 'boolean', description: 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.' },
  ageColumn,
  { name: 'PreemptionPolicy', type: 'string', description: 'preemptionPolicy is the Policy for preempting pods with lower priority.' },
];

export const priorityClassRow = (obj: KubeObject, nowMs: number): unknown[] => [
  nameOf(obj),
  asNumber(obj['value']),
  obj['globalDefault'] === true,
  ageOf(obj, nowMs),
  asString(obj['preemptionPolicy']),
];
