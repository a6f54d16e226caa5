import type { Schema } from '../../schema.js';
import { metaCondition, objectReference, resourceSchema } from './meta.js';
import { atomic, atomicObj, bool, conditionList, int32, intOrString, listMap, obj, str, stringMap, strings } from './builders.js';

/** core/v1 Service and Endpoints. */

const servicePort: Schema = obj(
  {
    appProtocol: str(),
    name: str(),
    nodePort: int32(),
    port: int32(),
    protocol: str({ default: 'TCP' }),
    targetPort: intOrString(),
  },
  { required: ['port'] },
);

const serviceSpec: Schema = obj({
  allocateLoadBalancerNodePorts: bool(),
  clusterIP: str(),
  clusterIPs: strings(),
  externalIPs: strings(),
  externalName: str(),
  externalTrafficPolicy: str(),
  healthCheckNodePort: int32(),
  internalTrafficPolicy: str(),
  ipFamilies: strings(),
  ipFamilyPolicy: str(),
  loadBalancerClass: str(),
  loadBalancerIP: str(),
  loadBalancerSourceRanges: strings(),
  ports: listMap(servicePort, ['port', 'protocol'], 'merge'),
  publishNotReadyAddresses: bool(),
  selector: stringMap({ 'x-kubernetes-map-type': 'atomic' }),
  sessionAffinity: str(),
  sessionAffinityConfig: obj({ clientIP: obj({ timeoutSeconds: int32() }) }),
  trafficDistribution: str(),
  type: str(),
});

const loadBalancerIngress: Schema = obj({
  hostname: str(),
  ip: str(),
  ipMode: str(),
  ports: atomic(obj({ error: str(), port: int32(), protocol: str() }, { required: ['port', 'protocol'] })),
});

const serviceStatus: Schema = obj({
  conditions: conditionList(metaCondition),
  loadBalancer: obj({ ingress: atomic(loadBalancerIngress) }),
});

export const serviceSchema: Schema = resourceSchema(
  'Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.',
  { spec: serviceSpec, status: serviceStatus },
);

const endpointAddress: Schema = atomicObj(
  { hostname: str(), ip: str(), nodeName: str(), targetRef: objectReference },
  { required: ['ip'] },
);
const endpointPort: Schema = atomicObj(
  { appProtocol: str(), name: str(), port: int32(), protocol: str() },
  { required: ['port'] },
);

const endpointSubset: Schema = obj({
  addresses: atomic(endpointAddress),
  notReadyAddresses: atomic(endpointAddress),
  ports: atomic(endpointPort),
});

export const endpointsSchema: Schema = resourceSchema(
  'Endpoints is a collection of endpoints that implement the actual service.',
  { subsets: atomic(endpointSubset) },
);
