import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { asObjects, asString, tableColumns } from './printers/format.js';
import { endpointsColumnDefinitions, endpointsRow } from './printers/core.js';
import { endpointsSchema } from './schemas/service.js';
import { child, index, invalid, notSupported, required } from './validation/errors.js';
import { dns1123LabelErrors, isValidPortNumber, PORT_RANGE_MESSAGE } from './validation/names.js';

/** core/v1 endpoints (ep). */

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** SetDefaults_EndpointPort: protocol TCP. */
export function defaultEndpoints(obj: KubeObject): void {
  for (const subset of asObjects(obj['subsets'])) {
    for (const port of asObjects(subset['ports'])) if (asString(port['protocol']) === '') port['protocol'] = 'TCP';
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const isIP = (ip: string): boolean => IPV4.test(ip) || (ip.includes(':') && /^[0-9a-fA-F:.]+$/.test(ip));

function validateEndpoints(obj: KubeObject): FieldError[] {
  const out: FieldError[] = [];
  for (const [i, subset] of asObjects(obj['subsets']).entries()) {
    const path = index('subsets', i);
    for (const list of ['addresses', 'notReadyAddresses']) {
      for (const [j, address] of asObjects(subset[list]).entries()) {
        const ip = asString(address['ip']);
        if (ip !== '' && !isIP(ip)) {
          out.push(invalid(child(index(child(path, list), j), 'ip'), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
        }
      }
    }
    const ports = asObjects(subset['ports']);
    for (const [j, port] of ports.entries()) {
      const p = index(child(path, 'ports'), j);
      const name = asString(port['name']);
      if (ports.length > 1 && name === '') out.push(required(child(p, 'name')));
      else if (name !== '') for (const msg of dns1123LabelErrors(name)) out.push(invalid(child(p, 'name'), name, msg));
      if (port['port'] !== undefined && !isValidPortNumber(port['port'])) out.push(invalid(child(p, 'port'), port['port'], PORT_RANGE_MESSAGE));
      const protocol = asString(port['protocol']);
      if (protocol !== '' && !PROTOCOLS.includes(protocol)) out.push(notSupported(child(p, 'protocol'), protocol, PROTOCOLS));
    }
  }
  return out;
}

export const endpoints: ResourceDecl = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  listKind: 'EndpointsList',
  plural: 'endpoints',
  singular: 'endpoints',
  shortNames: ['ep'],
  namespaced: true,
  schema: endpointsSchema,
  printerColumns: tableColumns(endpointsColumnDefinitions, endpointsRow),
  strategy: { generation: false, defaults: defaultEndpoints, validate: validateEndpoints },
};
