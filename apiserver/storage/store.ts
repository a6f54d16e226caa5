import { Compare, Op, isKetchClientError, prefixEnd, type KetchClient, type KeyValue } from '../../kvstore/client/index.js';
import { errors, StatusError, type GroupResource } from '../errors.js';
import type { KubeObject } from '../registry/types.js';
import { decodeContinue, encodeContinue } from './continue.js';
import { Keys, type ResourceKeyspace } from './keys.js';

/**
 * Objects in the store through the etcd v3 API, as kube-apiserver's etcd3 storage: one JSON value
 * per key, resourceVersion = the key's mod_revision (never stored in the value), creates guarded by
 * create_revision = 0, updates and deletes guarded by the mod_revision they were computed from.
 * Every failure is a Status error naming the resource.
 */

export interface StoredResource extends ResourceKeyspace, GroupResource {
  readonly kind: string;
  /** `v1`, `apps/v1`. */
  readonly apiVersion: string;
}

export interface ListOptions {
  /** At most this many items (0: all). */
  readonly limit?: number;
  readonly continueToken?: string;
  /** Read at exactly this revision (resourceVersionMatch=Exact); 0: the latest. */
  readonly revision?: number;
  /** Items failing this are skipped (label and field selectors). */
  readonly filter?: (obj: KubeObject) => boolean;
}

export interface ListResult {
  readonly items: KubeObject[];
  readonly revision: number;
  /** Set when more items remain. */
  readonly continueToken?: string;
  /** Items left after this page, when known (without filters). */
  readonly remainingItemCount?: number;
}

/** A write failed: the guarding compare did not hold. */
type Precondition = { readonly uid?: string; readonly resourceVersion?: string };

/** The largest page fetched from the store per round while filling a filtered list. */
const MAX_FETCH = 10_000;

export class ObjectStore {
  readonly keys: Keys;

  constructor(
    readonly client: KetchClient,
    prefix = '/registry',
  ) {
    this.keys = new Keys(prefix);
  }

