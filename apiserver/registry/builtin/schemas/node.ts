import type { Schema } from '../../schema.js';
import { resourceSchema } from './meta.js';
import { atomic, bool, conditionList, dateTime, int32, int64, listMap, obj, quantityMap, set, str, strings } from './builders.js';

/** core/v1 Node. */

const configMapNodeConfigSource: Schema = obj(
  { kubeletConfigKey: str(), name: str(), namespace: str(), resourceVersion: str(), uid: str() },
  { required: ['namespace', 'name', 'kubeletConfigKey'] },
);
const nodeConfigSource: Schema = obj({ configMap: configMapNodeConfigSource });

const taint: Schema = obj(
  { effect: str(), key: str(), timeAdded: dateTime(), value: str() },
  { required: ['key', 'effect'] },
);

const nodeSpec: Schema = obj({
  configSource: nodeConfigSource,
  externalID: str(),
  podCIDR: str(),
  podCIDRs: set(str(), 'merge'),
  providerID: str(),
  taints: atomic(taint),
  unschedulable: bool(),
});

const nodeCondition: Schema = obj(
  {
    lastHeartbeatTime: dateTime(),
    lastTransitionTime: dateTime(),
    message: str(),
    reason: str(),
    status: str(),
    type: str(),
  },
  { required: ['type', 'status'] },
);

const nodeSystemInfo: Schema = obj(
  {
    architecture: str(),
    bootID: str(),
    containerRuntimeVersion: str(),
    kernelVersion: str(),
    kubeProxyVersion: str(),
    kubeletVersion: str(),
    machineID: str(),
    operatingSystem: str(),
    osImage: str(),
    systemUUID: str(),
  },
  {
    required: [
      'machineID',
      'systemUUID',
      'bootID',
      'kernelVersion',
      'osImage',
      'containerRuntimeVersion',
      'kubeletVersion',
      'kubeProxyVersion',
      'operatingSystem',
      'architecture',
    ],
  },
);

const nodeStatus: Schema = obj({
  addresses: listMap(obj({ address: str(), type: str() }, { required: ['type', 'address'] }), ['type'], 'merge'),
  allocatable: quantityMap(),
  capacity: quantityMap(),
  conditions: conditionList(nodeCondition),
  config: obj({ active: nodeConfigSource, assigned: nodeConfigSource, error: str(), lastKnownGood: nodeConfigSource }),
  daemonEndpoints: obj({ kubeletEndpoint: obj({ Port: int32() }, { required: ['Port'] }) }),
  features: obj({ supplementalGroupsPolicy: bool() }),
  images: atomic(obj({ names: strings(), sizeBytes: int64() })),
  nodeInfo: nodeSystemInfo,
  phase: str(),
  runtimeHandlers: atomic(
    obj({ features: obj({ recursiveReadOnlyMounts: bool(), userNamespaces: bool() }), name: str() }),
  ),
  volumesAttached: atomic(obj({ devicePath: str(), name: str() }, { required: ['name', 'devicePath'] })),
  volumesInUse: strings(),
});

export const nodeSchema: Schema = resourceSchema(
  'Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).',
  { spec: nodeSpec, status: nodeStatus },
);
