import type { Schema } from './schema.js';
import type { FieldError, KubeObject, ObjectMeta } from './types.js';

/**
 * Validation shared by every type: the object against its schema (types, enums, bounds, required
 * fields), unknown fields (for fieldValidation Strict/Warn, and pruning), and ObjectMeta (names,
 * labels, annotations) as Kubernetes' apimachinery validation.
 */

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}

function known(s: Schema | undefined): boolean {
  return s !== undefined && s['x-kubernetes-preserve-unknown-fields'] !== true;
}

/** Unknown fields as Kubernetes names them in strict decoding errors (`spec.template.spec.containers[0].imagee`). */
export function unknownFields(schema: Schema, value: Json, path = ''): string[] {
  const out: string[] = [];
  walkUnknown(schema, value, path, out);
  return out;
}

function walkUnknown(schema: Schema | undefined, value: Json, path: string, out: string[]): void {
  if (!known(schema) || schema === undefined) return;
  if (schema['x-kubernetes-embedded-resource'] === true && isObject(value)) return;
  if (isObject(value)) {
    const props = schema.properties;
    const ap = schema.additionalProperties;
    for (const [k, v] of Object.entries(value)) {
      const child = props?.[k];
      if (child !== undefined) walkUnknown(child, v, join(path, k), out);
      else if (typeof ap === 'object') walkUnknown(ap, v, `${path}[${k}]`, out);
      else if (ap === true) continue;
      else if (props !== undefined || schema.type === 'object') out.push(join(path, k));
    }
  } else if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((v, i) => walkUnknown(schema.items, v, `${path}[${i}]`, out));
  }
}

/** Drops every field the schema does not know, in place (what decoding into Go types does). */
export function prune(schema: Schema, value: Json): void {
  if (!known(schema)) return;
  if (schema['x-kubernetes-embedded-resource'] === true) return;
  if (isObject(value)) {
    const props = schema.properties;
    const ap = schema.additionalProperties;
    for (const k of Object.keys(value)) {
      const child = props?.[k];
      if (child !== undefined) prune(child, value[k]);
      else if (typeof ap === 'object') prune(ap, value[k]);
      else if (ap === true) continue;
      else if (props !== undefined || schema.type === 'object') delete value[k];
    }
  } else if (Array.isArray(value) && schema.items !== undefined) {
    for (const v of value) prune(schema.items, v);
  }
}

function typeName(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function render(v: Json): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
}

/** Structural validation of a value against its schema (as the CRD validator does). */
export function validateSchema(schema: Schema, value: Json, path = ''): FieldError[] {
  const out: FieldError[] = [];
  walkValidate(schema, value, path, out);
  return out;
}

function walkValidate(schema: Schema | undefined, value: Json, path: string, out: FieldError[]): void {
  if (schema === undefined) return;
  if (value === null) {
    if (schema.nullable === true || schema.type === undefined) return;
    // Go's decoder reads null as the zero value; only complain for required fields (below).
    return;
  }
  if (schema['x-kubernetes-int-or-string'] === true) {
    // Quantities are written as numbers too (`cpu: 0.5`).
    const numberOk = typeof value === 'number' && (Number.isInteger(value) || schema.format === 'quantity');
    if (typeof value !== 'string' && !numberOk) {
      out.push({ reason: 'FieldValueTypeInvalid', field: path, message: `Invalid value: ${render(value)}: ${path} in body must be of type integer,string: ${render(typeName(value))}` });
    }
    return;
  }
  const t = schema.type;
  if (t !== undefined) {
    const actual = typeName(value);
    const ok = t === actual || (t === 'number' && actual === 'integer');
    if (!ok) {
      out.push({ reason: 'FieldValueTypeInvalid', field: path, message: `Invalid value: ${render(typeName(value))}: ${path} in body must be of type ${t}: ${render(typeName(value))}` });
      return;
    }
  }
  if (schema.enum !== undefined && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    out.push({ reason: 'FieldValueNotSupported', field: path, message: `Unsupported value: ${render(value)}: supported values: ${schema.enum.map(render).join(', ')}` });
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${value}: ${path} in body should be greater than or equal to ${schema.minimum}` });
    if (schema.maximum !== undefined && value > schema.maximum) out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${value}: ${path} in body should be less than or equal to ${schema.maximum}` });
  }
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) out.push({ reason: 'FieldValueTooLong', field: path, message: `Too long: may not be longer than ${schema.maxLength}` });
    if (schema.minLength !== undefined && value.length < schema.minLength) out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${render(value)}: ${path} in body should be at least ${schema.minLength} chars long` });
    if (schema.pattern !== undefined && !safeRegExp(schema.pattern).test(value)) out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${render(value)}: ${path} in body should match '${schema.pattern}'` });
    if (schema.format === 'date-time' && value !== '' && Number.isNaN(Date.parse(value))) out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${render(value)}: ${path} in body must be of type date-time: ${render(value)}` });
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) out.push({ reason: 'FieldValueTooMany', field: path, message: `Too many: ${value.length}: must have at most ${schema.maxItems} items` });
    if (schema.minItems !== undefined && value.length < schema.minItems) out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${value.length}: ${path} in body should have at least ${schema.minItems} items` });
    if (schema.items !== undefined) value.forEach((v, i) => walkValidate(schema.items, v, `${path}[${i}]`, out));
    return;
  }
  if (isObject(value)) {
    if (schema['x-kubernetes-embedded-resource'] === true) return;
    for (const req of schema.required ?? []) {
      if (value[req] === undefined || value[req] === null) out.push({ reason: 'FieldValueRequired', field: join(path, req), message: 'Required value' });
    }
    const ap = schema.additionalProperties;
    for (const [k, v] of Object.entries(value)) {
      const child = schema.properties?.[k];
      if (child !== undefined) walkValidate(child, v, join(path, k), out);
      else if (typeof ap === 'object') walkValidate(ap, v, `${path}[${k}]`, out);
    }
  }
}

