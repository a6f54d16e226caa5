import { errors, StatusError, type GroupResource } from '../errors.js';
import { CLAIM_TAKEN, type ObjectStore, type StoredResource } from '../storage/store.js';
import { claimKey, clusterIPOf, inServiceRange, isService, needsAllocation, randomServiceIP, SERVICE_CIDR, setClusterIP } from './service_ips.js';
import { equalJson, hasStatus, keepSystemMeta, nameSuffix, newUid, specOf, timestamp, tracksGeneration } from './meta.js';
import { apiVersionOf } from './registry.js';
import type { FieldError, KubeObject, ResourceDecl } from './types.js';
import { prune, unknownFields, validateObjectMeta, validateObjectMetaUpdate, validateSchema } from './validate.js';

/**
 * The generic REST behaviour of every resource (kube-apiserver's generic registry store plus the
 * per-type strategies): create, update and patch with optimistic concurrency, the status
 * subresource, managed fields, finalizers and graceful deletion, namespace lifecycle, dryRun and
 * fieldValidation. The HTTP layer decodes requests and encodes answers; everything in between is here.
 */

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** Patch and managed-fields machinery, injected (apiserver/patch, apiserver/apply). */
export interface Machinery {
  patch(type: Exclude<PatchType, 'apply'>, original: KubeObject, patch: unknown, decl: ResourceDecl): KubeObject;
  apply(live: KubeObject | undefined, config: KubeObject, opts: { manager: string; force: boolean; decl: ResourceDecl; now: Date; subresource?: string }): KubeObject;
  recordUpdate(old: KubeObject | undefined, updated: KubeObject, opts: { manager: string; decl: ResourceDecl; now: Date; subresource?: string }): KubeObject;
}

export interface WriteContext {
  readonly dryRun: boolean;
  readonly fieldValidation: FieldValidation;
  readonly fieldManager: string;
  readonly now: Date;
  /** Warnings for the client (Warning: 299 headers). */
  readonly warnings: string[];
  /** Set by a server-side apply that created the object (the response is then 201). */
  created?: boolean;
}

/** The context of a write the server makes itself (its control loops): applied, unvalidated fields ignored. */
export function internalWrite(fieldManager: string): WriteContext {
  return { dryRun: false, fieldValidation: 'Ignore', fieldManager, now: new Date(), warnings: [] };
}

export interface DeleteOptions {
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

export interface DeleteResult {
  /** The object as it was deleted, or as it now is when deletion waits for finalizers. */
  readonly object: KubeObject;
  /** False when the object still exists (finalizers pending, graceful deletion). */
  readonly deleted: boolean;
}

/** Namespaces the REST layer must know about for namespace lifecycle. */
export type NamespaceLookup = (name: string) => Promise<KubeObject | undefined>;

export function storedResource(decl: ResourceDecl): StoredResource {
  return { group: decl.group, resource: decl.plural, namespaced: decl.namespaced, kind: decl.kind, apiVersion: apiVersionOf(decl) };
}

const NAME_RULE_LABEL = new Set(['namespaces', 'services']);

export class Rest {
  readonly stored: StoredResource;
  readonly gr: GroupResource;

  constructor(
    readonly decl: ResourceDecl,
    private readonly store: ObjectStore,
    private readonly machinery: Machinery,
    private readonly namespaceOf: NamespaceLookup,
    /** The watch cache's copy of an object, when the cache is loaded and has it (never mutated). */
    private readonly cached: (namespace: string, name: string) => KubeObject | undefined = () => undefined,
  ) {
    this.stored = storedResource(decl);
    this.gr = { group: decl.group, resource: decl.plural };
  }

  async get(namespace: string, name: string): Promise<KubeObject> {
    return this.store.mustGet(this.stored, namespace, name);
  }

