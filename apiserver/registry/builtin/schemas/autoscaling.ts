import type { Schema } from '../../schema.js';
import { labelSelector, resourceSchema } from './meta.js';
import { atomic, conditionList, dateTime, int32, int64, obj, quantity, str } from './builders.js';

/** autoscaling/v2 HorizontalPodAutoscaler. */

const crossVersionObjectReference: Schema = obj(
  { apiVersion: str(), kind: str(), name: str() },
  { required: ['kind', 'name'] },
);

const metricIdentifier: Schema = obj({ name: str(), selector: labelSelector }, { required: ['name'] });

const metricTarget: Schema = obj(
  { averageUtilization: int32(), averageValue: quantity(), type: str(), value: quantity() },
  { required: ['type'] },
);

const metricValueStatus: Schema = obj({ averageUtilization: int32(), averageValue: quantity(), value: quantity() });

/** MetricSpec and MetricStatus share their shape: `value` is the target or the current value. */
function metricSources(value: 'target' | 'current', valueSchema: Schema): Readonly<Record<string, Schema>> {
  return {
    containerResource: obj({ container: str(), name: str(), [value]: valueSchema }, { required: ['name', value, 'container'] }),
    external: obj({ metric: metricIdentifier, [value]: valueSchema }, { required: ['metric', value] }),
    object: obj(
      { describedObject: crossVersionObjectReference, metric: metricIdentifier, [value]: valueSchema },
      { required: ['describedObject', value, 'metric'] },
    ),
    pods: obj({ metric: metricIdentifier, [value]: valueSchema }, { required: ['metric', value] }),
    resource: obj({ name: str(), [value]: valueSchema }, { required: ['name', value] }),
  };
}

const scalingRules: Schema = obj({
  policies: atomic(obj({ periodSeconds: int32(), type: str(), value: int32() }, { required: ['type', 'value', 'periodSeconds'] })),
  selectPolicy: str(),
  stabilizationWindowSeconds: int32(),
});

const hpaCondition: Schema = obj(
  { lastTransitionTime: dateTime(), message: str(), reason: str(), status: str(), type: str() },
  { required: ['type', 'status'] },
);

export const horizontalPodAutoscalerSchema: Schema = resourceSchema(
  'HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler, which automatically manages the replica count of any resource implementing the scale subresource based on the metrics specified.',
  {
    spec: obj(
      {
        behavior: obj({ scaleDown: scalingRules, scaleUp: scalingRules }),
        maxReplicas: int32(),
        metrics: atomic(obj({ ...metricSources('target', metricTarget), type: str() }, { required: ['type'] })),
        minReplicas: int32(),
        scaleTargetRef: crossVersionObjectReference,
      },
      { required: ['scaleTargetRef', 'maxReplicas'] },
    ),
    status: obj(
      {
        conditions: conditionList(hpaCondition),
        currentMetrics: atomic(obj({ ...metricSources('current', metricValueStatus), type: str() }, { required: ['type'] })),
        currentReplicas: int32(),
        desiredReplicas: int32(),
        lastScaleTime: dateTime(),
        observedGeneration: int64(),
      },
      { required: ['desiredReplicas'] },
    ),
  },
);
