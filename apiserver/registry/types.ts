import type { Schema } from './schema.js';

/**
 * A resource type as one declaration. Everything the server does with a type (routes, storage
 * keys, validation, tables, field selectors, subresources, discovery, OpenAPI) is derived from
 * this; adding a built-in type is adding one of these.
 */

/** A Kubernetes object as JSON. */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
};

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: Array<Record<string, unknown>>;
  managedFields?: Array<Record<string, unknown>>;
  [field: string]: unknown;
}

export interface PrinterColumn {
  readonly name: string;
  /** OpenAPI type of the cell: 'string', 'integer', 'number', 'boolean' or 'date'. */
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly description?: string;
  /** 0: shown by `kubectl get`; 1 and above: only with `-o wide`. */
  readonly priority?: number;
  readonly format?: string;
  /** A simple JSONPath into the object, as CRD additionalPrinterColumns (`.spec.replicas`). */
  readonly jsonPath?: string;
  /** Computed cells, as the built-in types' printers (READY 1/2, STATUS, RESTARTS). */
  readonly value?: (obj: KubeObject) => unknown;
}

export interface ScaleSubresource {
  /** JSONPath of the desired replicas, usually `.spec.replicas`. */
  readonly specReplicasPath: string;
  /** JSONPath of the observed replicas, usually `.status.replicas`. */
  readonly statusReplicasPath: string;
  /** JSONPath of the serialized label selector in status (`.status.selector`), if any. */
  readonly labelSelectorPath?: string;
}

export interface Subresources {
  readonly status?: boolean;
  readonly scale?: ScaleSubresource;
  /** pods/binding: POST a Binding to set spec.nodeName. */
  readonly binding?: boolean;
}

/** A problem found by validation, as a Kubernetes StatusCause. */
export interface FieldError {
  /** 'FieldValueRequired', 'FieldValueInvalid', 'FieldValueNotSupported', 'FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueTooLong'. */
  readonly reason: string;
  /** The field path, as Kubernetes prints it: `spec.containers[0].image`. */
  readonly field: string;
  readonly message: string;
}

/** Per-type behaviour the declaration can't express as data (Kubernetes' REST strategies). */
export interface Strategy {
  /** Fill defaults on create and update (before validation), mutating obj; `old` is set on update. */
  readonly defaults?: (obj: KubeObject, old?: KubeObject) => void;
  /** Keep the status a create sends (nodes: a kubelet registers with its status). Default: status is cleared on create. */
  readonly keepStatusOnCreate?: boolean;
  /** Type-specific validation beyond the schema. `old` is set on update. */
  readonly validate?: (obj: KubeObject, old?: KubeObject) => FieldError[];
  /** Fields of the main resource that are not part of the "spec" (so changes don't bump generation). Default: everything but metadata and status. */
  readonly specFields?: readonly string[];
  /**
   * How metadata.name is checked: a DNS-1123 subdomain (the default), a DNS-1123 label
   * (namespaces, services), or only as a path segment (RBAC types: `system:discovery`).
   */
  readonly nameValidation?: 'subdomain' | 'label' | 'pathSegment';
  /** Whether metadata.generation is maintained (true for types with a spec). */
  readonly generation?: boolean;
}

export interface ResourceDecl {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind?: string;
  /** Lower-case plural: 'pods'. */
  readonly plural: string;
  /** Lower-case singular: 'pod'. */
  readonly singular: string;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly namespaced: boolean;
  /** The schema of the whole object (apiVersion, kind, metadata, spec, status). */
  readonly schema: Schema;
  readonly printerColumns?: readonly PrinterColumn[];
  /**
   * Field-selector fields beyond metadata.name and metadata.namespace, with how to read each one
   * from an object (Kubernetes' GetAttrs): `spec.nodeName`, `status.phase`.
   */
  readonly selectableFields?: Readonly<Record<string, (obj: KubeObject) => string>>;
  readonly subresources?: Subresources;
  readonly strategy?: Strategy;
  /** Answered by the server and never stored (the access reviews): no storage, cache or watch. */
  readonly virtual?: boolean;
  /** Served from a CustomResourceDefinition (no strategic merge patch, unstructured storage). */
  readonly custom?: boolean;
  /** Verbs served. Default: create, delete, deletecollection, get, list, patch, update, watch. */
  readonly verbs?: readonly string[];
}
