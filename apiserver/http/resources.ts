import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestInfo } from '../auth/request_info.js';
import { errors, StatusError } from '../errors.js';
import { UNDELETABLE_NAMESPACES } from '../namespaces.js';
import { defaultManager } from '../registry/meta.js';
import { apiVersionOf } from '../registry/registry.js';
import type { DeleteOptions, FieldValidation, WriteContext } from '../registry/rest.js';
import type { KubeObject, ResourceDecl } from '../registry/types.js';
import type { ApiContext } from './context.js';
import { selectionFilter } from './list_filter.js';
import { decodeBody, negotiate, patchTypeOf, type Negotiated } from './negotiate.js';
import { send } from './respond.js';
import { getScale, updateScale } from './scale.js';
import { toTable, type IncludeObject } from './table.js';
import { serveWatch } from './watch.js';

/**
 * The resource endpoints: get, list, watch, create, update, patch, delete and deletecollection on
 * every declared type, and the status, scale and binding subresources.
 */

type Query = Record<string, string | undefined>;

export function queryOf(req: FastifyRequest): Query {
  const q: Query = {};
  const url = new URL(req.url, 'http://x');
  for (const [k, v] of url.searchParams) q[k] = v;
  return q;
}

function bool(v: string | undefined): boolean {
  return v !== undefined && v !== 'false' && v !== '0';
}

function intParam(q: Query, name: string): number | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw errors.badRequest(`invalid value for ${name}: ${v}`);
  return Number(v);
}

function writeContext(req: FastifyRequest, q: Query): WriteContext {
  const dryRun = q.dryRun;
  if (dryRun !== undefined && dryRun !== '' && dryRun !== 'All') throw errors.badRequest(`dryRun: Unsupported value: "${dryRun}": supported values: "All"`);
  const fv = q.fieldValidation ?? 'Warn';
  if (fv !== 'Ignore' && fv !== 'Warn' && fv !== 'Strict') {
    throw errors.badRequest(`fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`);
  }
  const manager = q.fieldManager ?? defaultManager(req.headers['user-agent']);
  if (manager.length > 128) throw errors.badRequest('fieldManager: Too long: may not be longer than 128');
  return { dryRun: dryRun === 'All', fieldValidation: fv as FieldValidation, fieldManager: manager, now: new Date(), warnings: [] };
}

function warn(reply: FastifyReply, ctx: WriteContext): void {
  if (ctx.warnings.length > 0) reply.header('warning', ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', '));
}

export function rawBody(req: FastifyRequest): unknown {
  return decodeBody(req.body as Buffer | undefined, req.headers['content-type']);
}

function render(decl: ResourceDecl, obj: KubeObject, n: Negotiated, q: Query): unknown {
  switch (n.transform) {
    case 'Table':
      return toTable(decl, [obj], { include: (q.includeObject as IncludeObject | undefined) ?? 'Metadata', resourceVersion: obj.metadata?.resourceVersion ?? '' });
    case 'PartialObjectMetadata':
    case 'PartialObjectMetadataList':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} };
    case 'none':
      return obj;
    default: {
      const never: never = n.transform;
      throw new Error(`unknown transform ${String(never)}`);
    }
  }
}

