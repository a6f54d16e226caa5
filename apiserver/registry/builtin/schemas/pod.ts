import type { Schema } from '../../schema.js';
import { localObjectReference, objectMeta, resourceSchema } from './meta.js';
import {
  appArmorProfile,
  container,
  ephemeralContainer,
  resourceRequirements,
  seccompProfile,
  seLinuxOptions,
  windowsSecurityContextOptions,
} from './container.js';
import { affinity, toleration, topologySpreadConstraints } from './scheduling.js';
import { volume } from './volumes.js';
import {
  atomic,
  atomicMerged,
  bool,
  conditionList,
  dateTime,
  int32,
  int64,
  listMap,
  obj,
  quantityMap,
  str,
  stringMap,
  strings,
} from './builders.js';

/** core/v1 PodSpec, PodStatus and PodTemplateSpec. */

const podSecurityContext: Schema = obj({
  appArmorProfile,
  fsGroup: int64(),
  fsGroupChangePolicy: str(),
  runAsGroup: int64(),
  runAsNonRoot: bool(),
  runAsUser: int64(),
  seLinuxChangePolicy: str(),
  seLinuxOptions,
  seccompProfile,
  supplementalGroups: atomic(int64()),
  supplementalGroupsPolicy: str(),
  sysctls: atomic(obj({ name: str(), value: str() }, { required: ['name', 'value'] })),
  windowsOptions: windowsSecurityContextOptions,
});

const podDNSConfig: Schema = obj({
  nameservers: strings(),
  options: atomic(obj({ name: str(), value: str() })),
  searches: strings(),
});

export const podSpec: Schema = obj(
  {
    activeDeadlineSeconds: int64(),
    affinity,
    automountServiceAccountToken: bool(),
    containers: listMap(container, ['name'], 'merge'),
    dnsConfig: podDNSConfig,
    dnsPolicy: str(),
    enableServiceLinks: bool(),
    ephemeralContainers: listMap(ephemeralContainer, ['name'], 'merge'),
    hostAliases: listMap(obj({ hostnames: strings(), ip: str() }, { required: ['ip'] }), ['ip'], 'merge'),
    hostIPC: bool(),
    hostNetwork: bool(),
    hostPID: bool(),
    hostUsers: bool(),
    hostname: str(),
    imagePullSecrets: listMap(localObjectReference, ['name'], 'merge'),
    initContainers: listMap(container, ['name'], 'merge'),
    nodeName: str(),
    nodeSelector: stringMap({ 'x-kubernetes-map-type': 'atomic' }),
    os: obj({ name: str() }, { required: ['name'] }),
    overhead: quantityMap(),
    preemptionPolicy: str(),
    priority: int32(),
    priorityClassName: str(),
    readinessGates: atomic(obj({ conditionType: str() }, { required: ['conditionType'] })),
    resourceClaims: listMap(
      obj({ name: str(), resourceClaimName: str(), resourceClaimTemplateName: str() }, { required: ['name'] }),
      ['name'],
      'merge,retainKeys',
    ),
    resources: resourceRequirements,
    restartPolicy: str(),
    runtimeClassName: str(),
    schedulerName: str(),
    schedulingGates: listMap(obj({ name: str() }, { required: ['name'] }), ['name'], 'merge'),
    securityContext: podSecurityContext,
    serviceAccount: str(),
    serviceAccountName: str(),
    setHostnameAsFQDN: bool(),
    shareProcessNamespace: bool(),
    subdomain: str(),
    terminationGracePeriodSeconds: int64(),
    tolerations: atomic(toleration),
    topologySpreadConstraints,
    volumes: listMap(volume, ['name'], 'merge,retainKeys'),
  },
  { required: ['containers'] },
);

export const podTemplateSpec: Schema = obj({ metadata: objectMeta, spec: podSpec });

const containerState: Schema = obj({
  running: obj({ startedAt: dateTime() }),
  terminated: obj(
    {
      containerID: str(),
      exitCode: int32(),
      finishedAt: dateTime(),
      message: str(),
      reason: str(),
      signal: int32(),
      startedAt: dateTime(),
    },
    { required: ['exitCode'] },
  ),
  waiting: obj({ message: str(), reason: str() }),
});

const resourceStatus: Schema = obj(
  {
    name: str(),
    resources: listMap(obj({ health: str(), resourceID: str() }, { required: ['resourceID'] }), ['resourceID']),
  },
  { required: ['name'] },
);

const volumeMountStatus: Schema = obj(
  { mountPath: str(), name: str(), readOnly: bool(), recursiveReadOnly: str() },
  { required: ['name', 'mountPath'] },
);

export const containerStatus: Schema = obj(
  {
    allocatedResources: quantityMap(),
    allocatedResourcesStatus: listMap(resourceStatus, ['name'], 'merge'),
    containerID: str(),
    image: str(),
    imageID: str(),
    lastState: containerState,
    name: str(),
    ready: bool(),
    resources: resourceRequirements,
    restartCount: int32(),
    started: bool(),
    state: containerState,
    user: obj({
      linux: obj(
        { gid: int64(), supplementalGroups: atomic(int64()), uid: int64() },
        { required: ['uid', 'gid'] },
      ),
    }),
    volumeMounts: listMap(volumeMountStatus, ['mountPath'], 'merge'),
  },
  { required: ['name', 'ready', 'restartCount', 'image', 'imageID'] },
);

const podCondition: Schema = obj(
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

const ipEntry: Schema = obj({ ip: str() }, { required: ['ip'] });

export const podStatus: Schema = obj({
  conditions: conditionList(podCondition),
  containerStatuses: atomic(containerStatus),
  ephemeralContainerStatuses: atomic(containerStatus),
  hostIP: str(),
  hostIPs: atomicMerged(ipEntry, 'ip'),
  initContainerStatuses: atomic(containerStatus),
  message: str(),
  nominatedNodeName: str(),
  phase: str(),
  podIP: str(),
  podIPs: listMap(ipEntry, ['ip'], 'merge'),
  qosClass: str(),
  reason: str(),
  resize: str(),
  resourceClaimStatuses: listMap(
    obj({ name: str(), resourceClaimName: str() }, { required: ['name'] }),
    ['name'],
    'merge,retainKeys',
  ),
  startTime: dateTime(),
});

export const podSchema: Schema = resourceSchema(
  'Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.',
  { spec: podSpec, status: podStatus },
);
