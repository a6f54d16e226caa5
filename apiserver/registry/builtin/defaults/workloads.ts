import type { KubeObject } from '../../types.js';
import { asObject, type Json } from '../printers/format.js';
import { volumeSourceNames } from '../schemas/volumes.js';
import { ensure, ensureSpec, isObject, unset } from './json.js';
import { defaultPersistentVolumeClaimSpec, defaultPodTemplate } from './pod.js';

/** apps/v1 and batch/v1 defaulting (pkg/apis/apps/v1/defaults.go, pkg/apis/batch/v1/defaults.go). */

/** The spec of a workload, created when missing, with the pod template defaulted. */
function workloadSpec(obj: KubeObject): Json {
  const spec = ensureSpec(obj);
  defaultPodTemplate(spec['template'], volumeSourceNames);
  return spec;
}

export function defaultDeployment(obj: KubeObject): void {
  const spec = workloadSpec(obj);
  if (unset(spec['replicas'])) spec['replicas'] = 1;
  const strategy = ensure(spec, 'strategy');
  if (unset(strategy['type']) || strategy['type'] === '') strategy['type'] = 'RollingUpdate';
  if (strategy['type'] === 'RollingUpdate') {
    const rollingUpdate = ensure(strategy, 'rollingUpdate');
    if (unset(rollingUpdate['maxUnavailable'])) rollingUpdate['maxUnavailable'] = '25%';
    if (unset(rollingUpdate['maxSurge'])) rollingUpdate['maxSurge'] = '25%';
  }
  if (unset(spec['revisionHistoryLimit'])) spec['revisionHistoryLimit'] = 10;
  if (unset(spec['progressDeadlineSeconds'])) spec['progressDeadlineSeconds'] = 600;
}

export function defaultReplicaSet(obj: KubeObject): void {
  const spec = workloadSpec(obj);
  if (unset(spec['replicas'])) spec['replicas'] = 1;
}

export function defaultDaemonSet(obj: KubeObject): void {
  const spec = workloadSpec(obj);
  const strategy = ensure(spec, 'updateStrategy');
  if (unset(strategy['type']) || strategy['type'] === '') strategy['type'] = 'RollingUpdate';
  if (strategy['type'] === 'RollingUpdate') {
    const rollingUpdate = ensure(strategy, 'rollingUpdate');
    if (unset(rollingUpdate['maxUnavailable'])) rollingUpdate['maxUnavailable'] = 1;
    if (unset(rollingUpdate['maxSurge'])) rollingUpdate['maxSurge'] = 0;
  }
  if (unset(spec['revisionHistoryLimit'])) spec['revisionHistoryLimit'] = 10;
}

export function defaultStatefulSet(obj: KubeObject): void {
  const spec = workloadSpec(obj);
  if (unset(spec['podManagementPolicy']) || spec['podManagementPolicy'] === '') spec['podManagementPolicy'] = 'OrderedReady';
  const strategy = ensure(spec, 'updateStrategy');
  if (unset(strategy['type']) || strategy['type'] === '') {
    strategy['type'] = 'RollingUpdate';
    ensure(strategy, 'rollingUpdate');
  }
  if (strategy['type'] === 'RollingUpdate' && isObject(strategy['rollingUpdate'])) {
    if (unset(strategy['rollingUpdate']['partition'])) strategy['rollingUpdate']['partition'] = 0;
  }
  const retention = ensure(spec, 'persistentVolumeClaimRetentionPolicy');
  if (unset(retention['whenDeleted']) || retention['whenDeleted'] === '') retention['whenDeleted'] = 'Retain';
  if (unset(retention['whenScaled']) || retention['whenScaled'] === '') retention['whenScaled'] = 'Retain';
  if (unset(spec['replicas'])) spec['replicas'] = 1;
  if (unset(spec['revisionHistoryLimit'])) spec['revisionHistoryLimit'] = 10;
  if (Array.isArray(spec['volumeClaimTemplates'])) {
    for (const pvc of spec['volumeClaimTemplates'].filter(isObject)) {
      defaultPersistentVolumeClaimSpec(ensure(pvc, 'spec'));
      const pvcStatus = ensure(pvc, 'status');
      if (unset(pvcStatus['phase']) || pvcStatus['phase'] === '') pvcStatus['phase'] = 'Pending';
    }
  }
}

