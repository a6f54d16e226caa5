import type { Schema } from '../../schema.js';
import { labelSelector, objectMeta, objectReference, resourceSchema } from './meta.js';
import { podTemplateSpec } from './pod.js';
import { atomic, atomicMerged, bool, dateTime, int32, int64, obj, set, str } from './builders.js';

/** batch/v1 Job and CronJob. */

const podFailurePolicyRule: Schema = obj(
  {
    action: str(),
    onExitCodes: obj(
      { containerName: str(), operator: str(), values: set(int32()) },
      { required: ['operator', 'values'] },
    ),
    onPodConditions: atomic(obj({ status: str(), type: str() }, { required: ['type'] })),
  },
  { required: ['action'] },
);

const jobCondition: Schema = obj(
  {
    lastProbeTime: dateTime(),
    lastTransitionTime: dateTime(),
    message: str(),
    reason: str(),
    status: str(),
    type: str(),
  },
  { required: ['type', 'status'] },
);

const jobSpec: Schema = obj(
  {
    activeDeadlineSeconds: int64(),
    backoffLimit: int32(),
    backoffLimitPerIndex: int32(),
    completionMode: str(),
    completions: int32(),
    managedBy: str(),
    manualSelector: bool(),
    maxFailedIndexes: int32(),
    parallelism: int32(),
    podFailurePolicy: obj({ rules: atomic(podFailurePolicyRule) }, { required: ['rules'] }),
    podReplacementPolicy: str(),
    selector: labelSelector,
    successPolicy: obj(
      { rules: atomic(obj({ succeededCount: int32(), succeededIndexes: str() })) },
      { required: ['rules'] },
    ),
    suspend: bool(),
    template: podTemplateSpec,
    ttlSecondsAfterFinished: int32(),
  },
  { required: ['template'] },
);

export const jobSchema: Schema = resourceSchema('Job represents the configuration of a single job.', {
  spec: jobSpec,
  status: obj({
    active: int32(),
    completedIndexes: str(),
    completionTime: dateTime(),
    conditions: atomicMerged(jobCondition, 'type'),
    failed: int32(),
    failedIndexes: str(),
    ready: int32(),
    startTime: dateTime(),
    succeeded: int32(),
    terminating: int32(),
    uncountedTerminatedPods: obj({ failed: set(str()), succeeded: set(str()) }),
  }),
});

export const cronJobSchema: Schema = resourceSchema('CronJob represents the configuration of a single cron job.', {
  spec: obj(
    {
      concurrencyPolicy: str(),
      failedJobsHistoryLimit: int32(),
      jobTemplate: obj({ metadata: objectMeta, spec: jobSpec }),
      schedule: str(),
      startingDeadlineSeconds: int64(),
      successfulJobsHistoryLimit: int32(),
      suspend: bool(),
      timeZone: str(),
    },
    { required: ['schedule', 'jobTemplate'] },
  ),
  status: obj({
    active: atomic(objectReference),
    lastScheduleTime: dateTime(),
    lastSuccessfulTime: dateTime(),
  }),
});
