import { jsonPathValue } from '../registry/jsonpath.js';
import type { KubeObject, PrinterColumn, ResourceDecl } from '../registry/types.js';

/**
 * meta.k8s.io/v1 Table responses (server-side printing for `kubectl get`): one row per object, the
 * type's printer columns, and the object itself as PartialObjectMetadata (or whole, or not at all,
 * by `includeObject`).
 */

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Types without printer columns print as the default table: Name and Created At. */
const DEFAULT_COLUMNS: readonly PrinterColumn[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names', jsonPath: '.metadata.name' },
  { name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', jsonPath: '.metadata.creationTimestamp' },
];

export function columnsOf(decl: ResourceDecl): readonly PrinterColumn[] {
  const cols = decl.printerColumns;
  return cols === undefined || cols.length === 0 ? DEFAULT_COLUMNS : cols;
}

function cell(col: PrinterColumn, obj: KubeObject): unknown {
  let v: unknown;
  if (col.value !== undefined) v = col.value(obj);
  else if (col.jsonPath !== undefined) {
    try {
      v = jsonPathValue(obj, col.jsonPath);
    } catch {
      v = undefined;
    }
  }
  if (v === undefined || v === null) return col.type === 'string' || col.type === 'date' ? '<none>' : null;
  if (typeof v === 'object') return JSON.stringify(v);
  return v;
}

function rowObject(obj: KubeObject, include: IncludeObject): KubeObject | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} };
}

export interface TableOptions {
  readonly include: IncludeObject;
  readonly noHeaders?: boolean;
  readonly resourceVersion?: string;
  readonly continueToken?: string;
  readonly remainingItemCount?: number;
}

export function toTable(decl: ResourceDecl, items: readonly KubeObject[], opts: TableOptions): Record<string, unknown> {
  const cols = columnsOf(decl);
  const metadata: Record<string, unknown> = {};
  if (opts.resourceVersion !== undefined) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continueToken !== undefined) metadata.continue = opts.continueToken;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  const table: Record<string, unknown> = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata };
  if (opts.noHeaders !== true) {
    table.columnDefinitions = cols.map((c) => ({ name: c.name, type: c.type === 'date' ? 'date' : c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 }));
  }
  table.rows = items.map((obj) => {
    const row: Record<string, unknown> = { cells: cols.map((c) => cell(c, obj)) };
    const o = rowObject(obj, opts.include);
    if (o !== undefined) row.object = o;
    return row;
  });
  return table;
}
