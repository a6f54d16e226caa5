import { jsonPathValue } from './jsonpath.js';
import type { Schema } from './schema.js';
import type { FieldError, KubeObject, PrinterColumn, ResourceDecl } from './types.js';

/**
 * A CustomResourceDefinition as resource declarations: one per served version, with the version's
 * structural schema, scope, names, printer columns, selectable fields and subresources.
 */

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: Schema };
  subresources?: { status?: object; scale?: { specReplicasPath?: string; statusReplicasPath?: string; labelSelectorPath?: string } };
  additionalPrinterColumns?: Array<{ name: string; type: string; jsonPath: string; description?: string; priority?: number; format?: string }>;
  selectableFields?: Array<{ jsonPath: string }>;
}

interface CrdSpec {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
  versions: CrdVersion[];
}

const NAME_COLUMN: PrinterColumn = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', jsonPath: '.metadata.name' };
const AGE_COLUMN: PrinterColumn = { name: 'Age', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', jsonPath: '.metadata.creationTimestamp' };

function columnType(t: string): PrinterColumn['type'] {
  return t === 'integer' || t === 'number' || t === 'boolean' || t === 'date' ? t : 'string';
}

/** The whole-object schema of a custom resource: the version's schema with apiVersion, kind and metadata declared. */
function objectSchema(version: CrdVersion, metadataSchema: Schema): Schema {
  const s = version.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return {
    ...s,
    type: 'object',
    properties: { ...(s.properties ?? {}), apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: metadataSchema },
  };
}

export function crdSpec(crd: KubeObject): CrdSpec | undefined {
  const spec = crd.spec as CrdSpec | undefined;
  if (spec === undefined || typeof spec.group !== 'string' || spec.names === undefined || !Array.isArray(spec.versions)) return undefined;
  return spec;
}

export function declsFromCrd(crd: KubeObject, metadataSchema: Schema): ResourceDecl[] {
  const spec = crdSpec(crd);
  if (spec === undefined) return [];
  const names = spec.names;
  return spec.versions
    .filter((v) => v.served !== false)
    .map((v): ResourceDecl => {
      const columns: PrinterColumn[] = [NAME_COLUMN];
      for (const c of v.additionalPrinterColumns ?? []) {
        columns.push({ name: c.name, type: columnType(c.type), jsonPath: c.jsonPath, ...(c.description !== undefined ? { description: c.description } : {}), ...(c.priority !== undefined ? { priority: c.priority } : {}), ...(c.format !== undefined ? { format: c.format } : {}) });
      }
      if ((v.additionalPrinterColumns ?? []).length === 0) columns.push(AGE_COLUMN);
      const selectable: Record<string, (obj: KubeObject) => string> = {};
      for (const f of v.selectableFields ?? []) {
        const field = f.jsonPath.replace(/^\./, '');
        selectable[field] = (obj) => {
          const val = jsonPathValue(obj, f.jsonPath);
          return val === undefined || val === null ? '' : String(val);
        };
      }
      const scale = v.subresources?.scale;
      return {
        group: spec.group,
        version: v.name,
        kind: names.kind,
        listKind: names.listKind ?? `${names.kind}List`,
        plural: names.plural,
        singular: names.singular ?? names.kind.toLowerCase(),
        ...(names.shortNames !== undefined ? { shortNames: names.shortNames } : {}),
        ...(names.categories !== undefined ? { categories: names.categories } : {}),
        namespaced: spec.scope !== 'Cluster',
        schema: objectSchema(v, metadataSchema),
        printerColumns: columns,
        selectableFields: selectable,
        subresources: {
          ...(v.subresources?.status !== undefined ? { status: true } : {}),
          ...(scale !== undefined && scale.specReplicasPath !== undefined && scale.statusReplicasPath !== undefined
            ? { scale: { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath, ...(scale.labelSelectorPath !== undefined ? { labelSelectorPath: scale.labelSelectorPath } : {}) } }
            : {}),
        },
        strategy: { generation: true, validate: (obj) => customValidate(obj) },
        custom: true,
      };
    });
}

function customValidate(obj: KubeObject): FieldError[] {
  return typeof obj.kind === 'string' ? [] : [{ reason: 'FieldValueRequired', field: 'kind', message: 'Required value' }];
}

/** Served versions in the order discovery prefers them (the storage version first, as kube-apiserver sorts by priority). */
export function versionOrder(crd: KubeObject): string[] {
  const spec = crdSpec(crd);
  if (spec === undefined) return [];
  const served = spec.versions.filter((v) => v.served !== false);
  const storage = served.filter((v) => v.storage === true).map((v) => v.name);
  return [...storage, ...served.map((v) => v.name).filter((n) => !storage.includes(n))];
}
