import type { FieldError } from '../../types.js';
import { asObject, asObjects, asString, type Json } from '../printers/format.js';
import { compareQuantities, parseQuantity } from '../quantity.js';
import { child, duplicate, forbidden, index, invalid, key, notFound, notSupported, required } from './errors.js';
import { dns1123LabelErrors, envVarNameErrors, isValidPortNumber, PORT_RANGE_MESSAGE, portNameErrors } from './names.js';

/**
 * Container checks of ValidatePodSpec (validateContainers, validateInitContainers): names,
 * images, ports, env, volume mounts, resources, probes. Fields that the schema marks required are
 * reported by the schema validator when absent; these checks cover present-but-invalid values.
 */

export type ContainerKind = 'container' | 'init' | 'ephemeral';

const SUPPORTED_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const QUANTITY_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

function validatePorts(ports: unknown, path: string): FieldError[] {
  const out: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, port] of asObjects(ports).entries()) {
    const p = index(path, i);
    const name = asString(port['name']);
    if (name !== '') {
      const msgs = portNameErrors(name);
      for (const msg of msgs) out.push(invalid(child(p, 'name'), name, msg));
      if (msgs.length === 0 && names.has(name)) out.push(duplicate(child(p, 'name'), name));
      names.add(name);
    }
    if (port['containerPort'] === 0) out.push(required(child(p, 'containerPort')));
    else if (port['containerPort'] !== undefined && !isValidPortNumber(port['containerPort'])) {
      out.push(invalid(child(p, 'containerPort'), port['containerPort'], PORT_RANGE_MESSAGE));
    }
    if (port['hostPort'] !== undefined && port['hostPort'] !== 0 && !isValidPortNumber(port['hostPort'])) {
      out.push(invalid(child(p, 'hostPort'), port['hostPort'], PORT_RANGE_MESSAGE));
    }
    const protocol = asString(port['protocol']);
    if (protocol === '') out.push(required(child(p, 'protocol')));
    else if (!SUPPORTED_PROTOCOLS.includes(protocol)) out.push(notSupported(child(p, 'protocol'), protocol, SUPPORTED_PROTOCOLS));
  }
  return out;
}

const ENV_SOURCES = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'];

