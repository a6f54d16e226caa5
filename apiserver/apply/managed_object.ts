/**
 * Objects as the field manager handles them: copies without metadata.managedFields to compute on,
 * the managedFields written back, and the `namespace/name; group/version, Kind=kind` description
 * upstream puts in its error messages.
 */
import type { KubeObject } from '../registry/types.js';
import type { ManagedFieldsEntry } from './managed_fields.js';
import { cloneJson, isPlainObject, type JsonObject } from './value.js';

/** A deep copy of `obj` without metadata.managedFields. */
export function withoutManagedFields(obj: object): JsonObject {
  const copy = cloneJson(obj) as JsonObject;
  const meta = copy['metadata'];
  if (isPlainObject(meta)) delete meta['managedFields'];
  return copy;
}

/** Sets metadata.managedFields on `obj` (removes it when there are no entries, as upstream sets nil). */
export function setManagedFields(obj: JsonObject, entries: readonly ManagedFieldsEntry[]): KubeObject {
  let meta = obj['metadata'];
  if (!isPlainObject(meta)) {
    if (entries.length === 0) return obj as KubeObject;
    meta = {};
    obj['metadata'] = meta;
  }
  const m = meta as JsonObject;
  if (entries.length === 0) delete m['managedFields'];
  else m['managedFields'] = entries.map((e) => ({ ...e }));
  return obj as KubeObject;
}

/** metadata.managedFields of `obj`, as given (undefined when absent). */
export function managedFieldsOf(obj: object | undefined): unknown {
  if (obj === undefined) return undefined;
  const meta = (obj as JsonObject)['metadata'];
  return isPlainObject(meta) ? meta['managedFields'] : undefined;
}

/** Upstream's objectGVKNN: `default/nginx; apps/v1, Kind=Deployment` (`/v1, Kind=Pod` for the core group). */
export function describeObject(obj: object | undefined): string {
  const o = (obj ?? {}) as JsonObject;
  const meta = isPlainObject(o['metadata']) ? o['metadata'] : {};
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const apiVersion = str(o['apiVersion']);
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return `${str(meta['namespace'])}/${str(meta['name'])}; ${group}/${version}, Kind=${str(o['kind'])}`;
}
