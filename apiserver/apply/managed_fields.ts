/**
 * metadata.managedFields: decoding entries into managers, and encoding them back exactly as the
 * Kubernetes API server writes them.
 *
 * A manager is identified as upstream's BuildManagerIdentifier does: the entry without fieldsType,
 * fieldsV1 and time, and without apiVersion for appliers. So there is one Apply entry per
 * (manager, subresource) whatever version it applied with, and one Update entry per
 * (manager, apiVersion, subresource). Entries are written sorted: Apply before Update, then by time
 * (seconds), manager, apiVersion and subresource.
 */
import { ApplyError, ApplyErrorCode } from './errors.js';
import { FieldSet } from './field_set.js';
import { fromFieldsV1, toFieldsV1, type FieldsV1 } from './fields_v1.js';
import { compareStrings, goJsonString, isPlainObject } from './value.js';

export type ManagedFieldsOperation = 'Apply' | 'Update';

/** One element of metadata.managedFields (metav1.ManagedFieldsEntry), keys in upstream's order. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: ManagedFieldsOperation;
  apiVersion: string;
  /** RFC 3339 in UTC with seconds: `2024-05-01T10:00:00Z`. */
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
  subresource?: string;
}

/** A decoded entry. Mutable: each apply or update works on its own freshly decoded map. */
export interface ManagerRecord {
  manager: string;
  operation: ManagedFieldsOperation;
  /** '' for the main resource. */
  subresource: string;
  apiVersion: string;
  set: FieldSet;
  time: string | undefined;
}

/** Managers by identifier. */
export type ManagerMap = Map<string, ManagerRecord>;

/** Upstream's manager identifier: the entry's JSON without fieldsType, fieldsV1, time and (for Apply) apiVersion. */
export function managerIdentifier(manager: string, operation: ManagedFieldsOperation, apiVersion: string, subresource: string): string {
  const parts: string[] = [];
  if (manager !== '') parts.push(`"manager":${goJsonString(manager)}`);
  parts.push(`"operation":${goJsonString(operation)}`);
  if (operation === 'Update' && apiVersion !== '') parts.push(`"apiVersion":${goJsonString(apiVersion)}`);
  if (subresource !== '') parts.push(`"subresource":${goJsonString(subresource)}`);
  return `{${parts.join(',')}}`;
}

export function recordIdentifier(r: Pick<ManagerRecord, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return managerIdentifier(r.manager, r.operation, r.apiVersion, r.subresource);
}

function invalid(message: string, cause?: unknown): ApplyError {
  return new ApplyError(ApplyErrorCode.INVALID_MANAGED_FIELDS, message, cause === undefined ? undefined : { cause });
}

function optionalString(entry: Record<string, unknown>, field: string, i: number): string {
  const v = entry[field];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw invalid(`${field} must be a string in managed fields entry ${i}`);
  return v;
}

/**
 * Decodes metadata.managedFields (undefined and null are empty). Throws ApplyError
 * INVALID_MANAGED_FIELDS with upstream's messages. A later entry with the same identifier as an
 * earlier one replaces it, as upstream's map does.
 */
export function decodeManagedFields(entries: unknown): ManagerMap {
  const out: ManagerMap = new Map();
  if (entries === undefined || entries === null) return out;
  if (!Array.isArray(entries)) throw invalid('managedFields must be a list');
  entries.forEach((entry: unknown, i) => {
    if (!isPlainObject(entry)) throw invalid(`managed fields entry ${i} must be an object`);
    const operation = entry['operation'];
    if (operation !== 'Apply' && operation !== 'Update') throw invalid('operation must be `Apply` or `Update`');
    const apiVersion = optionalString(entry, 'apiVersion', i);
    if (apiVersion === '') throw invalid('apiVersion must not be empty');
    const fieldsType = optionalString(entry, 'fieldsType', i);
    if (fieldsType === '') throw invalid(`missing fieldsType in managed fields entry ${i}`);
    if (fieldsType !== 'FieldsV1') throw invalid(`invalid fieldsType ${JSON.stringify(fieldsType)} in managed fields entry ${i}`);
    const raw = entry['fieldsV1'];
    let set: FieldSet;
    try {
      set = raw === undefined || raw === null ? new FieldSet() : fromFieldsV1(raw);
    } catch (err) {
      throw invalid(`error decoding versioned set from managed fields entry ${i}: ${(err as Error).message}`, err);
    }
    const time = optionalString(entry, 'time', i);
    const record: ManagerRecord = {
      manager: optionalString(entry, 'manager', i),
      operation,
      subresource: optionalString(entry, 'subresource', i),
      apiVersion,
      set,
      time: time === '' ? undefined : time,
    };
    out.set(recordIdentifier(record), record);
  });
  return out;
}

