import { createHash } from 'node:crypto';
import type { Registry } from '../registry/registry.js';
import type { Schema } from '../registry/schema.js';
import type { ResourceDecl } from '../registry/types.js';

/**
 * OpenAPI documents generated from the same declarations the server serves: /openapi/v3 (an index
 * of group-versions, and one OpenAPI 3.0 document per group-version) and /openapi/v2 (Swagger 2.0,
 * every group at once). Every PATCH operation carries x-kubernetes-group-version-kind and declares
 * the fieldValidation query parameter, which is how kubectl learns that the server validates fields
 * itself (so `kubectl create` and `kubectl apply` need no `--validate=false`).
 */

export const KUBE_VERSION = 'v1.32.0';

const BUILTIN_PREFIX: Readonly<Record<string, string>> = {
  '': 'io.k8s.api.core',
  apps: 'io.k8s.api.apps',
  batch: 'io.k8s.api.batch',
  'coordination.k8s.io': 'io.k8s.api.coordination',
  'rbac.authorization.k8s.io': 'io.k8s.api.rbac',
  'apiextensions.k8s.io': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
  autoscaling: 'io.k8s.api.autoscaling',
  'networking.k8s.io': 'io.k8s.api.networking',
  policy: 'io.k8s.api.policy',
  'scheduling.k8s.io': 'io.k8s.api.scheduling',
  'storage.k8s.io': 'io.k8s.api.storage',
};

/** The definition name of a type, as upstream names it (`io.k8s.api.apps.v1.Deployment`, `com.example.stable.v1.CronTab`). */
export function definitionName(d: { group: string; version: string; kind: string }): string {
  const prefix = BUILTIN_PREFIX[d.group] ?? d.group.split('.').reverse().join('.');
  return `${prefix}.${d.version}.${d.kind}`;
}

function gvk(d: ResourceDecl): Record<string, string> {
  return { group: d.group, kind: d.kind, version: d.version };
}

/** Schemas as OpenAPI wants them: our schema language is already OpenAPI's, minus nothing. */
function exported(schema: Schema): Record<string, unknown> {
  return schema as unknown as Record<string, unknown>;
}

const STATUS_SCHEMA = { type: 'object', description: 'Status is a return value for calls that do not return other objects.', 'x-kubernetes-preserve-unknown-fields': true };

