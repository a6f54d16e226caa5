/**
 * The FieldsV1 format of managedFields entries: a JSON object whose keys are serialized path
 * elements and whose values are the subsets below them. `{}` marks a member with nothing below it;
 * a member that also has members below it carries `".": {}` first; a parent that is not itself a
 * member has no `.`. Keys are written in upstream's path element order, so the serialized text is
 * byte-for-byte what the Kubernetes API server writes:
 *
 *   {"f:metadata":{"f:labels":{".":{},"f:app":{}}},
 *    "f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{}}}}}
 */
import { ApplyError, ApplyErrorCode } from './errors.js';
import { FieldSet } from './field_set.js';
import { comparePathElements, deserializePathElement, serializePathElement, type PathElement } from './path_element.js';
import { isPlainObject } from './value.js';

export interface FieldsV1 {
  [pathElement: string]: FieldsV1;
}

/** The FieldsV1 document of a set. */
export function toFieldsV1(set: FieldSet): FieldsV1 {
  return emit(set, false);
}

function emit(set: FieldSet, includeSelf: boolean): FieldsV1 {
  const out: FieldsV1 = {};
  if (includeSelf && !set.isEmpty()) out['.'] = {};
  const entries: Array<{ pe: PathElement; member: boolean; child?: FieldSet }> = [];
  const byKey = new Map<string, { pe: PathElement; member: boolean; child?: FieldSet }>();
  for (const pe of set.sortedMembers()) {
    const e = { pe, member: true };
    byKey.set(serializePathElement(pe), e);
    entries.push(e);
  }
  for (const [pe, child] of set.sortedChildren()) {
    const existing = byKey.get(serializePathElement(pe));
    if (existing !== undefined) existing.child = child;
    else entries.push({ pe, member: false, child });
  }
  entries.sort((a, b) => comparePathElements(a.pe, b.pe));
  for (const e of entries) {
    out[serializePathElement(e.pe)] = e.child === undefined ? {} : emit(e.child, e.member);
  }
  return out;
}

/** The FieldsV1 document as the JSON text upstream stores (the `Raw` bytes of metav1.FieldsV1). */
export function fieldsV1Text(set: FieldSet): string {
  return JSON.stringify(toFieldsV1(set));
}

/**
 * Parses a FieldsV1 document (the JSON object, or its text). Path elements of unknown types are
 * dropped, as upstream does; anything else malformed throws ApplyError INVALID_FIELDS_V1.
 */
export function fromFieldsV1(doc: unknown): FieldSet {
  let value = doc;
  if (typeof doc === 'string') {
    try {
      value = JSON.parse(doc) as unknown;
    } catch (err) {
      throw new ApplyError(ApplyErrorCode.INVALID_FIELDS_V1, 'error decoding set: invalid JSON', { cause: err });
    }
  }
  if (!isPlainObject(value)) throw new ApplyError(ApplyErrorCode.INVALID_FIELDS_V1, 'error decoding set: expected a JSON object');
  return read(value, '').set ?? new FieldSet();
}

function read(node: Record<string, unknown>, where: string): { set: FieldSet | undefined; isMember: boolean } {
  let set: FieldSet | undefined;
  let isMember = false;
  for (const [key, child] of Object.entries(node)) {
    if (key === '.') {
      isMember = true;
      continue;
    }
    let pe: PathElement | undefined;
    try {
      pe = deserializePathElement(key);
    } catch (err) {
      throw new ApplyError(ApplyErrorCode.INVALID_FIELDS_V1, `error decoding set: parsing key as path element${where}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (pe === undefined) continue;
    if (!isPlainObject(child)) {
      throw new ApplyError(ApplyErrorCode.INVALID_FIELDS_V1, `error decoding set: value of ${JSON.stringify(key)}${where} is not a JSON object`);
    }
    const sub = read(child, ` at ${JSON.stringify(key)}${where}`);
    set ??= new FieldSet();
    if (sub.isMember) set.addMember(pe);
    if (sub.set !== undefined) set.setChild(pe, sub.set);
  }
  // An object with nothing known inside it is a member with no children.
  if (set === undefined || set.isEmpty()) return { set: undefined, isMember: true };
  return { set, isMember };
}
