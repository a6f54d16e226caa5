import type { Registry } from '../registry/registry.js';
import type { ResourceDecl } from '../registry/types.js';

/**
 * API discovery documents, generated from the registry: the legacy forms (/api, /apis,
 * /apis/{group}, /api/v1 and /apis/{group}/{version} APIResourceLists) and aggregated discovery
 * (apidiscovery.k8s.io/v2 APIGroupDiscoveryList, which kubectl asks for first).
 */

const DEFAULT_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

function verbsOf(d: ResourceDecl): string[] {
  return [...(d.verbs ?? DEFAULT_VERBS)].sort();
}

function subresources(d: ResourceDecl): Array<{ name: string; kind: string; group?: string; version?: string; verbs: string[] }> {
  const out: Array<{ name: string; kind: string; group?: string; version?: string; verbs: string[] }> = [];
  if (d.subresources?.binding === true) out.push({ name: 'binding', kind: 'Binding', verbs: ['create'] });
  if (d.subresources?.scale !== undefined) out.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] });
  if (d.subresources?.status === true) out.push({ name: 'status', kind: d.kind, verbs: ['get', 'patch', 'update'] });
  return out;
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(registry: Registry, group: string): Record<string, unknown> | undefined {
  const g = registry.groups().find((x) => x.group === group);
  if (g === undefined || g.versions.length === 0) return undefined;
  const versions = g.versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(registry: Registry): Record<string, unknown> {
  const groups = registry
    .groups()
    .filter((g) => g.group !== '')
    .map((g) => groupEntry(registry, g.group))
    .filter((g) => g !== undefined);
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(registry: Registry, group: string): Record<string, unknown> | undefined {
  const e = groupEntry(registry, group);
  return e === undefined ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...e };
}

export function apiResourceList(registry: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const decls = registry.resources(group, version);
  if (decls.length === 0) return undefined;
  const resources: Array<Record<string, unknown>> = [];
  for (const d of decls) {
    const r: Record<string, unknown> = { name: d.plural, singularName: d.singular, namespaced: d.namespaced, kind: d.kind, verbs: verbsOf(d) };
    if (d.shortNames !== undefined && d.shortNames.length > 0) r.shortNames = d.shortNames;
    if (d.categories !== undefined && d.categories.length > 0) r.categories = d.categories;
    resources.push(r);
    for (const s of subresources(d)) {
      resources.push({
        name: `${d.plural}/${s.name}`,
        singularName: '',
        namespaced: d.namespaced,
        ...(s.group !== undefined ? { group: s.group, version: s.version } : {}),
        kind: s.kind,
        verbs: s.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group === '' ? version : `${group}/${version}`, resources };
}

function discoveryResource(d: ResourceDecl): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resource: d.plural,
    responseKind: { group: d.group, version: d.version, kind: d.kind },
    scope: d.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: d.singular,
    verbs: verbsOf(d),
  };
  if (d.shortNames !== undefined && d.shortNames.length > 0) r.shortNames = d.shortNames;
  if (d.categories !== undefined && d.categories.length > 0) r.categories = d.categories;
  const subs = subresources(d);
  if (subs.length > 0) {
    r.subresources = subs.map((s) => ({ subresource: s.name, responseKind: { group: s.group ?? d.group, version: s.version ?? d.version, kind: s.kind }, verbs: s.verbs }));
  }
  return r;
}

/** Aggregated discovery for /api (legacy: true) or /apis. */
export function aggregated(registry: Registry, legacy: boolean, apiVersion: 'apidiscovery.k8s.io/v2' | 'apidiscovery.k8s.io/v2beta1'): Record<string, unknown> {
  const items = registry
    .groups()
    .filter((g) => (legacy ? g.group === '' : g.group !== ''))
    .map((g) => ({
      metadata: legacy ? { creationTimestamp: null } : { name: g.group, creationTimestamp: null },
      versions: g.versions.map((v) => ({ version: v, resources: registry.resources(g.group, v).map(discoveryResource), freshness: 'Current' })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}