  /** Decodes a body into an object of this type: kind and apiVersion checked, unknown fields handled. */
  decode(body: unknown, ctx: WriteContext): KubeObject {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw errors.badRequest('the request body must be a JSON or YAML object');
    const obj = structuredClone(body) as KubeObject;
    const apiVersion = apiVersionOf(this.decl);
    if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== this.decl.kind) {
      throw errors.badRequest(`${obj.kind} in version "${this.decl.version}" cannot be handled as a ${this.decl.kind}: the kind in the data (${obj.kind}) does not match the expected kind (${this.decl.kind})`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== apiVersion) {
      throw errors.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`);
    }
    obj.apiVersion = apiVersion;
    obj.kind = this.decl.kind;
    if (obj.metadata !== undefined && (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))) {
      throw errors.badRequest(`${this.decl.kind} in version "${this.decl.version}" cannot be handled as a ${this.decl.kind}: metadata must be an object`);
    }
    obj.metadata ??= {};
    const unknown = ctx.fieldValidation === 'Ignore' ? [] : unknownFields(this.decl.schema, obj);
    if (unknown.length > 0) {
      const texts = unknown.map((f) => `unknown field "${f}"`);
      if (ctx.fieldValidation === 'Strict') throw errors.badRequest(`strict decoding error: ${texts.join(', ')}`);
      ctx.warnings.push(...texts);
    }
    prune(this.decl.schema, obj);
    return obj;
  }

  async create(namespace: string, body: unknown, ctx: WriteContext): Promise<KubeObject> {
    const obj = this.decode(body, ctx);
    return this.createDecoded(namespace, obj, ctx);
  }

  private async createDecoded(namespace: string, obj: KubeObject, ctx: WriteContext, applied = false): Promise<KubeObject> {
    const meta = obj.metadata!;
    this.checkNamespace(meta, namespace);
    if ((meta.resourceVersion ?? '') !== '') throw errors.badRequest('resourceVersion should not be set on objects to be created');
    if ((meta.name ?? '') === '' && (meta.generateName ?? '') !== '') meta.name = `${meta.generateName}${nameSuffix()}`;
    meta.uid = newUid();
    meta.creationTimestamp = timestamp(ctx.now);
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (tracksGeneration(this.decl)) meta.generation = 1;
    else delete meta.generation;
    if (hasStatus(this.decl) && this.decl.strategy?.keepStatusOnCreate !== true) delete obj.status;
    this.decl.strategy?.defaults?.(obj);
    this.validate(obj);
    if (this.decl.namespaced) await this.checkNamespaceAccepts(namespace);
    const withFields = applied ? obj : this.machinery.recordUpdate(undefined, obj, { manager: ctx.fieldManager, decl: this.decl, now: ctx.now });
    if (ctx.dryRun) {
      // A dry run answers as the create would, without a resourceVersion to show nothing was stored.
      const meta2 = { ...(withFields.metadata ?? {}) };
      delete meta2.resourceVersion;
      if (isService(this.decl) && needsAllocation(withFields)) setClusterIP(withFields, randomServiceIP());
      return { ...withFields, metadata: meta2 };
    }
    return isService(this.decl) ? this.createService(withFields) : this.store.create(this.stored, withFields);
  }

  /** A Service is stored together with the claim on its cluster IP (picked here when it asked for none). */
  private async createService(obj: KubeObject): Promise<KubeObject> {
    const pick = needsAllocation(obj);
    for (let attempt = 0; attempt < 32; attempt++) {
      if (pick) setClusterIP(obj, randomServiceIP());
      const ip = clusterIPOf(obj);
      if (ip !== undefined && !inServiceRange(ip)) {
        throw errors.invalid(this.decl.kind, '', obj.metadata?.name ?? '', [{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: ["${ip}"]: failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}` }]);
      }
      try {
        return await this.store.create(this.stored, obj, ip === undefined ? [] : [claimKey(this.store.keys.prefix, ip)]);
      } catch (err) {
        if (err !== CLAIM_TAKEN) throw err;
        if (!pick) {
          throw errors.invalid(this.decl.kind, '', obj.metadata?.name ?? '', [{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: ["${ip}"]: failed to allocate IP ${ip}: provided IP is already allocated` }]);
        }
      }
    }
    throw errors.internal('failed to allocate a service IP: the range is full');
  }

  /** Keys removed with the object (a Service's IP claim). */
  private claimsOf(obj: KubeObject): string[] {
    if (!isService(this.decl)) return [];
    const ip = clusterIPOf(obj);
    return ip === undefined ? [] : [claimKey(this.store.keys.prefix, ip)];
  }

  /** PUT of the main resource (subresource undefined) or of /status. */
  async update(namespace: string, name: string, body: unknown, ctx: WriteContext, subresource?: 'status'): Promise<KubeObject> {
    const obj = this.decode(body, ctx);
    const meta = obj.metadata!;
    if ((meta.name ?? '') !== '' && meta.name !== name) throw errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    meta.name = name;
    this.checkNamespace(meta, namespace);
    const expected = meta.resourceVersion ?? '';
    return this.write(namespace, name, ctx, subresource, expected === '' ? undefined : expected, () => obj);
  }

  async patch(namespace: string, name: string, type: PatchType, patch: unknown, ctx: WriteContext & { force?: boolean }, subresource?: 'status'): Promise<KubeObject> {
    if (type === 'apply') return this.applyPatch(namespace, name, patch, ctx, subresource);
    let precondition: string | undefined;
    if (type !== 'json' && typeof patch === 'object' && patch !== null) {
      const rv = (patch as { metadata?: { resourceVersion?: unknown } }).metadata?.resourceVersion;
      if (typeof rv === 'string' && rv !== '') precondition = rv;
    }
    return this.write(namespace, name, ctx, subresource, precondition, (current) => {
      const patched = this.machinery.patch(type, current, patch, this.decl);
      return this.decode(patched, ctx);
    });
  }

  private async applyPatch(namespace: string, name: string, patch: unknown, ctx: WriteContext & { force?: boolean }, subresource?: 'status'): Promise<KubeObject> {
    const config = this.decode(patch, ctx);
    const meta = config.metadata!;
    if ((meta.name ?? '') !== '' && meta.name !== name) throw errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    meta.name = name;
    this.checkNamespace(meta, namespace);
    const opts = { manager: ctx.fieldManager, force: ctx.force === true, decl: this.decl, now: ctx.now, ...(subresource !== undefined ? { subresource } : {}) };
    if (this.cached(namespace, name) !== undefined) {
      // Most applies are to objects that exist; the cache says so without a read. If it lagged a
      // delete, the update finds nothing and the apply creates, as it would have.
      try {
        return await this.write(namespace, name, ctx, subresource, undefined, (current) => this.machinery.apply(current, config, opts), true);
      } catch (err) {
        if (!(err instanceof StatusError && err.reason === 'NotFound')) throw err;
      }
    }
    const existing = await this.store.get(this.stored, namespace, name);
    if (existing === undefined) {
      if (subresource !== undefined) throw errors.notFound(this.gr, name);
      const created = this.machinery.apply(undefined, config, opts);
      try {
        const out = await this.createDecoded(namespace, created, ctx, true);
        ctx.created = true;
        return out;
      } catch (err) {
        if (!(err instanceof StatusError && err.reason === 'AlreadyExists')) throw err;
      }
    }
    return this.write(namespace, name, ctx, subresource, undefined, (current) => this.machinery.apply(current, config, opts), true);
  }

  /**
   * The shared update path: read, compute the new object, keep what the client may not change,
   * validate, and write guarded by the revision read (retried on conflict unless the client gave a
   * resourceVersion). Finalizers cleared on an object being deleted delete it.
   */
  private async write(
    namespace: string,
    name: string,
    ctx: WriteContext,
    subresource: 'status' | undefined,
    expectedRv: string | undefined,
    compute: (current: KubeObject) => KubeObject,
    applied = false,
  ): Promise<KubeObject> {
    // The first attempt starts from the watch cache's copy, as kube-apiserver's GuaranteedUpdate
    // does with its cached object: the write is guarded by that copy's revision, so a stale copy
    // only costs a failed compare, whose transaction reads the current object for the next attempt.
    // Whatever the stale copy would decide on its own (a resourceVersion mismatch, nothing to
    // write) is confirmed against the store first.
    let current = this.cached(namespace, name);
    let fromCache = current !== undefined;
    for (let attempt = 0; ; attempt++) {
      if (current === undefined || attempt > 0 && fromCache) {
        current = await this.store.mustGet(this.stored, namespace, name);
        fromCache = false;
      }
      if (expectedRv !== undefined && expectedRv !== current.metadata?.resourceVersion) {
        if (fromCache) continue;
        throw errors.modified(this.gr, name);
      }
      const next = this.prepareUpdate(compute(structuredClone(current)), current, subresource);
      const withFields = applied ? next : this.machinery.recordUpdate(current, next, { manager: ctx.fieldManager, decl: this.decl, now: ctx.now, ...(subresource !== undefined ? { subresource } : {}) });
      if (sameExceptTimes(withFields, current)) {
        if (fromCache) continue;
        return current;
      }
      const finalizing = withFields.metadata?.deletionTimestamp !== undefined && (withFields.metadata?.finalizers ?? []).length === 0;
      if (ctx.dryRun) return withFields;
      const rev = Number(current.metadata?.resourceVersion);
      if (finalizing) {
        try {
          const deletedAt = await this.store.delete(this.stored, namespace, name, rev, this.claimsOf(current));
          return { ...withFields, metadata: { ...withFields.metadata, resourceVersion: String(deletedAt) } };
        } catch (err) {
          if (err instanceof StatusError && err.reason === 'Conflict' && (fromCache || expectedRv === undefined) && attempt < 16) continue;
          throw err;
        }
      }
      const out = await this.store.tryUpdate(this.stored, withFields, rev);
      if (out.written !== undefined) return out.written;
      if (out.current === undefined) throw errors.notFound(this.gr, name);
      // Retried when the copy was the cache's (it may only have lagged) or when the client gave no
      // resourceVersion to hold the write to.
      if (!(fromCache || expectedRv === undefined) || attempt >= 16) throw errors.modified(this.gr, name);
      current = out.current;
      fromCache = false;
    }
  }

  private prepareUpdate(obj: KubeObject, old: KubeObject, subresource: 'status' | undefined): KubeObject {
    let next: KubeObject;
    if (subresource === 'status') {
      // /status writes change status only (metadata beyond managed fields stays as stored).
      next = { ...structuredClone(old), status: obj.status };
      if (obj.status === undefined) delete next.status;
      next.metadata = { ...old.metadata, ...(obj.metadata?.managedFields !== undefined ? { managedFields: obj.metadata.managedFields } : {}) };
    } else {
      next = obj;
      next.metadata = keepSystemMeta(obj.metadata ?? {}, old.metadata ?? {});
      if (hasStatus(this.decl)) {
        if (old.status === undefined) delete next.status;
        else next.status = old.status;
      }
      this.decl.strategy?.defaults?.(next, old);
      if (tracksGeneration(this.decl) && !equalJson(specOf(this.decl, next), specOf(this.decl, old))) {
        next.metadata.generation = (old.metadata?.generation ?? 0) + 1;
      }
    }
    this.validate(next, old);
    return next;
  }

  private validate(obj: KubeObject, old?: KubeObject): void {
    const errs: FieldError[] = [];
    const meta = obj.metadata ?? {};
    errs.push(...validateObjectMeta(meta, { namespaced: this.decl.namespaced, nameRule: this.decl.strategy?.nameValidation ?? (NAME_RULE_LABEL.has(this.decl.plural) && this.decl.group === '' ? 'label' : 'subdomain') }));
    if (old !== undefined) errs.push(...validateObjectMetaUpdate(meta, old.metadata ?? {}));
    const { metadata: _m, ...rest } = obj;
    const restSchema = { ...this.decl.schema, properties: { ...(this.decl.schema.properties ?? {}) } } as typeof this.decl.schema & { properties: Record<string, unknown> };
    delete restSchema.properties.metadata;
    errs.push(...validateSchema(restSchema, rest));
    errs.push(...(this.decl.strategy?.validate?.(obj, old) ?? []));
    if (errs.length > 0) throw errors.invalid(this.decl.kind, this.decl.group, meta.name ?? '', errs);
  }

  private checkNamespace(meta: NonNullable<KubeObject['metadata']>, namespace: string): void {
    if (!this.decl.namespaced) {
      delete meta.namespace;
      return;
    }
    if ((meta.namespace ?? '') !== '' && meta.namespace !== namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.namespace = namespace;
  }

  private async checkNamespaceAccepts(namespace: string): Promise<void> {
    const ns = await this.namespaceOf(namespace);
    if (ns === undefined) throw errors.notFound({ group: '', resource: 'namespaces' }, namespace);
    if (ns.metadata?.deletionTimestamp !== undefined || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') {
      throw errors.forbidden(this.gr, '', `unable to create new content in namespace ${namespace} because it is being terminated`, [
        { reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' },
      ]);
    }
  }

  /**
   * DELETE: preconditions, then either removal now or, when finalizers remain (or the propagation
   * policy adds one), a deletionTimestamp and a later removal when the last finalizer goes.
   */
  async delete(namespace: string, name: string, opts: DeleteOptions, ctx: WriteContext): Promise<DeleteResult> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.store.mustGet(this.stored, namespace, name);
      const meta = current.metadata ?? {};
      const p = opts.preconditions;
      if (p?.uid !== undefined && p.uid !== meta.uid) {
        throw errors.conflict(this.gr, name, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${meta.uid ?? ''}`);
      }
      if (p?.resourceVersion !== undefined && p.resourceVersion !== meta.resourceVersion) {
        throw errors.conflict(this.gr, name, `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`);
      }
      const finalizers = [...(meta.finalizers ?? [])];
      if (opts.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
      if (opts.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
      const rev = Number(meta.resourceVersion);
      // A namespace waits for its contents to go (spec.finalizers, dropped by the namespace lifecycle loop).
      const isNamespace = this.decl.plural === 'namespaces' && this.decl.group === '';
      const specFinalizers = isNamespace ? (((current.spec as { finalizers?: string[] } | undefined)?.finalizers) ?? []) : [];
      try {
        if (finalizers.length === 0 && specFinalizers.length === 0) {
          if (ctx.dryRun) return { object: current, deleted: true };
          const at = await this.store.delete(this.stored, namespace, name, rev, this.claimsOf(current));
          return { object: { ...current, metadata: { ...meta, resourceVersion: String(at) } }, deleted: true };
        }
        if (meta.deletionTimestamp !== undefined && equalJson(finalizers, meta.finalizers ?? [])) return { object: current, deleted: false };
        const next: KubeObject = structuredClone(current);
        next.metadata = { ...next.metadata, ...(finalizers.length > 0 ? { finalizers } : {}) };
        if (next.metadata.deletionTimestamp === undefined) {
          next.metadata.deletionTimestamp = timestamp(ctx.now);
          next.metadata.deletionGracePeriodSeconds = 0;
          if (tracksGeneration(this.decl)) next.metadata.generation = (meta.generation ?? 0) + 1;
        }
        if (isNamespace) next.status = { ...((next.status as object | undefined) ?? {}), phase: 'Terminating' };
        if (ctx.dryRun) return { object: next, deleted: false };
        const withFields = this.machinery.recordUpdate(current, next, { manager: ctx.fieldManager, decl: this.decl, now: ctx.now });
        return { object: await this.store.update(this.stored, withFields, rev), deleted: false };
      } catch (err) {
        if (err instanceof StatusError && err.reason === 'Conflict' && attempt < 16 && p === undefined) continue;
        throw err;
      }
    }
  }
}

/** Two objects equal but for managed-field timestamps: a no-op write. */
function sameExceptTimes(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): unknown => {
    const mf = o.metadata?.managedFields?.map(({ time: _t, ...rest }) => rest);
    return { ...o, metadata: { ...o.metadata, resourceVersion: '', managedFields: mf } };
  };
  return equalJson(strip(a), strip(b));
}
