import type { FieldError, KubeObject } from '../../types.js';
import { asArray, asObject, asObjects, asString, type Json } from '../printers/format.js';
import { volumeSourceNames } from '../schemas/volumes.js';
import { validateContainer } from './container.js';
import { child, duplicate, forbidden, index, invalid, notSupported, required, sameJson } from './errors.js';
import { dns1123LabelErrors } from './names.js';
import { validateLabels } from './selector.js';

/** ValidatePodSpec (the rules users hit), ValidatePodTemplateSpec and ValidatePodUpdate. */

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

function validateVolumes(volumes: unknown, path: string): { errors: FieldError[]; names: Set<string> } {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, vol] of asObjects(volumes).entries()) {
    const p = index(path, i);
    const sources = volumeSourceNames.filter((s) => vol[s] !== undefined && vol[s] !== null);
    if (sources.length === 0) errors.push(required(p, 'must specify a volume type'));
    else if (sources.length > 1) errors.push(forbidden(child(p, sources[1] ?? ''), 'may not specify more than 1 volume type'));
    if (sources.includes('configMap') && asString(asObject(vol['configMap'])['name']) === '') {
      errors.push(required(child(child(p, 'configMap'), 'name')));
    }
    if (sources.includes('secret') && asString(asObject(vol['secret'])['secretName']) === '') {
      errors.push(required(child(child(p, 'secret'), 'secretName')));
    }
    const name = asString(vol['name']);
    if (vol['name'] === '') errors.push(required(child(p, 'name')));
    else if (vol['name'] !== undefined) for (const msg of dns1123LabelErrors(name)) errors.push(invalid(child(p, 'name'), name, msg));
    if (vol['name'] !== undefined && names.has(name)) errors.push(duplicate(child(p, 'name'), name));
    names.add(name);
  }
  return { errors, names };
}

/** `claimNames`: volumes a StatefulSet adds from its volumeClaimTemplates, which mounts may name. */
export function validatePodSpec(specValue: unknown, path: string, claimNames: readonly string[] = []): FieldError[] {
  const spec = asObject(specValue);
  const out: FieldError[] = [];
  const { errors, names: volumeNames } = validateVolumes(spec['volumes'], child(path, 'volumes'));
  for (const name of claimNames) volumeNames.add(name);
  out.push(...errors);
  const containerNames = new Set<string>();
  // An absent spec escapes the schema's `required`, so missing containers are reported here too.
  const missingSpec = specValue === undefined || specValue === null;
  if (missingSpec || (Array.isArray(spec['containers']) && spec['containers'].length === 0)) out.push(required(child(path, 'containers')));
  for (const [i, c] of asObjects(spec['containers']).entries()) {
    out.push(...validateContainer(c, 'container', index(child(path, 'containers'), i), containerNames, volumeNames));
  }
  for (const [i, c] of asObjects(spec['initContainers']).entries()) {
    out.push(...validateContainer(c, 'init', index(child(path, 'initContainers'), i), containerNames, volumeNames));
  }
  for (const [i, c] of asObjects(spec['ephemeralContainers']).entries()) {
    out.push(...validateContainer(c, 'ephemeral', index(child(path, 'ephemeralContainers'), i), containerNames, volumeNames));
  }
  const restartPolicy = asString(spec['restartPolicy']);
  if (restartPolicy === '') out.push(required(child(path, 'restartPolicy')));
  else if (!RESTART_POLICIES.includes(restartPolicy)) out.push(notSupported(child(path, 'restartPolicy'), restartPolicy, RESTART_POLICIES));
  const dnsPolicy = asString(spec['dnsPolicy']);
  if (dnsPolicy !== '' && !DNS_POLICIES.includes(dnsPolicy)) out.push(notSupported(child(path, 'dnsPolicy'), dnsPolicy, DNS_POLICIES));
  if (dnsPolicy === 'None' && (spec['dnsConfig'] === undefined || spec['dnsConfig'] === null)) {
    out.push(required(child(path, 'dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
  }
  const deadline = spec['activeDeadlineSeconds'];
  if (typeof deadline === 'number' && deadline <= 0) {
    out.push(invalid(child(path, 'activeDeadlineSeconds'), deadline, 'must be between 1 and 2147483647, inclusive'));
  }
  return out;
}

/** ValidatePodTemplateSpec: the template's labels and pod spec (`path` is `spec.template`). */
export function validatePodTemplateSpec(template: unknown, path: string, claimNames: readonly string[] = []): FieldError[] {
  const t = asObject(template);
  const meta = asObject(t['metadata']);
  return [
    ...validateLabels(meta['labels'], child(child(path, 'metadata'), 'labels')),
    ...validatePodSpec(t['spec'], child(path, 'spec'), claimNames),
  ];
}

export const UPDATABLE_POD_SPEC_FIELDS =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/**
 * ValidatePodUpdate's spec rule: only images, activeDeadlineSeconds, additional tolerations,
 * removed scheduling gates and a negative grace period set to 1 may change.
 */
export function validatePodSpecUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  const spec = structuredClone(asObject(pod['spec']));
  const oldSpec = asObject(old['spec']);
  for (const list of ['containers', 'initContainers']) {
    const oldContainers = asObjects(oldSpec[list]);
    for (const [i, c] of asObjects(spec[list]).entries()) {
      const before = oldContainers[i];
      if (before !== undefined) c['image'] = before['image'];
    }
  }
  const munge = (field: string): void => {
    if (oldSpec[field] === undefined) delete spec[field];
    else spec[field] = oldSpec[field];
  };
  munge('activeDeadlineSeconds');
  const oldTolerations = asArray(oldSpec['tolerations']);
  const tolerations = asArray(spec['tolerations']);
  if (oldTolerations.every((t) => tolerations.some((n) => sameJson(n, t)))) munge('tolerations');
  const oldGates = asObjects(oldSpec['schedulingGates']);
  if (asObjects(spec['schedulingGates']).every((g: Json) => oldGates.some((o) => sameJson(o, g)))) munge('schedulingGates');
  const oldGrace = oldSpec['terminationGracePeriodSeconds'];
  if (typeof oldGrace === 'number' && oldGrace < 0 && spec['terminationGracePeriodSeconds'] === 1) munge('terminationGracePeriodSeconds');
  // Ephemeral containers change only through their own subresource.
  munge('ephemeralContainers');
  return sameJson(spec, oldSpec) ? [] : [forbidden('spec', UPDATABLE_POD_SPEC_FIELDS)];
}
