import type { Schema } from '../../schema.js';
import { labelSelector, metaCondition, resourceSchema } from './meta.js';
import { conditionList, dateTime, int32, int64, intOrString, mapOf, obj, str } from './builders.js';

/** policy/v1 PodDisruptionBudget. */

export const podDisruptionBudgetSchema: Schema = resourceSchema(
  'PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods',
  {
    spec: obj({
      maxUnavailable: intOrString(),
      minAvailable: intOrString(),
      // `patchStrategy:"replace"`: strategic merge patch replaces the selector whole.
      selector: { ...labelSelector, 'x-kubernetes-patch-strategy': 'replace' },
      unhealthyPodEvictionPolicy: str(),
    }),
    status: obj(
      {
        conditions: conditionList(metaCondition),
        currentHealthy: int32(),
        desiredHealthy: int32(),
        disruptedPods: mapOf(dateTime()),
        disruptionsAllowed: int32(),
        expectedPods: int32(),
        observedGeneration: int64(),
      },
      { required: ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] },
    ),
  },
);
