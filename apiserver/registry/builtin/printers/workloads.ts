import type { KubeObject } from '../../types.js';
import { humanDuration, parseTimestamp, timestampSince } from './duration.js';
import {
  ageColumn,
  ageOf,
  asArray,
  asNumber,
  asObject,
  asObjects,
  asString,
  containerCells,
  formatLabels,
  formatLabelSelector,
  labelSelectorString,
  nameColumn,
  nameOf,
  spec,
  status,
  templateSpec,
  type ColumnDefinition,
} from './format.js';

/** Tables of apps/v1 and batch/v1 workloads (printDeployment, printReplicaSet, printJob, printCronJob, …). */

const containersColumn: ColumnDefinition = {
  name: 'Containers',
  type: 'string',
  priority: 1,
  description: 'Names of each container in the template.',
};
const imagesColumn: ColumnDefinition = {
  name: 'Images',
  type: 'string',
  priority: 1,
  description: 'Images referenced by each container in the template.',
};
const selectorColumn = (description: string): ColumnDefinition => ({
  name: 'Selector',
  type: 'string',
  priority: 1,
  description,
});
const SELECTOR_DESCRIPTION = 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.';

/** Defaulted replicas: a decoded object always carries them upstream (default 1). */
const replicas = (obj: KubeObject): number => asNumber(spec(obj)['replicas'], 1);

export const deploymentColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Ready', type: 'string', description: 'Number of the pod with ready state' },
  { name: 'Up-to-date', type: 'string', description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.' },
  { name: 'Available', type: 'string', description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.' },
  ageColumn,
  containersColumn,
  imagesColumn,
  selectorColumn(SELECTOR_DESCRIPTION),
];

export function deploymentRow(obj: KubeObject, nowMs: number): unknown[] {
  const st = status(obj);
  const [names, images] = containerCells(templateSpec(obj));
  return [
    nameOf(obj),
    `${asNumber(st['readyReplicas'])}/${replicas(obj)}`,
    asNumber(st['updatedReplicas']),
    asNumber(st['availableReplicas']),
    ageOf(obj, nowMs),
    names,
    images,
    labelSelectorString(spec(obj)['selector']) ?? '<invalid>',
  ];
}

export const replicaSetColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Desired', type: 'integer', description: 'Replicas is the number of desired replicas.' },
  { name: 'Current', type: 'integer', description: 'Replicas is the most recently observed number of replicas.' },
  { name: 'Ready', type: 'integer', description: 'The number of ready replicas for this replica set.' },
  ageColumn,
  containersColumn,
  imagesColumn,
  selectorColumn('Selector is a label query over pods that should match the replica count.'),
];

export function replicaSetRow(obj: KubeObject, nowMs: number): unknown[] {
  const st = status(obj);
  const [names, images] = containerCells(templateSpec(obj));
  return [
    nameOf(obj),
    replicas(obj),
    asNumber(st['replicas']),
    asNumber(st['readyReplicas']),
    ageOf(obj, nowMs),
    names,
    images,
    formatLabelSelector(spec(obj)['selector']),
  ];
}

export const daemonSetColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Desired', type: 'integer', description: 'The total number of nodes that should be running the daemon pod.' },
  { name: 'Current', type: 'integer', description: 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.' },
  { name: 'Ready', type: 'integer', description: 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.' },
  { name: 'Up-to-date', type: 'integer', description: 'The total number of nodes that are running updated daemon pod' },
  { name: 'Available', type: 'integer', description: 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.' },
  { name: 'Node Selector', type: 'string', description: "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node." },
  ageColumn,
  containersColumn,
  imagesColumn,
  selectorColumn('A label query over pods that are managed by the daemon set.'),
];

export function daemonSetRow(obj: KubeObject, nowMs: number): unknown[] {
  const st = status(obj);
  const [names, images] = containerCells(templateSpec(obj));
  return [
    nameOf(obj),
    asNumber(st['desiredNumberScheduled']),
    asNumber(st['currentNumberScheduled']),
    asNumber(st['numberReady']),
    asNumber(st['updatedNumberScheduled']),
    asNumber(st['numberAvailable']),
    formatLabels(templateSpec(obj)['nodeSelector']),
    ageOf(obj, nowMs),
    names,
    images,
    formatLabelSelector(spec(obj)['selector']),
  ];
}

export const statefulSetColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Ready', type: 'string', description: 'Number of the pod with ready state' },
  ageColumn,
  containersColumn,
  imagesColumn,
];

export function statefulSetRow(obj: KubeObject, nowMs: number): unknown[] {
  const [names, images] = containerCells(templateSpec(obj));
  return [nameOf(obj), `${asNumber(status(obj)['readyReplicas'])}/${replicas(obj)}`, ageOf(obj, nowMs), names, images];
}

/** The wide columns of Jobs and CronJobs (the job template's containers and selector). */
const jobWideColumns: readonly ColumnDefinition[] = [
  containersColumn,
  imagesColumn,
  selectorColumn('A label query over pods that should match the pod count.'),
];

export const jobColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Status', type: 'string', description: 'Status of the job.' },
  { name: 'Completions', type: 'string', description: 'The number of pods which reached phase Succeeded.' },
  { name: 'Duration', type: 'string', description: 'Time required to complete the job.' },
  ageColumn,
  ...jobWideColumns,
];

