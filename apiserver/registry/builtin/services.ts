import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { defaultService } from './defaults/service.js';
import { asArray, asObject, asObjects, asString, spec, tableColumns } from './printers/format.js';
import { serviceColumnDefinitions, serviceRow } from './printers/core.js';
import { serviceSchema } from './schemas/service.js';
import { child, duplicate, forbidden, index, invalid, notSupported, required } from './validation/errors.js';
import {
  dns1035LabelErrors,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  isValidPortNumber,
  PORT_RANGE_MESSAGE,
  portNameErrors,
} from './validation/names.js';
import { validateLabels } from './validation/selector.js';

/** core/v1 services (svc), with status. IP and node-port allocation happen elsewhere. */

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];

function validatePorts(svc: KubeObject): FieldError[] {
  const sp = spec(svc);
  const ports = asObjects(sp['ports']);
  const out: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, port] of ports.entries()) {
    const p = index('spec.ports', i);
    const name = asString(port['name']);
    if (ports.length > 1 && name === '') out.push(required(child(p, 'name')));
    else if (name !== '') {
      for (const msg of dns1123LabelErrors(name)) out.push(invalid(child(p, 'name'), name, msg));
      if (names.has(name)) out.push(duplicate(child(p, 'name'), name));
      names.add(name);
    }
    if (port['port'] !== undefined && !isValidPortNumber(port['port'])) out.push(invalid(child(p, 'port'), port['port'], PORT_RANGE_MESSAGE));
    const protocol = asString(port['protocol']);
    if (protocol === '') out.push(required(child(p, 'protocol')));
    else if (!PROTOCOLS.includes(protocol)) out.push(notSupported(child(p, 'protocol'), protocol, PROTOCOLS));
    const target = port['targetPort'];
    if (typeof target === 'number' && !isValidPortNumber(target)) out.push(invalid(child(p, 'targetPort'), target, PORT_RANGE_MESSAGE));
    if (typeof target === 'string') for (const msg of portNameErrors(target)) out.push(invalid(child(p, 'targetPort'), target, msg));
    if (sp['type'] === 'ClusterIP' && typeof port['nodePort'] === 'number' && port['nodePort'] !== 0) {
      out.push(forbidden(child(p, 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    }
  }
  return out;
}

function validateService(svc: KubeObject, old?: KubeObject): FieldError[] {
  const sp = spec(svc);
  const out: FieldError[] = [];
  // Service names are DNS-1035 labels; the generic check has already vetted RFC 1123 labels.
  const name = svc.metadata?.name ?? '';
  if (name !== '' && dns1123LabelErrors(name).length === 0) {
    for (const msg of dns1035LabelErrors(name)) out.push(invalid('metadata.name', name, msg));
  }
  const type = asString(sp['type']);
  if (!TYPES.includes(type)) out.push(notSupported('spec.type', type, TYPES));
  const headless = sp['clusterIP'] === 'None';
  if (type !== 'ExternalName' && asArray(sp['ports']).length === 0 && !headless) out.push(required('spec.ports'));
  if (type === 'ExternalName') {
    const externalName = asString(sp['externalName']).replace(/\.$/, '');
    if (externalName === '') out.push(required('spec.externalName'));
    else for (const msg of dns1123SubdomainErrors(externalName)) out.push(invalid('spec.externalName', sp['externalName'], msg));
  }
  out.push(...validatePorts(svc));
  const affinity = asString(sp['sessionAffinity']);
  if (affinity !== 'ClientIP' && affinity !== 'None') out.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  const policy = asString(sp['ipFamilyPolicy']);
  if (policy !== '' && !IP_FAMILY_POLICIES.includes(policy)) out.push(notSupported('spec.ipFamilyPolicy', policy, IP_FAMILY_POLICIES));
  out.push(...validateLabels(sp['selector'], 'spec.selector'));
  if (old !== undefined) {
    const before = asArray(asObject(old['spec'])['clusterIPs'])[0];
    const after = asArray(sp['clusterIPs'])[0];
    if (typeof before === 'string' && before !== '' && typeof after === 'string' && after !== '' && before !== after && type !== 'ExternalName') {
      out.push(invalid('spec.clusterIPs[0]', after, 'may not change once set'));
    }
  }
  return out;
}

export const services: ResourceDecl = {
  group: '',
  version: 'v1',
  kind: 'Service',
  listKind: 'ServiceList',
  plural: 'services',
  singular: 'service',
  shortNames: ['svc'],
  categories: ['all'],
  namespaced: true,
  schema: serviceSchema,
  printerColumns: tableColumns(serviceColumnDefinitions, serviceRow),
  subresources: { status: true },
  strategy: { generation: false, defaults: defaultService, validate: validateService },
};