  decode(kv: KeyValue): KubeObject {
    let obj: KubeObject;
    try {
      obj = JSON.parse(kv.value.toString('utf8')) as KubeObject;
    } catch (err) {
      throw errors.internal(`stored object at ${kv.key.toString()} is not valid JSON`, err);
    }
    obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(kv.modRevision) };
    return obj;
  }

  private encode(obj: KubeObject): string {
    const { resourceVersion: _rv, ...meta } = obj.metadata ?? {};
    return JSON.stringify({ ...obj, metadata: meta });
  }

  async get(r: StoredResource, namespace: string, name: string): Promise<KubeObject | undefined> {
    const res = await this.call(() => this.client.get(this.keys.object(r, namespace, name)));
    const kv = res.kvs[0];
    return kv === undefined ? undefined : this.decode(kv);
  }

  /** The object, or a NotFound Status. */
  async mustGet(r: StoredResource, namespace: string, name: string): Promise<KubeObject> {
    const obj = await this.get(r, namespace, name);
    if (obj === undefined) throw errors.notFound(r, name);
    return obj;
  }

  /** The store's current revision (a linearizable read). */
  async currentRevision(): Promise<number> {
    const res = await this.call(() => this.client.get('\0', { countOnly: true }));
    return res.header.revision;
  }

  /**
   * Create: fails with AlreadyExists when the key exists. `claims` are keys written in the same
   * transaction that must not exist either (an allocated service IP); when one does, the create
   * fails with CLAIM_TAKEN and nothing is written. Returns the object as stored.
   */
  async create(r: StoredResource, obj: KubeObject, claims: readonly string[] = []): Promise<KubeObject> {
    const { namespace = '', name = '' } = obj.metadata ?? {};
    const key = this.keys.object(r, namespace, name);
    const value = this.encode(obj);
    const res = await this.call(() =>
      this.client.txn({
        compare: [Compare.createRevision(key, '=', 0), ...claims.map((c) => Compare.createRevision(c, '=', 0))],
        success: [Op.put(key, value), ...claims.map((c) => Op.put(c, key))],
        failure: [Op.get(key, { keysOnly: true })],
      }),
    );
    if (!res.succeeded) {
      const read = res.responses[0];
      const exists = read === undefined || read.type !== 'range' || read.response.kvs.length > 0;
      if (exists || claims.length === 0) throw errors.alreadyExists(r, name);
      throw CLAIM_TAKEN;
    }
    return withRevision(obj, res.header.revision);
  }

  /**
   * Replace the object whose current mod_revision is `expectedRevision`. A Conflict Status when it
   * changed meanwhile, NotFound when it is gone.
   */
  async update(r: StoredResource, obj: KubeObject, expectedRevision: number): Promise<KubeObject> {
    const out = await this.tryUpdate(r, obj, expectedRevision);
    if (out.written !== undefined) return out.written;
    throw out.current === undefined ? errors.notFound(r, obj.metadata?.name ?? '') : errors.modified(r, obj.metadata?.name ?? '');
  }

  /**
   * The update transaction, with the object as it now is when the compare failed (read in the
   * same transaction, as kube-apiserver's etcd3 store does), so a retry needs no second read.
   * `current` undefined with nothing written: the object is gone.
   */
  async tryUpdate(r: StoredResource, obj: KubeObject, expectedRevision: number): Promise<{ written: KubeObject; current?: undefined } | { written?: undefined; current: KubeObject | undefined }> {
    const { namespace = '', name = '' } = obj.metadata ?? {};
    const key = this.keys.object(r, namespace, name);
    const value = this.encode(obj);
    const res = await this.call(() => this.client.txn({ compare: [Compare.modRevision(key, '=', expectedRevision)], success: [Op.put(key, value)], failure: [Op.get(key)] }));
    if (res.succeeded) return { written: withRevision(obj, res.header.revision) };
    const read = res.responses[0];
    const kv = read !== undefined && read.type === 'range' ? read.response.kvs[0] : undefined;
    return { current: kv === undefined ? undefined : this.decode(kv) };
  }

  /** Delete the object at `expectedRevision`, and its `claims` with it; returns the revision of the delete. */
  async delete(r: StoredResource, namespace: string, name: string, expectedRevision: number, claims: readonly string[] = []): Promise<number> {
    const key = this.keys.object(r, namespace, name);
    const res = await this.call(() =>
      this.client.txn({ compare: [Compare.modRevision(key, '=', expectedRevision)], success: [Op.delete(key), ...claims.map((c) => Op.delete(c))], failure: [Op.get(key, { keysOnly: true })] }),
    );
    if (!res.succeeded) throw this.writeConflict(r, name, res.responses);
    return res.header.revision;
  }

  /**
   * Read-modify-write with retries, as GuaranteedUpdate: `mutate` gets the current object and
   * returns the new one (or the same object to write nothing). A precondition (uid or
   * resourceVersion the caller saw) that fails is a Conflict and is not retried.
   */
  async guaranteedUpdate(
    r: StoredResource,
    namespace: string,
    name: string,
    mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    precondition: Precondition = {},
  ): Promise<{ object: KubeObject; changed: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.mustGet(r, namespace, name);
      checkPrecondition(r, name, current, precondition);
      const next = await mutate(structuredClone(current));
      const rev = Number(current.metadata?.resourceVersion);
      if (sameObject(current, next)) return { object: current, changed: false };
      try {
        return { object: await this.update(r, next, rev), changed: true };
      } catch (err) {
        if (err instanceof StatusError && err.reason === 'Conflict' && precondition.resourceVersion === undefined && attempt < 16) continue;
        throw err;
      }
    }
  }

  /** A page of a list, filtered, in key order, with a continue token when more remain. */
  async list(r: StoredResource, namespace: string, opts: ListOptions = {}): Promise<ListResult> {
    const prefix = this.keys.collection(r, namespace);
    const end = prefixEnd(Buffer.from(prefix));
    let start = prefix;
    let revision = opts.revision ?? 0;
    if (opts.continueToken !== undefined) {
      const token = decodeContinue(opts.continueToken);
      start = prefix + token.start;
      if (!(prefix + token.start).startsWith(prefix)) throw errors.badRequest('invalid continue token');
      revision = token.revision;
    }
    const limit = opts.limit ?? 0;
    const items: KubeObject[] = [];
    const filter = opts.filter;
    let more = false;
    let remaining: number | undefined;
    for (;;) {
      const fetch = limit > 0 ? Math.min(MAX_FETCH, filter === undefined ? limit : Math.max(limit, 500)) : 0;
      const res = await this.call(() => this.client.get(start, { rangeEnd: end, revision, limit: fetch }), revision !== 0 && opts.continueToken !== undefined);
      if (revision === 0) revision = res.header.revision;
      let lastKey: string | undefined;
      let stoppedEarly = false;
      for (const kv of res.kvs) {
        lastKey = kv.key.toString('utf8');
        if (limit > 0 && items.length >= limit) {
          stoppedEarly = true;
          break;
        }
        const obj = this.decode(kv);
        if (filter === undefined || filter(obj)) items.push(obj);
      }
      if (stoppedEarly) {
        more = true;
        break;
      }
      if (!res.more) break;
      if (limit > 0 && items.length >= limit) {
        more = true;
        if (filter === undefined) remaining = res.count - res.kvs.length;
        break;
      }
      start = `${lastKey ?? start}\0`;
    }
    if (!more || items.length === 0) return { items, revision };
    const last = items[items.length - 1]!;
    const lastKey = this.keys.object(r, last.metadata?.namespace ?? '', last.metadata?.name ?? '');
    const token = encodeContinue(revision, `${lastKey.slice(prefix.length)}\0`);
    return remaining !== undefined && remaining > 0 ? { items, revision, continueToken: token, remainingItemCount: remaining } : { items, revision, continueToken: token };
  }

  /** Every object of a resource at the latest revision (the watch cache's initial state). */
  async listAll(r: StoredResource): Promise<{ kvs: readonly KeyValue[]; revision: number }> {
    const prefix = this.keys.resource(r);
    const res = await this.call(() => this.client.get(prefix, { prefix: true }));
    return { kvs: res.kvs, revision: res.header.revision };
  }

  private writeConflict(r: StoredResource, name: string, failure: readonly { type: string; response: unknown }[]): StatusError {
    const read = failure[0];
    const exists = read !== undefined && read.type === 'range' && (read.response as { kvs: unknown[] }).kvs.length > 0;
    return exists ? errors.modified(r, name) : errors.notFound(r, name);
  }

  /** Runs a store call, turning client errors into the Status kube-apiserver sends for them. */
  async call<T>(fn: () => Promise<T>, continuing = false): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw storeError(err, continuing);
    }
  }
}