/** hasJobCondition: the first condition of that type decides. */
function hasJobCondition(obj: KubeObject, type: string): boolean {
  for (const c of asObjects(status(obj)['conditions'])) if (c['type'] === type) return c['status'] === 'True';
  return false;
}

export function jobRow(obj: KubeObject, nowMs: number): unknown[] {
  const sp = spec(obj);
  const st = status(obj);
  const succeeded = asNumber(st['succeeded']);
  let completions: string;
  if (typeof sp['completions'] === 'number') {
    completions = `${succeeded}/${sp['completions']}`;
  } else {
    const parallelism = asNumber(sp['parallelism']);
    completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
  }
  const start = parseTimestamp(st['startTime']);
  const completion = parseTimestamp(st['completionTime']);
  let duration = '';
  if (start !== undefined) duration = humanDuration((completion ?? nowMs) - start);
  let jobStatus: string;
  if (hasJobCondition(obj, 'Complete')) jobStatus = 'Complete';
  else if (hasJobCondition(obj, 'Failed')) jobStatus = 'Failed';
  else if (obj.metadata?.deletionTimestamp != null) jobStatus = 'Terminating';
  else if (hasJobCondition(obj, 'Suspended')) jobStatus = 'Suspended';
  else if (hasJobCondition(obj, 'FailureTarget')) jobStatus = 'FailureTarget';
  else jobStatus = 'Running';
  const [names, images] = containerCells(templateSpec(obj));
  return [
    nameOf(obj),
    jobStatus,
    completions,
    duration,
    ageOf(obj, nowMs),
    names,
    images,
    formatLabelSelector(asObject(sp)['selector']),
  ];
}

export const cronJobColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Schedule', type: 'string', description: 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.' },
  { name: 'Timezone', type: 'string', description: 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.' },
  { name: 'Suspend', type: 'boolean', description: 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.' },
  { name: 'Active', type: 'integer', description: 'A list of pointers to currently running jobs.' },
  { name: 'Last Schedule', type: 'string', description: 'Information when was the last time the job was successfully scheduled.' },
  ageColumn,
  ...jobWideColumns,
];

/** printBoolPtr: "True" or "False" (printBool), "<unset>" for a missing pointer. */
const boolPtr = (value: unknown): string => (typeof value === 'boolean' ? (value ? 'True' : 'False') : '<unset>');

export function cronJobRow(obj: KubeObject, nowMs: number): unknown[] {
  const sp = spec(obj);
  const st = status(obj);
  const jobSpec = asObject(asObject(sp['jobTemplate'])['spec']);
  const [names, images] = containerCells(asObject(asObject(jobSpec['template'])['spec']));
  const lastSchedule = st['lastScheduleTime'];
  return [
    nameOf(obj),
    asString(sp['schedule']),
    typeof sp['timeZone'] === 'string' ? sp['timeZone'] : '<none>',
    boolPtr(sp['suspend']),
    asArray(st['active']).length,
    typeof lastSchedule === 'string' ? timestampSince(lastSchedule, nowMs) : '<none>',
    ageOf(obj, nowMs),
    names,
    images,
    formatLabelSelector(jobSpec['selector']),
  ];
}
