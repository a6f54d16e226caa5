/**
 * One step of a field path, as structured-merge-diff's fieldpath.PathElement:
 *
 * - `field`: a field of an object (`f:replicas`, printed `.replicas`);
 * - `key`: an element of a list-type map, named by its key fields (`k:{"name":"nginx"}`, printed
 *   `[name="nginx"]`); the key fields are always sorted by name, as upstream sorts them;
 * - `value`: an element of a list-type set, named by its value (`v:"foo"`, printed `[="foo"]`);
 * - `index`: a list position (`i:0`, printed `[0]`); upstream never derives these for managed
 *   fields, but the format has them and they round-trip.
 *
 * The serialized form is the key used in fieldsV1 documents.
 */
import { ApplyError, ApplyErrorCode } from './errors.js';
import { compareStrings, compareValues, goJson, goJsonString, goValueString, isPlainObject } from './value.js';

export interface KeyField {
  readonly name: string;
  readonly value: unknown;
}

export type PathElement =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'key'; readonly fields: readonly KeyField[] }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'index'; readonly index: number };

export type Path = readonly PathElement[];

export function fieldElement(name: string): PathElement {
  return { kind: 'field', name };
}

/** A list-map key; the fields are sorted by name. */
export function keyElement(fields: readonly KeyField[] | Readonly<Record<string, unknown>>): PathElement {
  const list: KeyField[] = Array.isArray(fields)
    ? [...(fields as readonly KeyField[])]
    : Object.entries(fields as Readonly<Record<string, unknown>>).map(([name, value]) => ({ name, value }));
  list.sort((a, b) => compareStrings(a.name, b.name));
  return { kind: 'key', fields: list };
}

export function valueElement(value: unknown): PathElement {
  return { kind: 'value', value };
}

export function indexElement(index: number): PathElement {
  return { kind: 'index', index };
}

/** Serialized forms by element: elements are immutable, and sets look them up constantly. */
const serialized = new WeakMap<PathElement, string>();

/** The fieldsV1 form: `f:name`, `k:{"a":1,"b":"x"}`, `v:"x"`, `i:3`. */
export function serializePathElement(pe: PathElement): string {
  if (pe.kind === 'field') return `f:${pe.name}`;
  let s = serialized.get(pe);
  if (s === undefined) {
    s = serializeUncached(pe);
    serialized.set(pe, s);
  }
  return s;
}

function serializeUncached(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      return `k:{${pe.fields.map((f) => `${goJsonString(f.name)}:${goJson(f.value)}`).join(',')}}`;
    case 'value':
      return `v:${goJson(pe.value)}`;
    case 'index':
      return `i:${pe.index}`;
    default: {
      const never: never = pe;
      return never;
    }
  }
}

function invalid(message: string): ApplyError {
  return new ApplyError(ApplyErrorCode.INVALID_PATH_ELEMENT, message);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApplyError(ApplyErrorCode.INVALID_PATH_ELEMENT, `invalid ${what} path element: ${text}`, { cause: err });
  }
}

/**
 * Parses the fieldsV1 form. Returns undefined for a well-formed element of a type this version does
 * not know (upstream drops those rather than fail); throws ApplyError INVALID_PATH_ELEMENT for a
 * malformed one.
 */
export function deserializePathElement(s: string): PathElement | undefined {
  if (s.length < 2) throw invalid(`key must be 2 characters long: ${s}`);
  if (s[1] !== ':') throw invalid(`missing colon: ${s}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f':
      return fieldElement(body);
    case 'v':
      return valueElement(parseJson(body, 'value'));
    case 'k': {
      const obj = parseJson(body, 'key');
      if (!isPlainObject(obj)) throw invalid(`key path element is not a JSON object: ${body}`);
      return keyElement(obj);
    }
    case 'i': {
      if (!/^[+-]?\d+$/.test(body)) throw invalid(`invalid index path element: ${body}`);
      return indexElement(Number(body));
    }
    default:
      return undefined;
  }
}

const KIND_ORDER: Readonly<Record<PathElement['kind'], number>> = { field: 0, key: 1, value: 2, index: 3 };

function compareKeyFields(a: readonly KeyField[], b: readonly KeyField[]): number {
  for (let i = 0; ; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return y === undefined ? 0 : -1;
    if (y === undefined) return 1;
    const byName = compareStrings(x.name, y.name);
    if (byName !== 0) return byName;
    const byValue = compareValues(x.value, y.value);
    if (byValue !== 0) return byValue;
  }
}

/** Upstream's order: fields < keys < values < indexes, then by content. fieldsV1 is written in this order. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] < KIND_ORDER[b.kind] ? -1 : 1;
  switch (a.kind) {
    case 'field':
      return compareStrings(a.name, (b as typeof a).name);
    case 'key':
      return compareKeyFields(a.fields, (b as typeof a).fields);
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index': {
      const bi = (b as typeof a).index;
      return a.index < bi ? -1 : a.index > bi ? 1 : 0;
    }
    default: {
      const never: never = a;
      return never;
    }
  }
}

/** As upstream prints one element: `.name`, `[name="nginx"]`, `[containerPort=80,protocol="TCP"]`, `[="x"]`, `[0]`. */
export function pathElementToString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map((f) => `${f.name}=${goValueString(f.value)}`).join(',')}]`;
    case 'value':
      return `[=${goValueString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
    default: {
      const never: never = pe;
      return never;
    }
  }
}

/** As upstream prints a path in conflicts and errors: `.spec.containers[name="nginx"].image`. */
export function pathToString(path: Path): string {
  return path.map(pathElementToString).join('');
}