const regexps = new Map<string, RegExp>();
function safeRegExp(pattern: string): RegExp {
  let re = regexps.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      re = /[\s\S]*/;
    }
    regexps.set(pattern, re);
  }
  return re;
}

// --- names, labels, annotations (apimachinery/pkg/util/validation) ---

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function dns1123LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(value)) {
    errs.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return errs;
}

export function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(value)) {
    errs.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
  }
  return errs;
}

/** Label and annotation keys: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
export function qualifiedNameErrors(key: string): string[] {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : ['', key];
  const errs: string[] = [];
  if (slash >= 0) {
    if (prefix === '') errs.push('prefix part must be non-empty');
    else errs.push(...dns1123SubdomainErrors(prefix).map((e) => `prefix part ${e}`));
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name !== '' && !QUALIFIED_NAME.test(name)) {
    errs.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
  }
  return errs;
}

export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(value)) {
    errs.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  }
  return errs;
}

const TOTAL_ANNOTATION_BYTES = 256 * 1024;

export type NameRule = 'subdomain' | 'label' | 'pathSegment';

/** ValidatePathSegmentName: what a name must be to appear in a URL path. */
export function pathSegmentErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  for (const bad of ['/', '%']) if (name.includes(bad)) return [`may not contain '${bad}'`];
  return [];
}

/** ObjectMeta checks every type shares (ValidateObjectMeta). */
export function validateObjectMeta(meta: ObjectMeta, opts: { namespaced: boolean; nameRule: NameRule }): FieldError[] {
  const out: FieldError[] = [];
  const name = meta.name ?? '';
  if (name === '') {
    out.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
  } else {
    const errs = opts.nameRule === 'label' ? dns1123LabelErrors(name) : opts.nameRule === 'pathSegment' ? pathSegmentErrors(name) : dns1123SubdomainErrors(name);
    for (const e of errs) out.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: ${JSON.stringify(name)}: ${e}` });
  }
  if (opts.namespaced) {
    const ns = meta.namespace ?? '';
    if (ns === '') out.push({ reason: 'FieldValueRequired', field: 'metadata.namespace', message: 'Required value' });
    else for (const e of dns1123LabelErrors(ns)) out.push({ reason: 'FieldValueInvalid', field: 'metadata.namespace', message: `Invalid value: ${JSON.stringify(ns)}: ${e}` });
  } else if ((meta.namespace ?? '') !== '') {
    out.push({ reason: 'FieldValueForbidden', field: 'metadata.namespace', message: 'Forbidden: not allowed on this type' });
  }
  for (const [k, v] of Object.entries(meta.labels ?? {})) {
    for (const e of qualifiedNameErrors(k)) out.push({ reason: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: ${JSON.stringify(k)}: ${e}` });
    if (typeof v !== 'string') out.push({ reason: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: ${JSON.stringify(v)}: must be a string` });
    else for (const e of labelValueErrors(v)) out.push({ reason: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: ${JSON.stringify(v)}: ${e}` });
  }
  let total = 0;
  for (const [k, v] of Object.entries(meta.annotations ?? {})) {
    for (const e of qualifiedNameErrors(k.toLowerCase())) out.push({ reason: 'FieldValueInvalid', field: 'metadata.annotations', message: `Invalid value: ${JSON.stringify(k)}: ${e}` });
    total += k.length + (typeof v === 'string' ? v.length : 0);
  }
  if (total > TOTAL_ANNOTATION_BYTES) out.push({ reason: 'FieldValueTooLong', field: 'metadata.annotations', message: `Too long: must have at most ${TOTAL_ANNOTATION_BYTES} bytes` });
  for (const f of meta.finalizers ?? []) {
    for (const e of qualifiedNameErrors(f)) out.push({ reason: 'FieldValueInvalid', field: 'metadata.finalizers', message: `Invalid value: ${JSON.stringify(f)}: ${e}` });
  }
  return out;
}

/** Fields an update may not change (ValidateObjectMetaUpdate). */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta): FieldError[] {
  const out: FieldError[] = [];
  const immutable = (field: keyof ObjectMeta, label: string): void => {
    if (meta[field] !== undefined && old[field] !== undefined && JSON.stringify(meta[field]) !== JSON.stringify(old[field])) {
      out.push({ reason: 'FieldValueInvalid', field: `metadata.${label}`, message: `Invalid value: ${JSON.stringify(meta[field])}: field is immutable` });
    }
  };
  immutable('name', 'name');
  immutable('namespace', 'namespace');
  immutable('uid', 'uid');
  immutable('creationTimestamp', 'creationTimestamp');
  return out;
}

export function objectName(obj: KubeObject): string {
  return obj.metadata?.name ?? '';
}
