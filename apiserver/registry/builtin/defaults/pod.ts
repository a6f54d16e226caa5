import type { KubeObject } from '../../types.js';
import { asObject, type Json } from '../printers/format.js';
import { isObject, objects, setIfAbsent } from './json.js';
import { podQOSClass } from './qos.js';

/**
 * core/v1 defaulting of pods and pod templates (pkg/apis/core/v1/defaults.go): SetDefaults_PodSpec
 * and the container, probe, port and volume defaulters apply to templates too; SetDefaults_Pod
 * (requests from limits, enableServiceLinks, host-network ports) to pods only.
 */

const setIfUnset = (o: Json, field: string, value: unknown): void => {
  if (o[field] === undefined || o[field] === null) o[field] = value;
};
const setIfZero = (o: Json, field: string, value: number): void => {
  if (o[field] === undefined || o[field] === null || o[field] === 0) o[field] = value;
};

/** The tag parsers.ParseImageName reports: "latest" when neither tag nor digest is given. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastPart = withoutDigest.slice(lastSlash + 1);
  const colon = lastPart.indexOf(':');
  if (colon >= 0) return lastPart.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function defaultHTTPGet(action: unknown): void {
  if (!isObject(action)) return;
  setIfAbsent(action, 'path', '/');
  setIfAbsent(action, 'scheme', 'HTTP');
}

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  setIfZero(probe, 'timeoutSeconds', 1);
  setIfZero(probe, 'periodSeconds', 10);
  setIfZero(probe, 'successThreshold', 1);
  setIfZero(probe, 'failureThreshold', 3);
  defaultHTTPGet(probe['httpGet']);
  if (isObject(probe['grpc'])) setIfUnset(probe['grpc'], 'service', '');
}

function defaultFieldRefs(item: Json): void {
  if (isObject(item['fieldRef'])) setIfAbsent(item['fieldRef'], 'apiVersion', 'v1');
  // resourceFieldRef.divisor is a non-pointer Quantity: it always serializes, as "0" when unset.
  if (isObject(item['resourceFieldRef'])) setIfUnset(item['resourceFieldRef'], 'divisor', '0');
}

export function defaultContainer(c: Json): void {
  if (c['imagePullPolicy'] === undefined || c['imagePullPolicy'] === '') {
    c['imagePullPolicy'] = imageTag(typeof c['image'] === 'string' ? c['image'] : '') === 'latest' ? 'Always' : 'IfNotPresent';
  }
  setIfAbsent(c, 'terminationMessagePath', '/dev/termination-log');
  setIfAbsent(c, 'terminationMessagePolicy', 'File');
  // Resources is a non-pointer struct: `resources: {}` always shows.
  setIfUnset(c, 'resources', {});
  for (const port of objects(c['ports'])) setIfAbsent(port, 'protocol', 'TCP');
  for (const env of objects(c['env'])) if (isObject(env['valueFrom'])) defaultFieldRefs(env['valueFrom']);
  defaultProbe(c['livenessProbe']);
  defaultProbe(c['readinessProbe']);
  defaultProbe(c['startupProbe']);
  const lifecycle = c['lifecycle'];
  if (isObject(lifecycle)) {
    for (const hook of ['postStart', 'preStop']) {
      if (isObject(lifecycle[hook])) defaultHTTPGet(lifecycle[hook]['httpGet']);
    }
  }
}

const VOLUME_SOURCES_WITH_MODE = ['configMap', 'secret', 'downwardAPI', 'projected'];

export function defaultVolume(volume: Json, volumeSourceNames: readonly string[]): void {
  if (!volumeSourceNames.some((name) => volume[name] !== undefined && volume[name] !== null)) volume['emptyDir'] = {};
  for (const source of VOLUME_SOURCES_WITH_MODE) {
    if (isObject(volume[source])) setIfUnset(volume[source], 'defaultMode', 420);
  }
  if (isObject(volume['hostPath'])) setIfUnset(volume['hostPath'], 'type', '');
  if (isObject(volume['downwardAPI'])) for (const item of objects(volume['downwardAPI']['items'])) defaultFieldRefs(item);
  if (isObject(volume['projected'])) {
    for (const source of objects(volume['projected']['sources'])) {
      if (isObject(source['serviceAccountToken'])) setIfUnset(source['serviceAccountToken'], 'expirationSeconds', 3600);
      if (isObject(source['downwardAPI'])) for (const item of objects(source['downwardAPI']['items'])) defaultFieldRefs(item);
    }
  }
  const ephemeral = volume['ephemeral'];
  if (isObject(ephemeral) && isObject(ephemeral['volumeClaimTemplate'])) {
    const spec = ephemeral['volumeClaimTemplate']['spec'];
    if (isObject(spec)) defaultPersistentVolumeClaimSpec(spec);
  }
}

/** SetDefaults_PersistentVolumeClaimSpec. */
export function defaultPersistentVolumeClaimSpec(spec: Json): void {
  setIfAbsent(spec, 'volumeMode', 'Filesystem');
}

