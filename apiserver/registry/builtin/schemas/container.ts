import type { Schema } from '../../schema.js';
import {
  atomic,
  atomicObj,
  bool,
  int32,
  int64,
  intOrString,
  listMap,
  obj,
  quantity,
  quantityMap,
  str,
  strings,
} from './builders.js';

/** core/v1 Container and what hangs off it (ports, env, probes, lifecycle, resources, security). */

export const containerPort: Schema = obj(
  // protocol is a list-map key of Container.ports, so upstream's schema carries its default.
  { containerPort: int32(), hostIP: str(), hostPort: int32(), name: str(), protocol: str({ default: 'TCP' }) },
  { required: ['containerPort'] },
);

export const configMapKeySelector: Schema = atomicObj(
  { key: str(), name: str(), optional: bool() },
  { required: ['key'] },
);
export const secretKeySelector: Schema = atomicObj({ key: str(), name: str(), optional: bool() }, { required: ['key'] });
export const objectFieldSelector: Schema = atomicObj({ apiVersion: str(), fieldPath: str() }, { required: ['fieldPath'] });
export const resourceFieldSelector: Schema = atomicObj(
  { containerName: str(), divisor: quantity(), resource: str() },
  { required: ['resource'] },
);

export const envVar: Schema = obj(
  {
    name: str(),
    value: str(),
    valueFrom: obj({
      configMapKeyRef: configMapKeySelector,
      fieldRef: objectFieldSelector,
      resourceFieldRef: resourceFieldSelector,
      secretKeyRef: secretKeySelector,
    }),
  },
  { required: ['name'] },
);

export const envFromSource: Schema = obj({
  configMapRef: obj({ name: str(), optional: bool() }),
  prefix: str(),
  secretRef: obj({ name: str(), optional: bool() }),
});

const execAction: Schema = obj({ command: strings() });
const httpGetAction: Schema = obj(
  {
    host: str(),
    httpHeaders: atomic(obj({ name: str(), value: str() }, { required: ['name', 'value'] })),
    path: str(),
    port: intOrString(),
    scheme: str(),
  },
  { required: ['port'] },
);
const tcpSocketAction: Schema = obj({ host: str(), port: intOrString() }, { required: ['port'] });
const grpcAction: Schema = obj({ port: int32(), service: str() }, { required: ['port'] });
const sleepAction: Schema = obj({ seconds: int64() }, { required: ['seconds'] });

export const probe: Schema = obj({
  exec: execAction,
  failureThreshold: int32(),
  grpc: grpcAction,
  httpGet: httpGetAction,
  initialDelaySeconds: int32(),
  periodSeconds: int32(),
  successThreshold: int32(),
  tcpSocket: tcpSocketAction,
  terminationGracePeriodSeconds: int64(),
  timeoutSeconds: int32(),
});

const lifecycleHandler: Schema = obj({ exec: execAction, httpGet: httpGetAction, sleep: sleepAction, tcpSocket: tcpSocketAction });
export const lifecycle: Schema = obj({ postStart: lifecycleHandler, preStop: lifecycleHandler });

export const resourceRequirements: Schema = obj({
  claims: listMap(obj({ name: str(), request: str() }, { required: ['name'] }), ['name']),
  limits: quantityMap(),
  requests: quantityMap(),
});

export const seLinuxOptions: Schema = obj({ level: str(), role: str(), type: str(), user: str() });
export const seccompProfile: Schema = obj({ localhostProfile: str(), type: str() }, { required: ['type'] });
export const appArmorProfile: Schema = obj({ localhostProfile: str(), type: str() }, { required: ['type'] });
export const windowsSecurityContextOptions: Schema = obj({
  gmsaCredentialSpec: str(),
  gmsaCredentialSpecName: str(),
  hostProcess: bool(),
  runAsUserName: str(),
});

export const securityContext: Schema = obj({
  allowPrivilegeEscalation: bool(),
  appArmorProfile,
  capabilities: obj({ add: strings(), drop: strings() }),
  privileged: bool(),
  procMount: str(),
  readOnlyRootFilesystem: bool(),
  runAsGroup: int64(),
  runAsNonRoot: bool(),
  runAsUser: int64(),
  seLinuxOptions,
  seccompProfile,
  windowsOptions: windowsSecurityContextOptions,
});

export const volumeMount: Schema = obj(
  {
    mountPath: str(),
    mountPropagation: str(),
    name: str(),
    readOnly: bool(),
    recursiveReadOnly: str(),
    subPath: str(),
    subPathExpr: str(),
  },
  { required: ['name', 'mountPath'] },
);

const volumeDevice: Schema = obj({ devicePath: str(), name: str() }, { required: ['name', 'devicePath'] });

/** The fields Container and EphemeralContainer share. */
const containerFields: Readonly<Record<string, Schema>> = {
  args: strings(),
  command: strings(),
  env: listMap(envVar, ['name'], 'merge'),
  envFrom: atomic(envFromSource),
  image: str(),
  imagePullPolicy: str(),
  lifecycle,
  livenessProbe: probe,
  name: str(),
  ports: listMap(containerPort, ['containerPort', 'protocol'], 'merge'),
  readinessProbe: probe,
  resizePolicy: atomic(obj({ resourceName: str(), restartPolicy: str() }, { required: ['resourceName', 'restartPolicy'] })),
  resources: resourceRequirements,
  restartPolicy: str(),
  securityContext,
  startupProbe: probe,
  stdin: bool(),
  stdinOnce: bool(),
  terminationMessagePath: str(),
  terminationMessagePolicy: str(),
  tty: bool(),
  volumeDevices: listMap(volumeDevice, ['devicePath'], 'merge'),
  volumeMounts: listMap(volumeMount, ['mountPath'], 'merge'),
  workingDir: str(),
};

export const container: Schema = obj(containerFields, { required: ['name'] });

export const ephemeralContainer: Schema = obj({ ...containerFields, targetContainerName: str() }, { required: ['name'] });
