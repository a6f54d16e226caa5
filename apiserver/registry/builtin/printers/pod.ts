import type { KubeObject } from '../../types.js';
import { parseTimestamp, timestampSince } from './duration.js';
import {
  ageColumn,
  ageOf,
  asNumber,
  asObject,
  asObjects,
  asString,
  nameColumn,
  nameOf,
  spec,
  status,
  type ColumnDefinition,
  type Json,
} from './format.js';

/** The pod table, as pkg/printers/internalversion printPod computes it. */

export const podColumnDefinitions: readonly ColumnDefinition[] = [
  nameColumn,
  { name: 'Ready', type: 'string', description: 'The aggregate readiness state of this pod for accepting traffic.' },
  { name: 'Status', type: 'string', description: 'The aggregate status of the containers in this pod.' },
  {
    name: 'Restarts',
    type: 'string',
    description:
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
  },
  ageColumn,
  { name: 'IP', type: 'string', priority: 1, description: 'podIP address allocated to the pod.' },
  { name: 'Node', type: 'string', priority: 1, description: 'NodeName indicates in which node this pod is scheduled.' },
  { name: 'Nominated Node', type: 'string', priority: 1, description: 'nominatedNodeName is set only when this pod preempts other pods on the node.' },
  { name: 'Readiness Gates', type: 'string', priority: 1, description: 'If specified, all readiness gates will be evaluated for pod readiness.' },
];

const isRestartableInitContainer = (container: Json | undefined): boolean => container?.['restartPolicy'] === 'Always';

const conditionTrue = (conditions: Json[], type: string): boolean => {
  for (const c of conditions) if (c['type'] === type) return c['status'] === 'True';
  return false;
};

/** The finishedAt of a container's last termination, if any. */
const lastTerminationFinishedAt = (containerStatus: Json): number | undefined => {
  const terminated = asObject(containerStatus['lastState'])['terminated'];
  if (terminated === undefined || terminated === null) return undefined;
  return parseTimestamp(asObject(terminated)['finishedAt']) ?? Number.NEGATIVE_INFINITY;
};

export function podRow(pod: KubeObject, nowMs: number): unknown[] {
  const podSpec = spec(pod);
  const podStatus = status(pod);
  const conditions = asObjects(podStatus['conditions']);
  const initContainerSpecs = asObjects(podSpec['initContainers']);
  let totalContainers = asObjects(podSpec['containers']).length;
  let readyContainers = 0;
  let restarts = 0;
  let restartableInitContainerRestarts = 0;
  // Undefined stands for Go's zero time: "no restart seen".
  let lastRestartDate: number | undefined;
  let lastRestartableInitContainerRestartDate: number | undefined;
  const later = (current: number | undefined, candidate: number | undefined): number | undefined =>
    candidate !== undefined && candidate !== Number.NEGATIVE_INFINITY && (current === undefined || current < candidate)
      ? candidate
      : current;

  const podPhase = asString(podStatus['phase']);
  let reason = asString(podStatus['reason']) || podPhase;
  for (const c of conditions) {
    if (c['type'] === 'PodScheduled' && c['reason'] === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initContainers = new Map<string, Json>();
  for (const c of initContainerSpecs) {
    initContainers.set(asString(c['name']), c);
    if (isRestartableInitContainer(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = asObjects(podStatus['initContainerStatuses']);
  for (const [i, container] of initStatuses.entries()) {
    const restartCount = asNumber(container['restartCount']);
    restarts += restartCount;
    lastRestartDate = later(lastRestartDate, lastTerminationFinishedAt(container));
    const restartable = isRestartableInitContainer(initContainers.get(asString(container['name'])));
    if (restartable) {
      restartableInitContainerRestarts += restartCount;
      lastRestartableInitContainerRestartDate = later(
        lastRestartableInitContainerRestartDate,
        lastTerminationFinishedAt(container),
      );
    }
    const state = asObject(container['state']);
    const terminated = state['terminated'] == null ? undefined : asObject(state['terminated']);
    const waiting = state['waiting'] == null ? undefined : asObject(state['waiting']);
    if (terminated !== undefined && asNumber(terminated['exitCode']) === 0) continue;
    if (restartable && container['started'] === true) {
      if (container['ready'] === true) readyContainers++;
      continue;
    }
    if (terminated !== undefined) {
      const terminatedReason = asString(terminated['reason']);
      if (terminatedReason === '') {
        const signal = asNumber(terminated['signal']);
        reason = signal !== 0 ? `Init:Signal:${signal}` : `Init:ExitCode:${asNumber(terminated['exitCode'])}`;
      } else {
        reason = `Init:${terminatedReason}`;
      }
    } else if (waiting !== undefined && asString(waiting['reason']) !== '' && waiting['reason'] !== 'PodInitializing') {
      reason = `Init:${asString(waiting['reason'])}`;
    } else {
      reason = `Init:${i}/${initContainerSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(conditions, 'Initialized')) {
    restarts = restartableInitContainerRestarts;
    lastRestartDate = lastRestartableInitContainerRestartDate;
    let hasRunning = false;
    const statuses = asObjects(podStatus['containerStatuses']);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i] ?? {};
      restarts += asNumber(container['restartCount']);
      lastRestartDate = later(lastRestartDate, lastTerminationFinishedAt(container));
      const state = asObject(container['state']);
      const terminated = state['terminated'] == null ? undefined : asObject(state['terminated']);
      const waiting = state['waiting'] == null ? undefined : asObject(state['waiting']);
      if (waiting !== undefined && asString(waiting['reason']) !== '') {
        reason = asString(waiting['reason']);
      } else if (terminated !== undefined && asString(terminated['reason']) !== '') {
        reason = asString(terminated['reason']);
      } else if (terminated !== undefined) {
        const signal = asNumber(terminated['signal']);
        reason = signal !== 0 ? `Signal:${signal}` : `ExitCode:${asNumber(terminated['exitCode'])}`;
      } else if (container['ready'] === true && state['running'] != null) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose last container completed but another still runs is shown as Running.
    if (reason === 'Completed' && hasRunning) {
      reason = conditionTrue(conditions, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  const deleting = pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
  if (deleting && podStatus['reason'] === 'NodeLost') {
    reason = 'Unknown';
  } else if (deleting && podPhase !== 'Succeeded' && podPhase !== 'Failed') {
    reason = 'Terminating';
  }

  let restartsCell = String(restarts);
  if (restarts !== 0 && lastRestartDate !== undefined) {
    restartsCell = `${restarts} (${timestampSince(new Date(lastRestartDate).toISOString(), nowMs)} ago)`;
  }

  const podIPs = asObjects(podStatus['podIPs']);
  const podIP = asString(podIPs[0]?.['ip']) || asString(podStatus['podIP']) || '<none>';
  const readinessGates = asObjects(podSpec['readinessGates']);
  let gates = '<none>';
  if (readinessGates.length > 0) {
    let trueConditions = 0;
    for (const gate of readinessGates) {
      const found = conditions.find((c) => c['type'] === gate['conditionType']);
      if (found?.['status'] === 'True') trueConditions++;
    }
    gates = `${trueConditions}/${readinessGates.length}`;
  }

  return [
    nameOf(pod),
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsCell,
    ageOf(pod, nowMs),
    podIP,
    asString(podSpec['nodeName']) || '<none>',
    asString(podStatus['nominatedNodeName']) || '<none>',
    gates,
  ];
}