/** SetDefaults_PodSpec and the defaulters of everything inside a pod spec (templates included). */
export function defaultPodSpec(spec: Json, volumeSourceNames: readonly string[]): void {
  setIfAbsent(spec, 'dnsPolicy', 'ClusterFirst');
  setIfAbsent(spec, 'restartPolicy', 'Always');
  setIfUnset(spec, 'securityContext', {});
  setIfUnset(spec, 'terminationGracePeriodSeconds', 30);
  setIfAbsent(spec, 'schedulerName', 'default-scheduler');
  // v1 conversion keeps the deprecated serviceAccount in step with serviceAccountName.
  const sa = typeof spec['serviceAccount'] === 'string' ? spec['serviceAccount'] : '';
  const saName = typeof spec['serviceAccountName'] === 'string' ? spec['serviceAccountName'] : '';
  if (saName === '' && sa !== '') spec['serviceAccountName'] = sa;
  else if (saName !== '') spec['serviceAccount'] = saName;
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of objects(spec[list])) defaultContainer(c);
  }
  for (const v of objects(spec['volumes'])) defaultVolume(v, volumeSourceNames);
}

export function defaultPodTemplate(template: unknown, volumeSourceNames: readonly string[]): void {
  if (!isObject(template)) return;
  if (isObject(template['spec'])) defaultPodSpec(template['spec'], volumeSourceNames);
}

/** Requests default to limits, per resource, for the containers of a pod. */
function defaultRequestsFromLimits(container: Json): void {
  const resources = container['resources'];
  if (!isObject(resources) || !isObject(resources['limits'])) return;
  const requests = isObject(resources['requests']) ? resources['requests'] : {};
  for (const [name, limit] of Object.entries(resources['limits'])) {
    if (requests[name] === undefined) requests[name] = limit;
  }
  if (Object.keys(requests).length > 0) resources['requests'] = requests;
}

/** SetDefaults_Pod plus the status a created pod starts with (Pending, its QoS class). */
export function defaultPod(pod: KubeObject, volumeSourceNames: readonly string[]): void {
  if (!isObject(pod['spec'])) pod['spec'] = {};
  const spec = asObject(pod['spec']);
  for (const c of [...objects(spec['containers']), ...objects(spec['initContainers'])]) defaultRequestsFromLimits(c);
  setIfUnset(spec, 'enableServiceLinks', true);
  if (spec['hostNetwork'] === true) {
    for (const c of [...objects(spec['containers']), ...objects(spec['initContainers'])]) {
      for (const port of objects(c['ports'])) setIfZero(port, 'hostPort', typeof port['containerPort'] === 'number' ? port['containerPort'] : 0);
    }
  }
  defaultPodSpec(spec, volumeSourceNames);
  // The REST layer clears status on create and restores the stored one on update.
  if (pod['status'] === undefined) pod['status'] = { phase: 'Pending', qosClass: podQOSClass(spec) };
  else if (isObject(pod['status'])) setIfAbsent(pod['status'], 'phase', 'Pending');
}