export async function handleResource(api: ApiContext, req: FastifyRequest, reply: FastifyReply, info: RequestInfo): Promise<void> {
  let decl = api.registry.lookup(info.apiGroup, info.apiVersion, info.resource);
  if (decl === undefined && info.apiGroup !== '' && api.onUnknownResource !== undefined) {
    await api.onUnknownResource();
    decl = api.registry.lookup(info.apiGroup, info.apiVersion, info.resource);
  }
  if (decl === undefined) throw errors.noRoute();
  if (decl.namespaced === false && info.namespace !== '' && !(decl.plural === 'namespaces' && decl.group === '')) throw errors.noRoute();
  const q = queryOf(req);
  const name = pathName(info);
  const namespace = decl.plural === 'namespaces' && decl.group === '' ? '' : info.namespace;
  const sub = info.subresource;
  if (sub !== '') return handleSubresource(api, req, reply, decl, namespace, name, sub, q);
  const rest = api.rest(decl);
  const verbs = decl.verbs;
  if (verbs !== undefined && !verbs.includes(info.verb)) throw errors.methodNotAllowed();
  switch (info.verb) {
    case 'get': {
      const n = negotiate(req.headers.accept, { listish: false, tableAllowed: true });
      return send(reply, 200, render(decl, await rest.get(namespace, name), n, q), n);
    }
    case 'list':
      return list(api, req, reply, decl, namespace, q);
    case 'watch':
      return serveWatch(api, req, reply, decl, namespace, q);
    case 'create': {
      if (name !== '') throw errors.methodNotAllowed();
      const ctx = writeContext(req, q);
      const created = await rest.create(namespace, rawBody(req), ctx);
      warn(reply, ctx);
      const n = negotiate(req.headers.accept, { listish: false, tableAllowed: true });
      return send(reply, 201, render(decl, created, n, q), n);
    }
    case 'update': {
      const ctx = writeContext(req, q);
      const updated = await rest.update(namespace, name, rawBody(req), ctx);
      warn(reply, ctx);
      const n = negotiate(req.headers.accept, { listish: false, tableAllowed: true });
      return send(reply, 200, render(decl, updated, n, q), n);
    }
    case 'patch': {
      const type = patchTypeOf(req.headers['content-type']);
      if (type === 'strategic' && decl.custom === true) {
        throw errors.unsupportedMediaType('application/strategic-merge-patch+json', ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
      }
      const ctx = writeContext(req, q);
      if (type === 'apply' && q.fieldManager === undefined) throw errors.badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
      const pctx = { ...ctx, force: bool(q.force) };
      const patched = await rest.patch(namespace, name, type, rawBody(req), pctx);
      warn(reply, pctx);
      const n = negotiate(req.headers.accept, { listish: false, tableAllowed: true });
      return send(reply, pctx.created === true ? 201 : 200, render(decl, patched, n, q), n);
    }
    case 'delete': {
      if (decl.plural === 'namespaces' && decl.group === '' && UNDELETABLE_NAMESPACES.has(name)) throw errors.forbidden(rest.gr, name, 'this namespace may not be deleted');
      const ctx = writeContext(req, q);
      const opts = deleteOptions(req, q);
      const result = await rest.delete(namespace, name, opts, ctx);
      const n = negotiate(req.headers.accept, { listish: false, tableAllowed: false });
      if (result.deleted && (decl.group !== '' || !RETURNS_OBJECT.has(decl.plural)) && decl.custom !== true) {
        return send(reply, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, ...(decl.group !== '' ? { group: decl.group } : {}), kind: decl.plural, uid: result.object.metadata?.uid } }, n);
      }
      return send(reply, result.deleted ? 200 : 202, result.object, n);
    }
    case 'deletecollection':
      return deleteCollection(api, req, reply, decl, namespace, q);
    default:
      throw errors.methodNotAllowed();
  }
}

/** Core types whose DELETE answers with the deleted object, as kube-apiserver's ReturnDeletedObject. */
const RETURNS_OBJECT = new Set(['pods', 'services', 'namespaces', 'nodes']);


/** The object's name from the path (RequestInfo also fills it from a metadata.name field selector on lists). */
function pathName(info: RequestInfo): string {
  return info.parts.length >= 2 ? (info.parts[1] ?? '') : '';
}

