import type { Schema } from '../../schema.js';
import { labelSelector, resourceSchema, typedLocalObjectReference } from './meta.js';
import { atomic, atomicObj, int32, intOrString, obj, str, strings } from './builders.js';

/** networking.k8s.io/v1 Ingress, IngressClass and NetworkPolicy. */

const ingressBackend: Schema = obj({
  resource: typedLocalObjectReference,
  service: obj(
    { name: str(), port: atomicObj({ name: str(), number: int32() }) },
    { required: ['name'] },
  ),
});

const httpIngressPath: Schema = obj(
  { backend: ingressBackend, path: str(), pathType: str() },
  { required: ['pathType', 'backend'] },
);

const ingressRule: Schema = obj({
  host: str(),
  http: obj({ paths: atomic(httpIngressPath) }, { required: ['paths'] }),
});

const ingressPortStatus: Schema = obj(
  { error: str(), port: int32(), protocol: str() },
  { required: ['port', 'protocol'] },
);

export const ingressSchema: Schema = resourceSchema(
  'Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend. An Ingress can be configured to give services externally-reachable urls, load balance traffic, terminate SSL, offer name based virtual hosting etc.',
  {
    spec: obj({
      defaultBackend: ingressBackend,
      ingressClassName: str(),
      rules: atomic(ingressRule),
      tls: atomic(obj({ hosts: strings(), secretName: str() })),
    }),
    status: obj({
      loadBalancer: obj({
        ingress: atomic(obj({ hostname: str(), ip: str(), ports: atomic(ingressPortStatus) })),
      }),
    }),
  },
);

export const ingressClassSchema: Schema = resourceSchema(
  'IngressClass represents the class of the Ingress, referenced by the Ingress Spec.',
  {
    spec: obj({
      controller: str(),
      parameters: obj(
        { apiGroup: str(), kind: str(), name: str(), namespace: str(), scope: str() },
        { required: ['kind', 'name'] },
      ),
    }),
  },
);

const networkPolicyPort: Schema = obj({ endPort: int32(), port: intOrString(), protocol: str() });

const networkPolicyPeer: Schema = obj({
  ipBlock: obj({ cidr: str(), except: strings() }, { required: ['cidr'] }),
  namespaceSelector: labelSelector,
  podSelector: labelSelector,
});

export const networkPolicySchema: Schema = resourceSchema(
  'NetworkPolicy describes what network traffic is allowed for a set of Pods',
  {
    spec: obj({
      egress: atomic(obj({ ports: atomic(networkPolicyPort), to: atomic(networkPolicyPeer) })),
      ingress: atomic(obj({ from: atomic(networkPolicyPeer), ports: atomic(networkPolicyPort) })),
      podSelector: labelSelector,
      policyTypes: strings(),
    }),
  },
);
