import { randomUUID, randomInt } from 'node:crypto';
import type { KubeObject, ObjectMeta, ResourceDecl } from './types.js';

/**
 * Server-set metadata, as kube-apiserver's BeforeCreate/BeforeUpdate: uid, creationTimestamp,
 * generateName, generation (bumped when anything outside metadata and status changes).
 */

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function timestamp(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName's suffix: five characters from Kubernetes' alphabet without vowels. */
export function nameSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return s;
}

export function newUid(): string {
  return randomUUID();
}

/** The parts of an object generation tracks: everything but metadata, status, and kind/apiVersion. */
export function specOf(decl: ResourceDecl, obj: KubeObject): Record<string, unknown> {
  const fields = decl.strategy?.specFields;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'metadata' || k === 'status' || k === 'apiVersion' || k === 'kind') continue;
    if (fields !== undefined && !fields.includes(k)) continue;
    out[k] = v;
  }
  return out;
}

export function tracksGeneration(decl: ResourceDecl): boolean {
  return decl.strategy?.generation ?? decl.schema.properties?.spec !== undefined;
}

export function hasStatus(decl: ResourceDecl): boolean {
  return decl.subresources?.status === true;
}

/** Metadata copied from the stored object on every update: the client can't change these. */
export function keepSystemMeta(meta: ObjectMeta, old: ObjectMeta): ObjectMeta {
  const out: ObjectMeta = { ...meta, uid: old.uid, creationTimestamp: old.creationTimestamp };
  if (old.deletionTimestamp !== undefined) out.deletionTimestamp = old.deletionTimestamp;
  else delete out.deletionTimestamp;
  if (old.deletionGracePeriodSeconds !== undefined) out.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
  else delete out.deletionGracePeriodSeconds;
  if (old.generation !== undefined) out.generation = old.generation;
  else delete out.generation;
  if (old.namespace !== undefined) out.namespace = old.namespace;
  delete out.selfLink;
  return out;
}

export function equalJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The default field manager for a request: the user agent up to its first '/' (as kube-apiserver), capped at 128. */
export function defaultManager(userAgent: string | undefined): string {
  const ua = (userAgent ?? '').split('/')[0] ?? '';
  return (ua === '' ? 'unknown' : ua).slice(0, 128);
}
