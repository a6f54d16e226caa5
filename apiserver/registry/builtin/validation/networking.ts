import { isIP } from 'node:net';
import type { FieldError } from '../../types.js';
import { asArray, asObject, asObjects, asString, type Json } from '../printers/format.js';
import { child, forbidden, index, invalid, notSupported, required } from './errors.js';
import { dns1035LabelErrors, dns1123SubdomainErrors, isValidPortNumber, PORT_RANGE_MESSAGE, portNameErrors } from './names.js';

/** Checks networking.k8s.io/v1 shares: hosts, backends, CIDRs and ports. */

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** A host of an Ingress rule or TLS entry: a DNS subdomain, optionally `*.`-prefixed, never an IP. */
export function ingressHostErrors(host: string, path: string): FieldError[] {
  if (isIP(host) !== 0) return [invalid(path, host, 'must be a DNS name, not an IP address')];
  const name = host.startsWith('*.') ? host.slice(2) : host;
  return dns1123SubdomainErrors(name).map((msg) => invalid(path, host, msg));
}

/** validateIngressBackend: a service (name and port) or a resource, not both. */
export function validateIngressBackend(backend: Json, path: string): FieldError[] {
  const hasService = present(backend['service']);
  const hasResource = present(backend['resource']);
  if (hasService && hasResource) return [invalid(path, '', 'cannot set both resource and service backends')];
  if (!hasService && !hasResource) return [invalid(path, '', 'must specify a resource or service')];
  if (!hasService) return [];
  const servicePath = child(path, 'service');
  const service = asObject(backend['service']);
  const out: FieldError[] = [];
  const name = asString(service['name']);
  if (name === '') out.push(required(child(servicePath, 'name')));
  else out.push(...dns1035LabelErrors(name).map((msg) => invalid(child(servicePath, 'name'), name, msg)));
  const portPath = child(servicePath, 'port');
  const port = asObject(service['port']);
  const portName = asString(port['name']);
  const hasNumber = typeof port['number'] === 'number' && port['number'] !== 0;
  if (portName !== '' && hasNumber) out.push(invalid(portPath, port, 'cannot set both port name & port number'));
  else if (portName !== '') out.push(...portNameErrors(portName).map((msg) => invalid(child(portPath, 'name'), portName, msg)));
  else if (hasNumber) {
    if (!isValidPortNumber(port['number'])) out.push(invalid(child(portPath, 'number'), port['number'], PORT_RANGE_MESSAGE));
  } else out.push(required(portPath, 'port name or number is required'));
  return out;
}

/** A CIDR as net.ParseCIDR accepts it. */
export function isCIDR(value: string): boolean {
  const [address = '', bits, ...rest] = value.split('/');
  if (bits === undefined || rest.length > 0 || !/^[0-9]+$/.test(bits)) return false;
  const family = isIP(address);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** ValidateNetworkPolicyPort: protocol, port (number or IANA name) and endPort. */
export function validateNetworkPolicyPort(port: Json, path: string): FieldError[] {
  const out: FieldError[] = [];
  if (present(port['protocol']) && !PROTOCOLS.includes(asString(port['protocol']))) {
    out.push(notSupported(child(path, 'protocol'), port['protocol'], PROTOCOLS));
  }
  const value = port['port'];
  if (typeof value === 'number') {
    if (!isValidPortNumber(value)) out.push(invalid(child(path, 'port'), value, PORT_RANGE_MESSAGE));
    const endPort = port['endPort'];
    if (typeof endPort === 'number' && endPort < value) out.push(invalid(child(path, 'endPort'), endPort, 'must be greater than or equal to `port`'));
  } else if (typeof value === 'string') {
    out.push(...portNameErrors(value).map((msg) => invalid(child(path, 'port'), value, msg)));
    if (present(port['endPort'])) out.push(invalid(child(path, 'endPort'), port['endPort'], 'may not be specified when `port` is non-numeric'));
  } else if (present(port['endPort'])) {
    out.push(required(child(path, 'port'), 'when endPort is specified'));
  }
  return out;
}

/** ValidateNetworkPolicyPeer: exactly one kind of peer, and a valid ipBlock. */
export function validateNetworkPolicyPeer(peer: Json, path: string): FieldError[] {
  const hasSelector = present(peer['podSelector']) || present(peer['namespaceSelector']);
  const hasBlock = present(peer['ipBlock']);
  if (!hasSelector && !hasBlock) return [required(path, 'must specify a peer')];
  if (hasSelector && hasBlock) return [forbidden(path, 'may not specify more than 1 peer type')];
  if (!hasBlock) return [];
  const block = asObject(peer['ipBlock']);
  const blockPath = child(path, 'ipBlock');
  const cidr = asString(block['cidr']);
  const out: FieldError[] = [];
  if (cidr === '') out.push(required(child(blockPath, 'cidr')));
  else if (!isCIDR(cidr)) out.push(invalid(child(blockPath, 'cidr'), cidr, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  for (const [i, except] of asArray(block['except']).map(asString).entries()) {
    if (!isCIDR(except)) out.push(invalid(index(child(blockPath, 'except'), i), except, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  }
  return out;
}

/** Every rule's ports and peers (`peers` is `from` for ingress rules, `to` for egress). */
export function validateNetworkPolicyRules(rules: unknown, path: string, peers: 'from' | 'to'): FieldError[] {
  const out: FieldError[] = [];
  for (const [i, rule] of asObjects(rules).entries()) {
    const rulePath = index(path, i);
    for (const [j, port] of asObjects(rule['ports']).entries()) out.push(...validateNetworkPolicyPort(port, index(child(rulePath, 'ports'), j)));
    for (const [j, peer] of asObjects(rule[peers]).entries()) out.push(...validateNetworkPolicyPeer(peer, index(child(rulePath, peers), j)));
  }
  return out;
}