function validateEnv(env: unknown, path: string): FieldError[] {
  const out: FieldError[] = [];
  for (const [i, ev] of asObjects(env).entries()) {
    const p = index(path, i);
    if (ev['name'] === '') out.push(required(child(p, 'name')));
    else for (const msg of envVarNameErrors(asString(ev['name']))) out.push(invalid(child(p, 'name'), ev['name'], msg));
    const valueFrom = ev['valueFrom'];
    if (valueFrom === undefined || valueFrom === null) continue;
    const fromPath = child(p, 'valueFrom');
    const sources = ENV_SOURCES.filter((s) => asObject(valueFrom)[s] !== undefined && asObject(valueFrom)[s] !== null).length;
    if (sources === 0) {
      out.push(invalid(fromPath, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    } else if (sources > 1) {
      out.push(invalid(fromPath, '', 'may not have more than one field specified at a time'));
    }
    if (asString(ev['value']) !== '') out.push(invalid(fromPath, '', 'may not be specified when `value` is not empty'));
  }
  return out;
}

function validateVolumeMounts(mounts: unknown, volumeNames: ReadonlySet<string>, path: string): FieldError[] {
  const out: FieldError[] = [];
  const mountPaths = new Set<string>();
  for (const [i, mount] of asObjects(mounts).entries()) {
    const p = index(path, i);
    const name = asString(mount['name']);
    if (mount['name'] === '') out.push(required(child(p, 'name')));
    else if (mount['name'] !== undefined && !volumeNames.has(name)) out.push(notFound(child(p, 'name'), name));
    const mountPath = asString(mount['mountPath']);
    if (mount['mountPath'] === '') out.push(required(child(p, 'mountPath')));
    else if (mountPaths.has(mountPath)) out.push(invalid(child(p, 'mountPath'), mountPath, 'must be unique'));
    mountPaths.add(mountPath);
  }
  return out;
}

function validateResources(resources: unknown, path: string): FieldError[] {
  const out: FieldError[] = [];
  const res = asObject(resources);
  const limits = asObject(res['limits']);
  const requests = asObject(res['requests']);
  for (const [group, values] of [['limits', limits], ['requests', requests]] as const) {
    for (const [name, value] of Object.entries(values)) {
      const q = parseQuantity(value);
      if (q === undefined) out.push(invalid(key(child(path, group), name), value, QUANTITY_FORMAT));
      else if (q < 0n) out.push(invalid(key(child(path, group), name), value, 'must be greater than or equal to 0'));
    }
  }
  for (const [name, request] of Object.entries(requests)) {
    const limit = limits[name];
    if (limit === undefined) continue;
    const cmp = compareQuantities(request, limit);
    const overcommittable = !name.startsWith('hugepages-') && (!name.includes('/') || name.includes('kubernetes.io/'));
    if (cmp !== undefined && cmp !== 0 && !overcommittable) {
      out.push(invalid(child(path, 'requests'), String(request), `must be equal to ${name} limit of ${String(limit)}`));
    } else if (cmp === 1) {
      out.push(invalid(child(path, 'requests'), String(request), `must be less than or equal to ${name} limit of ${String(limit)}`));
    }
  }
  return out;
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

function validateProbe(probe: unknown, path: string, mustSucceedOnce: boolean): FieldError[] {
  if (probe === undefined || probe === null) return [];
  const pr = asObject(probe);
  const out: FieldError[] = [];
  const handlers = PROBE_HANDLERS.filter((h) => pr[h] !== undefined && pr[h] !== null);
  if (handlers.length === 0) out.push(required(path, 'must specify a handler type'));
  else if (handlers.length > 1) out.push(forbidden(child(path, handlers[1] ?? ''), 'may not specify more than 1 handler type'));
  if (mustSucceedOnce && typeof pr['successThreshold'] === 'number' && pr['successThreshold'] !== 1) {
    out.push(invalid(child(path, 'successThreshold'), pr['successThreshold'], 'must be 1'));
  }
  return out;
}

/** One container of any kind; `names` holds the names seen so far across all container lists. */
export function validateContainer(
  c: Json,
  kind: ContainerKind,
  path: string,
  names: Set<string>,
  volumeNames: ReadonlySet<string>,
): FieldError[] {
  const out: FieldError[] = [];
  const name = asString(c['name']);
  if (c['name'] === '') out.push(required(child(path, 'name')));
  else if (c['name'] !== undefined) {
    for (const msg of dns1123LabelErrors(name)) out.push(invalid(child(path, 'name'), name, msg));
    if (names.has(name)) out.push(duplicate(child(path, 'name'), name));
    names.add(name);
  }
  if (asString(c['image']) === '') out.push(required(child(path, 'image')));
  const pullPolicy = asString(c['imagePullPolicy']);
  if (pullPolicy !== '' && !PULL_POLICIES.includes(pullPolicy)) out.push(notSupported(child(path, 'imagePullPolicy'), pullPolicy, PULL_POLICIES));
  const tmp = asString(c['terminationMessagePolicy']);
  if (tmp !== '' && !TERMINATION_MESSAGE_POLICIES.includes(tmp)) {
    out.push(notSupported(child(path, 'terminationMessagePolicy'), tmp, TERMINATION_MESSAGE_POLICIES));
  }
  const restartPolicy = c['restartPolicy'];
  if (restartPolicy !== undefined && restartPolicy !== null) {
    if (kind === 'init') {
      if (restartPolicy !== 'Always') out.push(notSupported(child(path, 'restartPolicy'), restartPolicy, ['Always']));
    } else {
      out.push(forbidden(child(path, 'restartPolicy'), 'may not be set for non-init containers'));
    }
  }
  out.push(...validatePorts(c['ports'], child(path, 'ports')));
  out.push(...validateEnv(c['env'], child(path, 'env')));
  out.push(...validateVolumeMounts(c['volumeMounts'], volumeNames, child(path, 'volumeMounts')));
  out.push(...validateResources(c['resources'], child(path, 'resources')));
  const restartable = kind === 'init' && restartPolicy === 'Always';
  if (kind === 'container' || restartable) {
    out.push(...validateProbe(c['livenessProbe'], child(path, 'livenessProbe'), true));
    out.push(...validateProbe(c['readinessProbe'], child(path, 'readinessProbe'), false));
    out.push(...validateProbe(c['startupProbe'], child(path, 'startupProbe'), true));
  } else {
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      if (c[probe] !== undefined && c[probe] !== null) {
        out.push(forbidden(child(path, probe), `may not be set for ${kind === 'init' ? 'init containers without restartPolicy=Always' : 'ephemeral containers'}`));
      }
    }
  }
  return out;
}