function deleteOptions(req: FastifyRequest, q: Query): DeleteOptions {
  let body: Record<string, unknown> = {};
  const raw = req.body as Buffer | undefined;
  if (raw !== undefined && raw.length > 0) {
    const decoded = decodeBody(raw, req.headers['content-type']);
    if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw errors.badRequest('DeleteOptions must be an object');
    body = decoded as Record<string, unknown>;
  }
  let policy = (body.propagationPolicy as string | undefined) ?? q.propagationPolicy;
  const orphan = body.orphanDependents ?? (q.orphanDependents !== undefined ? bool(q.orphanDependents) : undefined);
  if (policy === undefined && orphan !== undefined) policy = orphan === true ? 'Orphan' : 'Background';
  if (policy !== undefined && policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
    throw errors.invalid('DeleteOptions', '', '', [{ reason: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"` }]);
  }
  const grace = (body.gracePeriodSeconds as number | undefined) ?? intParam(q, 'gracePeriodSeconds');
  const pre = body.preconditions as { uid?: string; resourceVersion?: string } | undefined;
  return {
    ...(policy !== undefined ? { propagationPolicy: policy } : {}),
    ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}),
    ...(pre !== undefined ? { preconditions: pre } : {}),
  };
}

async function list(api: ApiContext, req: FastifyRequest, reply: FastifyReply, decl: ResourceDecl, namespace: string, q: Query): Promise<void> {
  const n = negotiate(req.headers.accept, { listish: true, tableAllowed: true });
  const filter = selectionFilter(decl, q.labelSelector, q.fieldSelector);
  const limit = intParam(q, 'limit') ?? 0;
  const rv = q.resourceVersion ?? '';
  const match = q.resourceVersionMatch ?? '';
  const cont = q.continue ?? '';
  if (match !== '' && match !== 'Exact' && match !== 'NotOlderThan') {
    throw errors.badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (match !== '' && rv === '') throw errors.badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (cont !== '' && rv !== '' && rv !== '0') throw errors.badRequest('specifying resource version is not allowed when using continue');
  if (rv !== '' && !/^\d+$/.test(rv)) throw errors.badRequest(`invalid resource version "${rv}"`);
  const rest = api.rest(decl);
  const keyPrefix = api.store.keys.collection(rest.stored, namespace);
  let items: KubeObject[];
  let revision: number;
  let continueToken: string | undefined;
  let remaining: number | undefined;
  const fromCache = cont === '' && match !== 'Exact' && (rv === '0' || (rv !== '' && limit === 0));
  if (fromCache) {
    const cache = api.cache(decl);
    await cache.ready();
    if (rv !== '0') await cache.waitFor(Number(rv));
    ({ items, revision } = cache.list(filter ?? (() => true), keyPrefix));
  } else {
    const res = await api.store.list(rest.stored, namespace, {
      limit,
      ...(cont !== '' ? { continueToken: cont } : {}),
      ...(match === 'Exact' ? { revision: Number(rv) } : {}),
      ...(filter !== undefined ? { filter } : {}),
    });
    items = res.items;
    revision = res.revision;
    continueToken = res.continueToken;
    remaining = res.remainingItemCount;
    if (rv !== '' && match !== 'Exact' && revision < Number(rv)) throw errors.timeout(`Too large resource version: ${rv}, current: ${revision}`);
  }
  const metadata: Record<string, unknown> = { resourceVersion: String(revision) };
  if (continueToken !== undefined) metadata.continue = continueToken;
  if (remaining !== undefined) metadata.remainingItemCount = remaining;
  let body: unknown;
  switch (n.transform) {
    case 'Table':
      body = toTable(decl, items, { include: (q.includeObject as IncludeObject | undefined) ?? 'Metadata', resourceVersion: String(revision), ...(continueToken !== undefined ? { continueToken } : {}), ...(remaining !== undefined ? { remainingItemCount: remaining } : {}) });
      break;
    case 'PartialObjectMetadata':
    case 'PartialObjectMetadataList':
      body = { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items: items.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata ?? {} })) };
      break;
    case 'none':
      body = { kind: decl.listKind ?? `${decl.kind}List`, apiVersion: apiVersionOf(decl), metadata, items };
      break;
    default: {
      const never: never = n.transform;
      throw new Error(`unknown transform ${String(never)}`);
    }
  }
  return send(reply, 200, body, n);
}

