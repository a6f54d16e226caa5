/**
 * The schema language of resource declarations: a structural OpenAPI v3 schema (the subset
 * Kubernetes uses for CRDs, JSONSchemaProps) with Kubernetes' extensions. One schema per type
 * drives validation, pruning under fieldValidation, strategic merge patch (merge keys and
 * strategies), server-side apply (list types and map keys), and the served OpenAPI documents.
 */

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface Schema {
  readonly type?: SchemaType;
  readonly description?: string;
  /** Named fields of an object. */
  readonly properties?: Readonly<Record<string, Schema>>;
  /** Map values of an object (a map[string]T); `true` for any value. */
  readonly additionalProperties?: Schema | boolean;
  /** Element schema of an array. */
  readonly items?: Schema;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  /** 'int32', 'int64', 'double', 'date-time', 'byte', 'quantity'. */
  readonly format?: string;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly nullable?: boolean;
  readonly default?: unknown;
  /** Any value is kept below this node and is not checked (for example a CR's free-form spec). */
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  /** The value is an integer or a string (IntOrString). */
  readonly 'x-kubernetes-int-or-string'?: boolean;
  /** The value is a whole object with apiVersion, kind and metadata (RawExtension of an object). */
  readonly 'x-kubernetes-embedded-resource'?: boolean;
  /** Arrays: 'atomic' (replaced whole), 'set' (unique scalars), 'map' (keyed by list-map-keys). */
  readonly 'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  /** Objects: 'atomic' (replaced whole) or 'granular' (the default, merged field by field). */
  readonly 'x-kubernetes-map-type'?: 'atomic' | 'granular';
  /** Strategic merge patch: 'merge', 'replace', 'retainKeys' or 'merge,retainKeys'. */
  readonly 'x-kubernetes-patch-strategy'?: string;
  /** Strategic merge patch: the field that identifies an element of a merged list. */
  readonly 'x-kubernetes-patch-merge-key'?: string;
}

/** The child schema of `field` below an object schema, or undefined when the schema says nothing. */
export function fieldSchema(schema: Schema | undefined, field: string): Schema | undefined {
  if (schema === undefined) return undefined;
  const named = schema.properties?.[field];
  if (named !== undefined) return named;
  const ap = schema.additionalProperties;
  return typeof ap === 'object' ? ap : undefined;
}

/** The element schema below an array schema. */
export function itemSchema(schema: Schema | undefined): Schema | undefined {
  return schema?.items;
}
