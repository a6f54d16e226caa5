import type { Schema } from '../../schema.js';
import { labelSelector, resourceSchema } from './meta.js';
import { atomic, atomicObj, bool, int32, int64, listMap, obj, str, strings } from './builders.js';

/** core/v1 scheduling constraints (affinity, tolerations, topology spread) and PriorityClass. */

const nodeSelectorRequirement: Schema = obj(
  { key: str(), operator: str(), values: strings() },
  { required: ['key', 'operator'] },
);

const nodeSelectorTerm: Schema = atomicObj({
  matchExpressions: atomic(nodeSelectorRequirement),
  matchFields: atomic(nodeSelectorRequirement),
});

export const nodeSelector: Schema = atomicObj(
  { nodeSelectorTerms: atomic(nodeSelectorTerm) },
  { required: ['nodeSelectorTerms'] },
);

const podAffinityTerm: Schema = obj(
  {
    labelSelector,
    matchLabelKeys: strings(),
    mismatchLabelKeys: strings(),
    namespaceSelector: labelSelector,
    namespaces: strings(),
    topologyKey: str(),
  },
  { required: ['topologyKey'] },
);

const weightedPodAffinityTerm: Schema = obj(
  { podAffinityTerm, weight: int32() },
  { required: ['weight', 'podAffinityTerm'] },
);

const podAffinity: Schema = obj({
  preferredDuringSchedulingIgnoredDuringExecution: atomic(weightedPodAffinityTerm),
  requiredDuringSchedulingIgnoredDuringExecution: atomic(podAffinityTerm),
});

export const affinity: Schema = obj({
  nodeAffinity: obj({
    preferredDuringSchedulingIgnoredDuringExecution: atomic(
      obj({ preference: nodeSelectorTerm, weight: int32() }, { required: ['weight', 'preference'] }),
    ),
    requiredDuringSchedulingIgnoredDuringExecution: nodeSelector,
  }),
  podAffinity,
  podAntiAffinity: podAffinity,
});

export const toleration: Schema = obj({
  effect: str(),
  key: str(),
  operator: str(),
  tolerationSeconds: int64(),
  value: str(),
});

export const topologySpreadConstraint: Schema = obj(
  {
    labelSelector,
    matchLabelKeys: strings(),
    maxSkew: int32(),
    minDomains: int32(),
    nodeAffinityPolicy: str(),
    nodeTaintsPolicy: str(),
    topologyKey: str(),
    whenUnsatisfiable: str(),
  },
  { required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] },
);

export const topologySpreadConstraints: Schema = listMap(
  topologySpreadConstraint,
  ['topologyKey', 'whenUnsatisfiable'],
  'merge',
);

/** scheduling.k8s.io/v1 PriorityClass. */
export const priorityClassSchema: Schema = resourceSchema(
  'PriorityClass defines mapping from a priority class name to the priority integer value. The value can be any valid integer.',
  { description: str(), globalDefault: bool(), preemptionPolicy: str(), value: int32() },
  ['value'],
);