/** A create's claim key exists already (ObjectStore.create with claims). */
export const CLAIM_TAKEN = new StatusError(409, 'Conflict', 'a claimed key is already taken');

export const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export function storeError(err: unknown, continuing = false): StatusError {
  if (err instanceof StatusError) return err;
  if (!isKetchClientError(err)) return errors.internal(err instanceof Error ? err.message : String(err), err);
  switch (err.code) {
    case 'COMPACTED':
      return continuing ? errors.expired(CONTINUE_EXPIRED) : errors.expired(`The resourceVersion for the provided list is too old.`);
    case 'FUTURE_REVISION':
      return errors.timeout(`Too large resource version`, err);
    case 'UNKNOWN_OUTCOME':
    case 'DEADLINE_EXCEEDED':
    case 'TIMEOUT':
      return errors.timeout(`etcdserver: request timed out`, err);
    case 'UNAVAILABLE':
    case 'NO_LEADER':
    case 'CLOSED':
      return errors.unavailable(`etcdserver: ${err.code === 'NO_LEADER' ? 'no leader' : 'unavailable'}`, err);
    case 'REQUEST_TOO_LARGE':
      return errors.tooLarge(1572864);
    case 'NO_SPACE':
      return errors.internal('etcdserver: mvcc: database space exceeded', err);
    default:
      return errors.internal(err.message, err);
  }
}

function withRevision(obj: KubeObject, revision: number): KubeObject {
  return { ...obj, metadata: { ...(obj.metadata ?? {}), resourceVersion: String(revision) } };
}

function checkPrecondition(r: GroupResource, name: string, current: KubeObject, p: Precondition): void {
  if (p.uid !== undefined && p.uid !== current.metadata?.uid) {
    throw errors.conflict(r, name, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${current.metadata?.uid ?? ''}`);
  }
  if (p.resourceVersion !== undefined && p.resourceVersion !== current.metadata?.resourceVersion) {
    throw errors.modified(r, name);
  }
}

function sameObject(a: KubeObject, b: KubeObject): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