/** Decodes, or returns no managers when the entries cannot be decoded (upstream's emptyManagedFieldsOnErr). */
export function decodeManagedFieldsOrEmpty(entries: unknown): ManagerMap {
  try {
    return decodeManagedFields(entries);
  } catch {
    return new Map();
  }
}

/** Whether a request's managedFields asks to reset them: an empty list, or a list of one empty entry. */
export function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  if (entries.length !== 1) return false;
  const only: unknown = entries[0];
  return isPlainObject(only) && Object.values(only).every((v) => v === undefined || v === null || v === '');
}

/** Seconds since the epoch of an entry time, 0 when absent or unreadable. */
export function timeSeconds(time: string | undefined): number {
  if (time === undefined) return 0;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** metav1.Time as JSON: RFC 3339, UTC, whole seconds. */
export function formatTime(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  if (p.operation !== q.operation) return compareStrings(p.operation, q.operation);
  const ps = timeSeconds(p.time);
  const qs = timeSeconds(q.time);
  if (ps !== qs) return ps < qs ? -1 : 1;
  if (p.manager !== q.manager) return compareStrings(p.manager, q.manager);
  if (p.apiVersion !== q.apiVersion) return compareStrings(p.apiVersion, q.apiVersion);
  return compareStrings(p.subresource ?? '', q.subresource ?? '');
}

/** The managedFields list for `managers`, sorted as upstream sorts it. */
export function encodeManagedFields(managers: ManagerMap): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const r of managers.values()) {
    const entry: ManagedFieldsEntry = {
      manager: r.manager,
      operation: r.operation,
      apiVersion: r.apiVersion,
      ...(r.time === undefined ? {} : { time: r.time }),
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(r.set),
      ...(r.subresource === '' ? {} : { subresource: r.subresource }),
    };
    out.push(entry);
  }
  return out.sort(compareEntries);
}

/** Upstream's DefaultMaxUpdateManagers. */
export const MAX_UPDATE_MANAGERS = 10;

/** The manager name oldest Update entries are merged into beyond the cap. */
export const ANCIENT_CHANGES_MANAGER = 'ancient-changes';

/**
 * Caps the Update entries at `max` (upstream's capManagersManager): the oldest are merged, per
 * apiVersion, into an "ancient-changes" Update entry carrying the newest merged entry's time.
 * Mutates and returns `managers`.
 */
export function capUpdateManagers(managers: ManagerMap, max: number = MAX_UPDATE_MANAGERS): ManagerMap {
  const updaters = [...managers.entries()].filter(([, r]) => r.operation === 'Update').map(([id]) => id);
  if (updaters.length <= max) return managers;
  updaters.sort((a, b) => {
    const ta = timeSeconds(managers.get(a)?.time);
    const tb = timeSeconds(managers.get(b)?.time);
    return ta !== tb ? (ta < tb ? -1 : 1) : compareStrings(a, b);
  });
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i] as string;
    const record = managers.get(id);
    if (record === undefined) continue;
    const version = record.apiVersion;
    const bucketId = managerIdentifier(ANCIENT_CHANGES_MANAGER, 'Update', version, '');
    const first = firstOfVersion.get(version);
    if (first === undefined) {
      firstOfVersion.set(version, id);
      continue;
    }
    // An existing bucket is never merged into itself.
    if (id === bucketId) continue;
    let bucket = managers.get(bucketId);
    if (bucket === undefined) {
      const firstRecord = managers.get(first);
      managers.delete(first);
      bucket = {
        manager: ANCIENT_CHANGES_MANAGER,
        operation: 'Update',
        subresource: '',
        apiVersion: version,
        set: firstRecord?.set ?? new FieldSet(),
        time: firstRecord?.time,
      };
      managers.set(bucketId, bucket);
    }
    bucket.set = record.set.union(bucket.set);
    bucket.time = record.time;
    managers.delete(id);
    length--;
  }
  return managers;
}
