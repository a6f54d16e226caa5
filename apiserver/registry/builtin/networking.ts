import type { FieldError, KubeObject, ResourceDecl } from '../types.js';
import { defaultIngress, defaultIngressClass, defaultNetworkPolicy } from './defaults/cluster.js';
import { asArray, asObject, asObjects, asString, spec, tableColumns } from './printers/format.js';
import {
  ingressClassColumnDefinitions,
  ingressClassRow,
  ingressColumnDefinitions,
  ingressRow,
  networkPolicyColumnDefinitions,
  networkPolicyRow,
} from './printers/networking.js';
import { ingressClassSchema, ingressSchema, networkPolicySchema } from './schemas/networking.js';
import { child, forbidden, immutable, index, invalid, notSupported, required, tooLong } from './validation/errors.js';
import { dns1123SubdomainErrors } from './validation/names.js';
import { ingressHostErrors, validateIngressBackend, validateNetworkPolicyRules } from './validation/networking.js';
import { validateLabelSelector } from './validation/selector.js';

/** networking.k8s.io/v1 ingresses (with status), ingressclasses and networkpolicies. */

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

/** validateHTTPIngressPath: a path type, absolute paths for Exact and Prefix, and a backend. */
function validateIngressPath(path: Record<string, unknown>, at: string): FieldError[] {
  const out: FieldError[] = [];
  const pathType = path['pathType'];
  const value = asString(path['path']);
  if (pathType === undefined || pathType === null) out.push(required(child(at, 'pathType'), 'pathType must be specified'));
  else if (!PATH_TYPES.includes(asString(pathType))) out.push(notSupported(child(at, 'pathType'), pathType, PATH_TYPES));
  else if (pathType !== 'ImplementationSpecific' && !value.startsWith('/')) out.push(invalid(child(at, 'path'), value, 'must be an absolute path'));
  out.push(...validateIngressBackend(asObject(path['backend']), child(at, 'backend')));
  return out;
}

/** ValidateIngressSpec: a default backend or rules; hosts, paths and backends; TLS hosts; the class name. */
function validateIngress(obj: KubeObject): FieldError[] {
  const sp = spec(obj);
  const out: FieldError[] = [];
  const rules = asObjects(sp['rules']);
  const defaultBackend = sp['defaultBackend'];
  if (rules.length === 0 && (defaultBackend === undefined || defaultBackend === null)) {
    out.push(invalid('spec', sp['rules'], 'either `defaultBackend` or `rules` must be specified'));
  }
  if (defaultBackend !== undefined && defaultBackend !== null) out.push(...validateIngressBackend(asObject(defaultBackend), 'spec.defaultBackend'));
  for (const [i, rule] of rules.entries()) {
    const rulePath = index('spec.rules', i);
    const host = asString(rule['host']);
    if (host !== '') out.push(...ingressHostErrors(host, child(rulePath, 'host')));
    if (rule['http'] === undefined || rule['http'] === null) continue;
    const paths = asObjects(asObject(rule['http'])['paths']);
    if (paths.length === 0) out.push(required(child(rulePath, 'http.paths')));
    for (const [j, path] of paths.entries()) out.push(...validateIngressPath(path, index(child(rulePath, 'http.paths'), j)));
  }
  for (const [i, tls] of asObjects(sp['tls']).entries()) {
    for (const [j, host] of asArray(tls['hosts']).map(asString).entries()) out.push(...ingressHostErrors(host, index(child(index('spec.tls', i), 'hosts'), j)));
  }
  const className = sp['ingressClassName'];
  if (typeof className === 'string') out.push(...dns1123SubdomainErrors(className).map((msg) => invalid('spec.ingressClassName', className, msg)));
  return out;
}

export const ingresses: ResourceDecl = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  listKind: 'IngressList',
  plural: 'ingresses',
  singular: 'ingress',
  shortNames: ['ing'],
  namespaced: true,
  schema: ingressSchema,
  printerColumns: tableColumns(ingressColumnDefinitions, ingressRow),
  subresources: { status: true },
  strategy: { generation: true, defaults: defaultIngress, validate: validateIngress },
};