async function deleteCollection(api: ApiContext, req: FastifyRequest, reply: FastifyReply, decl: ResourceDecl, namespace: string, q: Query): Promise<void> {
  const rest = api.rest(decl);
  const ctx = writeContext(req, q);
  const opts = deleteOptions(req, q);
  const filter = selectionFilter(decl, q.labelSelector, q.fieldSelector);
  const { items } = await api.store.list(rest.stored, namespace, filter !== undefined ? { filter } : {});
  const out: KubeObject[] = [];
  for (const item of items) {
    try {
      const r = await rest.delete(item.metadata?.namespace ?? '', item.metadata?.name ?? '', opts, ctx);
      out.push(r.object);
    } catch (err) {
      if (err instanceof StatusError && err.reason === 'NotFound') continue;
      throw err;
    }
  }
  const n = negotiate(req.headers.accept, { listish: true, tableAllowed: false });
  return send(reply, 200, { kind: decl.listKind ?? `${decl.kind}List`, apiVersion: apiVersionOf(decl), metadata: {}, items: out }, n);
}

async function handleSubresource(api: ApiContext, req: FastifyRequest, reply: FastifyReply, decl: ResourceDecl, namespace: string, name: string, sub: string, q: Query): Promise<void> {
  const rest = api.rest(decl);
  const method = req.method;
  const n = negotiate(req.headers.accept, { listish: false, tableAllowed: false });
  if (sub === 'status' && decl.subresources?.status === true) {
    if (method === 'GET') return send(reply, 200, await rest.get(namespace, name), n);
    const ctx = writeContext(req, q);
    if (method === 'PUT') {
      const out = await rest.update(namespace, name, rawBody(req), ctx, 'status');
      warn(reply, ctx);
      return send(reply, 200, out, n);
    }
    if (method === 'PATCH') {
      const type = patchTypeOf(req.headers['content-type']);
      if (type === 'apply' && q.fieldManager === undefined) throw errors.badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
      const out = await rest.patch(namespace, name, type, rawBody(req), { ...ctx, force: bool(q.force) }, 'status');
      warn(reply, ctx);
      return send(reply, 200, out, n);
    }
    throw errors.methodNotAllowed();
  }
  if (sub === 'scale' && decl.subresources?.scale !== undefined) {
    if (method === 'GET') return send(reply, 200, getScale(decl, await rest.get(namespace, name)), n);
    if (method === 'PUT' || method === 'PATCH') {
      const ctx = writeContext(req, q);
      const out = await updateScale(api, decl, namespace, name, method === 'PUT' ? { kind: 'update', body: rawBody(req) } : { kind: 'patch', type: patchTypeOf(req.headers['content-type']), body: rawBody(req) }, ctx);
      return send(reply, 200, out, n);
    }
    throw errors.methodNotAllowed();
  }
  if (sub === 'binding' && decl.subresources?.binding === true && method === 'POST') {
    const ctx = writeContext(req, q);
    const body = rawBody(req) as { target?: { name?: string; kind?: string } };
    const node = body?.target?.name ?? '';
    if (node === '') throw errors.invalid('Binding', '', name, [{ reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' }]);
    const bind = (pod: KubeObject): KubeObject => {
      const spec = (pod.spec ?? {}) as { nodeName?: string };
      if (pod.metadata?.deletionTimestamp !== undefined) throw errors.conflict(rest.gr, name, 'pod is being deleted, cannot be assigned to a host');
      if ((spec.nodeName ?? '') !== '') throw errors.conflict(rest.gr, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
      pod.spec = { ...spec, nodeName: node };
      return pod;
    };
    if (ctx.dryRun) bind(await rest.get(namespace, name));
    else await api.store.guaranteedUpdate(rest.stored, namespace, name, bind);
    return send(reply, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, n);
  }
  throw errors.noRoute();
}