function queryParam(name: string, description: string, type: 'string' | 'boolean' | 'integer', v2: boolean): Record<string, unknown> {
  return v2 ? { name, in: 'query', description, type, uniqueItems: true } : { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

function pathParam(name: string, description: string, v2: boolean): Record<string, unknown> {
  return v2 ? { name, in: 'path', required: true, description, type: 'string', uniqueItems: true } : { name, in: 'path', required: true, description, schema: { type: 'string', uniqueItems: true } };
}

function writeParams(v2: boolean, patch: boolean): Record<string, unknown>[] {
  const ps = [
    queryParam('dryRun', 'When present, indicates that modifications should not be persisted. Valid values: All.', 'string', v2),
    queryParam('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.', 'string', v2),
    queryParam('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn (the default), Strict.', 'string', v2),
  ];
  if (patch) ps.push(queryParam('force', 'Force is going to "force" Apply requests.', 'boolean', v2));
  return ps;
}

function listParams(v2: boolean): Record<string, unknown>[] {
  return [
    queryParam('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean', v2),
    queryParam('continue', 'The continue option should be set when retrieving more results from the server.', 'string', v2),
    queryParam('fieldSelector', 'A selector to restrict the list of returned objects by their fields.', 'string', v2),
    queryParam('labelSelector', 'A selector to restrict the list of returned objects by their labels.', 'string', v2),
    queryParam('limit', 'limit is a maximum number of responses to return for a list call.', 'integer', v2),
    queryParam('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.', 'string', v2),
    queryParam('resourceVersionMatch', 'resourceVersionMatch determines how resourceVersion is applied to list calls.', 'string', v2),
    queryParam('sendInitialEvents', 'sendInitialEvents=true may be set together with watch=true.', 'boolean', v2),
    queryParam('timeoutSeconds', 'Timeout for the list/watch call.', 'integer', v2),
    queryParam('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean', v2),
  ];
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

function op(d: ResourceDecl, action: string, id: string, ref: string, v2: boolean, extra: { params?: Record<string, unknown>[]; body?: boolean; patch?: boolean; list?: boolean }): Record<string, unknown> {
  const okSchema = { $ref: ref };
  const o: Record<string, unknown> = {
    description: `${action} ${d.kind}`,
    operationId: id,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk(d),
    parameters: [...(extra.params ?? [])],
    responses: v2 ? { '200': { description: 'OK', schema: okSchema }, '401': { description: 'Unauthorized' } } : { '200': { description: 'OK', content: { 'application/json': { schema: okSchema } } }, '401': { description: 'Unauthorized' } },
  };
  if (extra.body === true) {
    const types = extra.patch === true ? PATCH_TYPES : ['application/json', 'application/yaml'];
    if (v2) {
      (o.parameters as unknown[]).push({ name: 'body', in: 'body', required: true, schema: extra.patch === true ? { type: 'object' } : okSchema });
      o.consumes = types;
    } else {
      o.requestBody = { required: true, content: Object.fromEntries(types.map((t) => [t, { schema: extra.patch === true ? { type: 'object' } : okSchema }])) };
    }
  }
  return o;
}

function pathsOf(d: ResourceDecl, v2: boolean, refBase: string): Record<string, Record<string, unknown>> {
  const base = d.group === '' ? `/api/${d.version}` : `/apis/${d.group}/${d.version}`;
  const ref = `${refBase}${definitionName(d)}`;
  const listRef = `${refBase}${definitionName({ ...d, kind: d.listKind ?? `${d.kind}List` })}`;
  const nsParam = pathParam('namespace', 'object name and auth scope, such as for teams and projects', v2);
  const nameParam = pathParam('name', `name of the ${d.kind}`, v2);
  const collection = d.namespaced ? `${base}/namespaces/{namespace}/${d.plural}` : `${base}/${d.plural}`;
  const kindId = d.kind;
  const out: Record<string, Record<string, unknown>> = {};
  const scope = d.namespaced ? 'Namespaced' : '';
  const common = d.namespaced ? [nsParam] : [];
  out[collection] = {
    parameters: common,
    get: op(d, 'list', `list${scope}${kindId}`, listRef, v2, { params: listParams(v2) }),
    post: op(d, 'post', `create${scope}${kindId}`, ref, v2, { params: writeParams(v2, false), body: true }),
    delete: op(d, 'deletecollection', `deleteCollection${scope}${kindId}`, `${refBase}io.k8s.apimachinery.pkg.apis.meta.v1.Status`, v2, { params: listParams(v2) }),
  };
  out[`${collection}/{name}`] = {
    parameters: [...common, nameParam],
    get: op(d, 'get', `read${scope}${kindId}`, ref, v2, {}),
    put: op(d, 'put', `replace${scope}${kindId}`, ref, v2, { params: writeParams(v2, false), body: true }),
    patch: op(d, 'patch', `patch${scope}${kindId}`, ref, v2, { params: writeParams(v2, true), body: true, patch: true }),
    delete: op(d, 'delete', `delete${scope}${kindId}`, `${refBase}io.k8s.apimachinery.pkg.apis.meta.v1.Status`, v2, { params: [queryParam('dryRun', 'dry run', 'string', v2), queryParam('propagationPolicy', 'propagation policy', 'string', v2), queryParam('gracePeriodSeconds', 'grace period', 'integer', v2)] }),
  };
  if (d.subresources?.status === true) {
    out[`${collection}/{name}/status`] = {
      parameters: [...common, nameParam],
      get: op(d, 'get', `read${scope}${kindId}Status`, ref, v2, {}),
      put: op(d, 'put', `replace${scope}${kindId}Status`, ref, v2, { params: writeParams(v2, false), body: true }),
      patch: op(d, 'patch', `patch${scope}${kindId}Status`, ref, v2, { params: writeParams(v2, true), body: true, patch: true }),
    };
  }
  if (d.namespaced) {
    out[`${base}/${d.plural}`] = { get: op(d, 'list', `list${kindId}ForAllNamespaces`, listRef, v2, { params: listParams(v2) }) };
  }
  return out;
}

function definitionsOf(d: ResourceDecl, refBase: string): Record<string, unknown> {
  const name = definitionName(d);
  const listName = definitionName({ ...d, kind: d.listKind ?? `${d.kind}List` });
  return {
    [name]: { ...exported(d.schema), 'x-kubernetes-group-version-kind': [gvk(d)] },
    [listName]: {
      type: 'object',
      description: `${d.listKind ?? `${d.kind}List`} is a list of ${d.kind}`,
      required: ['items'],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        items: { type: 'array', items: { $ref: `${refBase}${name}` } },
      },
      'x-kubernetes-group-version-kind': [{ ...gvk(d), kind: d.listKind ?? `${d.kind}List` }],
    },
  };
}

function hashOf(doc: unknown): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 128).toUpperCase();
}

/** The OpenAPI v3 document of one group-version, or undefined when nothing is served there. */
export function openApiV3GroupVersion(registry: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const decls = registry.resources(group, version);
  if (decls.length === 0) return undefined;
  const refBase = '#/components/schemas/';
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = { 'io.k8s.apimachinery.pkg.apis.meta.v1.Status': STATUS_SCHEMA };
  for (const d of decls) {
    Object.assign(paths, pathsOf(d, false, refBase));
    Object.assign(schemas, definitionsOf(d, refBase));
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: KUBE_VERSION }, paths, components: { schemas } };
}

/** /openapi/v3: where each group-version's document is, with a content hash. */
export function openApiV3Index(registry: Registry): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const g of registry.groups()) {
    for (const v of g.versions) {
      const key = g.group === '' ? `api/${v}` : `apis/${g.group}/${v}`;
      const doc = openApiV3GroupVersion(registry, g.group, v);
      if (doc !== undefined) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hashOf(doc)}` };
    }
  }
  return { paths };
}

export function openApiV2(registry: Registry): Record<string, unknown> {
  const refBase = '#/definitions/';
  const paths: Record<string, unknown> = {};
  const definitions: Record<string, unknown> = { 'io.k8s.apimachinery.pkg.apis.meta.v1.Status': STATUS_SCHEMA };
  for (const d of registry.all()) {
    Object.assign(paths, pathsOf(d, true, refBase));
    Object.assign(definitions, definitionsOf(d, refBase));
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version: KUBE_VERSION }, paths, definitions };
}