const MAX_CONTROLLER_LENGTH = 250;
const PARAMETER_SCOPES = ['Cluster', 'Namespace'];

/** IsDomainPrefixedPath: `example.com/path`, the prefix a DNS subdomain. */
function domainPrefixedPathErrors(value: string, path: string): FieldError[] {
  if (value === '') return [required(path)];
  const slash = value.indexOf('/');
  if (slash < 0) return [invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const host = value.slice(0, slash);
  if (host === '') return [invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  return dns1123SubdomainErrors(host).map((msg) => invalid(path, host, msg));
}

/** ValidateIngressClass(Update): a domain-prefixed controller (immutable) and well-formed parameters. */
function validateIngressClass(obj: KubeObject, old?: KubeObject): FieldError[] {
  const sp = spec(obj);
  const controller = asString(sp['controller']);
  const out: FieldError[] =
    controller.length > MAX_CONTROLLER_LENGTH ? [tooLong('spec.controller', MAX_CONTROLLER_LENGTH)] : domainPrefixedPathErrors(controller, 'spec.controller');
  const parameters = sp['parameters'];
  if (parameters !== undefined && parameters !== null) {
    const ref = asObject(parameters);
    if (asString(ref['kind']) === '') out.push(required('spec.parameters.kind'));
    if (asString(ref['name']) === '') out.push(required('spec.parameters.name'));
    const scope = asString(ref['scope']);
    const namespace = ref['namespace'];
    if (!PARAMETER_SCOPES.includes(scope)) out.push(notSupported('spec.parameters.scope', scope, PARAMETER_SCOPES));
    else if (scope === 'Namespace' && asString(namespace) === '') out.push(required('spec.parameters.namespace', '`parameters.scope` is set to Namespace'));
    else if (scope === 'Cluster' && namespace !== undefined && namespace !== null) {
      out.push(forbidden('spec.parameters.namespace', '`parameters.scope` is set to Cluster'));
    }
  }
  if (old !== undefined) out.push(...immutable('spec.controller', sp['controller'], spec(old)['controller']));
  return out;
}

export const ingressClasses: ResourceDecl = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  listKind: 'IngressClassList',
  plural: 'ingressclasses',
  singular: 'ingressclass',
  namespaced: false,
  schema: ingressClassSchema,
  printerColumns: tableColumns(ingressClassColumnDefinitions, ingressClassRow),
  strategy: { generation: true, defaults: defaultIngressClass, validate: validateIngressClass },
};

const POLICY_TYPES = ['Ingress', 'Egress'];

/** ValidateNetworkPolicySpec: the pod selector, each rule's ports and peers, the policy types. */
function validateNetworkPolicy(obj: KubeObject): FieldError[] {
  const sp = spec(obj);
  const out: FieldError[] = [
    ...validateLabelSelector(sp['podSelector'], 'spec.podSelector'),
    ...validateNetworkPolicyRules(sp['ingress'], 'spec.ingress', 'from'),
    ...validateNetworkPolicyRules(sp['egress'], 'spec.egress', 'to'),
  ];
  const types = asArray(sp['policyTypes']).map(asString);
  for (const [i, type] of types.entries()) {
    if (!POLICY_TYPES.includes(type)) out.push(notSupported(index('spec.policyTypes', i), type, POLICY_TYPES));
  }
  if (types.length > POLICY_TYPES.length) out.push(invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
  return out;
}

export const networkPolicies: ResourceDecl = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  listKind: 'NetworkPolicyList',
  plural: 'networkpolicies',
  singular: 'networkpolicy',
  shortNames: ['netpol'],
  namespaced: true,
  schema: networkPolicySchema,
  printerColumns: tableColumns(networkPolicyColumnDefinitions, networkPolicyRow),
  strategy: { generation: true, defaults: defaultNetworkPolicy, validate: validateNetworkPolicy },
};
