import { asObject, type Json } from '../printers/format.js';

/** Small helpers the defaulters share: Go's "unset" (nil pointer), lists of objects, sub-objects made on demand. */

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const unset = (v: unknown): boolean => v === undefined || v === null;
/** The objects of a list (anything else in it is left for validation to report). */
export const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
/** Sets a string-like field that is unset or empty ("" is Go's zero value too). */
export const setIfAbsent = (o: Json, field: string, value: unknown): void => {
  if (unset(o[field]) || o[field] === '') o[field] = value;
};

/** A sub-object of `parent`, created when missing. */
export function ensure(parent: Json, field: string): Json {
  if (!isObject(parent[field])) parent[field] = {};
  return asObject(parent[field]);
}

/** The object's spec, created when missing. */
export const ensureSpec = (obj: Json): Json => ensure(obj, 'spec');
