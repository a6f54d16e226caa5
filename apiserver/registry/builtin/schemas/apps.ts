import type { Schema } from '../../schema.js';
import { labelSelector, resourceSchema } from './meta.js';
import { podTemplateSpec } from './pod.js';
import { persistentVolumeClaim } from './pvc.js';
import { atomic, bool, conditionList, dateTime, int32, int64, intOrString, obj, str } from './builders.js';

/** apps/v1 Deployment, ReplicaSet, DaemonSet, StatefulSet. */

const workloadCondition = (withLastUpdate: boolean): Schema =>
  obj(
    {
      lastTransitionTime: dateTime(),
      ...(withLastUpdate ? { lastUpdateTime: dateTime() } : {}),
      message: str(),
      reason: str(),
      status: str(),
      type: str(),
    },
    { required: ['type', 'status'] },
  );

const rollingUpdate: Schema = obj({ maxSurge: intOrString(), maxUnavailable: intOrString() });

export const deploymentSchema: Schema = resourceSchema(
  'Deployment enables declarative updates for Pods and ReplicaSets.',
  {
    spec: obj(
      {
        minReadySeconds: int32(),
        paused: bool(),
        progressDeadlineSeconds: int32(),
        replicas: int32(),
        revisionHistoryLimit: int32(),
        selector: labelSelector,
        strategy: obj({ rollingUpdate, type: str() }),
        template: podTemplateSpec,
      },
      { required: ['selector', 'template'] },
    ),
    status: obj({
      availableReplicas: int32(),
      collisionCount: int32(),
      conditions: conditionList(workloadCondition(true)),
      observedGeneration: int64(),
      readyReplicas: int32(),
      replicas: int32(),
      unavailableReplicas: int32(),
      updatedReplicas: int32(),
    }),
  },
);

export const replicaSetSchema: Schema = resourceSchema(
  'ReplicaSet ensures that a specified number of pod replicas are running at any given time.',
  {
    spec: obj(
      { minReadySeconds: int32(), replicas: int32(), selector: labelSelector, template: podTemplateSpec },
      { required: ['selector'] },
    ),
    status: obj(
      {
        availableReplicas: int32(),
        conditions: conditionList(workloadCondition(false)),
        fullyLabeledReplicas: int32(),
        observedGeneration: int64(),
        readyReplicas: int32(),
        replicas: int32(),
      },
      { required: ['replicas'] },
    ),
  },
);

export const daemonSetSchema: Schema = resourceSchema(
  'DaemonSet represents the configuration of a daemon set.',
  {
    spec: obj(
      {
        minReadySeconds: int32(),
        revisionHistoryLimit: int32(),
        selector: labelSelector,
        template: podTemplateSpec,
        updateStrategy: obj({ rollingUpdate, type: str() }),
      },
      { required: ['selector', 'template'] },
    ),
    status: obj(
      {
        collisionCount: int32(),
        conditions: conditionList(workloadCondition(false)),
        currentNumberScheduled: int32(),
        desiredNumberScheduled: int32(),
        numberAvailable: int32(),
        numberMisscheduled: int32(),
        numberReady: int32(),
        numberUnavailable: int32(),
        observedGeneration: int64(),
        updatedNumberScheduled: int32(),
      },
      { required: ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'] },
    ),
  },
);

export const statefulSetSchema: Schema = resourceSchema(
  'StatefulSet represents a set of pods with consistent identities.',
  {
    spec: obj(
      {
        minReadySeconds: int32(),
        ordinals: obj({ start: int32() }),
        persistentVolumeClaimRetentionPolicy: obj({ whenDeleted: str(), whenScaled: str() }),
        podManagementPolicy: str(),
        replicas: int32(),
        revisionHistoryLimit: int32(),
        selector: labelSelector,
        serviceName: str(),
        template: podTemplateSpec,
        updateStrategy: obj({
          rollingUpdate: obj({ maxUnavailable: intOrString(), partition: int32() }),
          type: str(),
        }),
        volumeClaimTemplates: atomic(persistentVolumeClaim),
      },
      { required: ['selector', 'template'] },
    ),
    status: obj(
      {
        availableReplicas: int32(),
        collisionCount: int32(),
        conditions: conditionList(workloadCondition(false)),
        currentReplicas: int32(),
        currentRevision: str(),
        observedGeneration: int64(),
        readyReplicas: int32(),
        replicas: int32(),
        updateRevision: str(),
        updatedReplicas: int32(),
      },
      { required: ['replicas'] },
    ),
  },
);