/** SetDefaults_Job, and the selector the job strategy generates from the job's uid. */
export function defaultJob(obj: KubeObject): void {
  const spec = workloadSpec(obj);
  if (unset(spec['completions']) && unset(spec['parallelism'])) {
    spec['completions'] = 1;
    spec['parallelism'] = 1;
  }
  if (unset(spec['parallelism'])) spec['parallelism'] = 1;
  if (unset(spec['backoffLimit'])) spec['backoffLimit'] = unset(spec['backoffLimitPerIndex']) ? 6 : 2147483647;
  if (unset(spec['completionMode'])) spec['completionMode'] = 'NonIndexed';
  if (unset(spec['suspend'])) spec['suspend'] = false;
  const podFailurePolicy = spec['podFailurePolicy'];
  if (isObject(podFailurePolicy) && Array.isArray(podFailurePolicy['rules'])) {
    for (const rule of podFailurePolicy['rules'].filter(isObject)) {
      if (Array.isArray(rule['onPodConditions'])) {
        for (const pattern of rule['onPodConditions'].filter(isObject)) {
          if (unset(pattern['status']) || pattern['status'] === '') pattern['status'] = 'True';
        }
      }
    }
  }
  if (unset(spec['podReplacementPolicy'])) spec['podReplacementPolicy'] = isObject(podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed';
  generateJobSelector(obj, spec);
  // The job's labels default to its template's (the same map upstream, so generated labels show too).
  const templateLabels = asObject(asObject(spec['template'])['metadata'])['labels'];
  const meta = (obj.metadata ??= {});
  if (isObject(templateLabels) && Object.keys(meta.labels ?? {}).length === 0) {
    meta.labels = { ...(templateLabels as Record<string, string>) };
  }
}

/**
 * generateSelector: unless manualSelector is true, the selector gets
 * `batch.kubernetes.io/controller-uid=<uid>` and the template the matching labels (the uid is
 * assigned before defaulting on create).
 */
function generateJobSelector(obj: KubeObject, spec: Json): void {
  const uid = obj.metadata?.uid;
  if (spec['manualSelector'] === true || uid === undefined || uid === '') return;
  const name = obj.metadata?.name ?? '';
  const template = ensure(spec, 'template');
  const templateMeta = ensure(template, 'metadata');
  const labels = ensure(templateMeta, 'labels');
  const add = (k: string, v: string): void => {
    if (labels[k] === undefined) labels[k] = v;
  };
  add('batch.kubernetes.io/controller-uid', uid);
  add('batch.kubernetes.io/job-name', name);
  add('controller-uid', uid);
  add('job-name', name);
  const matchLabels = ensure(ensure(spec, 'selector'), 'matchLabels');
  if (matchLabels['batch.kubernetes.io/controller-uid'] === undefined) matchLabels['batch.kubernetes.io/controller-uid'] = uid;
}

/**
 * SetDefaults_CronJob, and the pod template's defaults inside the job template (SetDefaults_Job
 * applies to Jobs only, so the template's JobSpec keeps what was sent).
 */
export function defaultCronJob(obj: KubeObject): void {
  const spec = ensureSpec(obj);
  if (unset(spec['concurrencyPolicy']) || spec['concurrencyPolicy'] === '') spec['concurrencyPolicy'] = 'Allow';
  if (unset(spec['suspend'])) spec['suspend'] = false;
  if (unset(spec['successfulJobsHistoryLimit'])) spec['successfulJobsHistoryLimit'] = 3;
  if (unset(spec['failedJobsHistoryLimit'])) spec['failedJobsHistoryLimit'] = 1;
  const jobTemplate = spec['jobTemplate'];
  if (isObject(jobTemplate) && isObject(jobTemplate['spec'])) defaultPodTemplate(jobTemplate['spec']['template'], volumeSourceNames);
}
