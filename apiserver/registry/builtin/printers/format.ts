import type { KubeObject, PrinterColumn } from '../../types.js';
import { rfc3339, timestampSince } from './duration.js';

/** Helpers shared by the built-in printers: reading JSON safely and upstream's formatters. */

export type Json = Record<string, unknown>;

export function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
export function asObjects(value: unknown): Json[] {
  return asArray(value).map(asObject);
}
export function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
export function asNumber(value: unknown, fallback = 0): number {
  return typeof value === 'number' ? value : fallback;
}
/**
 * A Quantity's text as the server prints it. Values are shown as stored (the server keeps what
 * the client sent rather than Go's canonical form); a missing quantity prints as Go's zero, "0".
 */
export function quantityText(value: unknown): string {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : '0';
}

export const spec = (obj: KubeObject): Json => asObject(obj['spec']);
export const status = (obj: KubeObject): Json => asObject(obj['status']);
export const nameOf = (obj: KubeObject): string => asString(obj.metadata?.name);
export const ageOf = (obj: KubeObject, nowMs: number): string => timestampSince(obj.metadata?.creationTimestamp, nowMs);

/** labels.FormatLabels: "a=b,c=d" sorted by key, "<none>" when empty. */
export function formatLabels(labels: unknown): string {
  const entries = Object.entries(asObject(labels)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return '<none>';
  return entries.map(([k, v]) => `${k}=${asString(v)}`).join(',');
}

/**
 * labels.Selector.String() of metav1.LabelSelectorAsSelector: requirements sorted by key,
 * values of In/NotIn sorted. Returns undefined for an invalid selector (an unknown operator).
 */
export function labelSelectorString(selector: unknown): string | undefined {
  const sel = asObject(selector);
  const requirements: Array<{ key: string; text: string }> = [];
  for (const [key, value] of Object.entries(asObject(sel['matchLabels']))) {
    requirements.push({ key, text: `${key}=${asString(value)}` });
  }
  for (const expr of asObjects(sel['matchExpressions'])) {
    const key = asString(expr['key']);
    const values = asArray(expr['values']).map(asString).sort();
    switch (expr['operator']) {
      case 'In':
        requirements.push({ key, text: `${key} in (${values.join(',')})` });
        break;
      case 'NotIn':
        requirements.push({ key, text: `${key} notin (${values.join(',')})` });
        break;
      case 'Exists':
        requirements.push({ key, text: key });
        break;
      case 'DoesNotExist':
        requirements.push({ key, text: `!${key}` });
        break;
      default:
        return undefined;
    }
  }
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return requirements.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: like labelSelectorString, "<none>" when empty, "<error>" when invalid. */
export function formatLabelSelector(selector: unknown): string {
  const s = labelSelectorString(selector);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** layoutContainerCells: container names and images, comma-joined. */
export function containerCells(podSpec: unknown): [string, string] {
  const containers = asObjects(asObject(podSpec)['containers']);
  return [containers.map((c) => asString(c['name'])).join(','), containers.map((c) => asString(c['image'])).join(',')];
}

/** The template's pod spec of a workload. */
export const templateSpec = (obj: KubeObject): Json => asObject(asObject(spec(obj)['template'])['spec']);

export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
export const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** A column definition without its cell function. */
export type ColumnDefinition = Omit<PrinterColumn, 'value' | 'jsonPath'>;

export const nameColumn: ColumnDefinition = { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION };
export const ageColumn: ColumnDefinition = { name: 'Age', type: 'string', description: AGE_DESCRIPTION };

/**
 * Columns whose cells come from one row function, as upstream's printX functions build a whole
 * row. The clock is read per cell; `row(obj, nowMs)` is pure so tests pass a fixed time.
 */
export function tableColumns(
  definitions: readonly ColumnDefinition[],
  row: (obj: KubeObject, nowMs: number) => readonly unknown[],
  clock: () => number = Date.now,
): PrinterColumn[] {
  return definitions.map((definition, index) => ({
    ...definition,
    value: (obj: KubeObject) => row(obj, clock())[index],
  }));
}

/** The default table of types without a printer (RBAC roles, CRDs): Name and Created At. */
export const defaultTableColumns: readonly PrinterColumn[] = tableColumns(
  [nameColumn, { name: 'Created At', type: 'date', description: AGE_DESCRIPTION }],
  (obj) => [nameOf(obj), rfc3339(obj.metadata?.creationTimestamp)],
);
