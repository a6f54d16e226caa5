import { describe, expect, it } from 'vitest';
import { ApplyErrorCode } from './errors.js';
import { FieldSet } from './field_set.js';
import {
  capUpdateManagers,
  decodeManagedFields,
  encodeManagedFields,
  formatTime,
  isResetManagedFields,
  managerIdentifier,
  type ManagerMap,
} from './managed_fields.js';
import { fieldElement } from './path_element.js';

const entry = (e: Record<string, unknown>): Record<string, unknown> => ({
  manager: 'm',
  operation: 'Update',
  apiVersion: 'v1',
  fieldsType: 'FieldsV1',
  fieldsV1: { 'f:spec': { 'f:x': {} } },
  ...e,
});

describe('manager identifiers', () => {
  it('leave apiVersion out for appliers only, as BuildManagerIdentifier does', () => {
    expect(managerIdentifier('kubectl', 'Apply', 'apps/v1', '')).toBe('{"manager":"kubectl","operation":"Apply"}');
    expect(managerIdentifier('kubectl', 'Update', 'apps/v1', '')).toBe('{"manager":"kubectl","operation":"Update","apiVersion":"apps/v1"}');
    expect(managerIdentifier('kubelet', 'Update', 'v1', 'status')).toBe('{"manager":"kubelet","operation":"Update","apiVersion":"v1","subresource":"status"}');
    expect(managerIdentifier('', 'Apply', 'v1', '')).toBe('{"operation":"Apply"}');
  });
});

describe('decodeManagedFields', () => {
  it('decodes entries by identifier', () => {
    const m = decodeManagedFields([entry({ manager: 'a', time: '2024-05-01T10:00:00Z' }), entry({ manager: 'b', operation: 'Apply', subresource: 'status' })]);
    expect([...m.keys()]).toEqual(['{"manager":"a","operation":"Update","apiVersion":"v1"}', '{"manager":"b","operation":"Apply","subresource":"status"}']);
    expect(m.get('{"manager":"a","operation":"Update","apiVersion":"v1"}')?.time).toBe('2024-05-01T10:00:00Z');
    expect(decodeManagedFields(undefined).size).toBe(0);
    expect(decodeManagedFields(null).size).toBe(0);
  });

  it('keeps one Apply entry per manager whatever its version, the later one winning', () => {
    const m = decodeManagedFields([entry({ operation: 'Apply', apiVersion: 'v1' }), entry({ operation: 'Apply', apiVersion: 'v2' })]);
    expect([...m.values()].map((r) => r.apiVersion)).toEqual(['v2']);
  });

  it.each([
    [entry({ operation: 'Patch' }), 'operation must be `Apply` or `Update`'],
    [entry({ apiVersion: '' }), 'apiVersion must not be empty'],
    [entry({ fieldsType: undefined }), 'missing fieldsType in managed fields entry 0'],
    [entry({ fieldsType: 'FieldsV2' }), 'invalid fieldsType "FieldsV2" in managed fields entry 0'],
    [entry({ fieldsV1: { 'f:a': 3 } }), 'error decoding versioned set from managed fields entry 0'],
  ])('rejects %j', (bad, message) => {
    expect(() => decodeManagedFields([bad])).toThrowError(expect.objectContaining({ code: ApplyErrorCode.INVALID_MANAGED_FIELDS, message: expect.stringContaining(message) }));
  });
});

describe('encodeManagedFields', () => {
  it('writes entries in upstream order: Apply first, then by time, manager, apiVersion, subresource', () => {
    const entries = [
      entry({ manager: 'z', time: '2024-05-01T10:00:00Z' }),
      entry({ manager: 'a', time: '2024-05-01T11:00:00Z' }),
      entry({ manager: 'b', operation: 'Apply', time: '2024-05-01T12:00:00Z' }),
      entry({ manager: 'a', time: '2024-05-01T11:00:00Z', apiVersion: 'v0' }),
      entry({ manager: 'a', time: '2024-05-01T11:00:00Z', subresource: 'status' }),
    ];
    expect(encodeManagedFields(decodeManagedFields(entries)).map((e) => [e.operation, e.manager, e.apiVersion, e.subresource ?? ''])).toEqual([
      ['Apply', 'b', 'v1', ''],
      ['Update', 'z', 'v1', ''],
      ['Update', 'a', 'v0', ''],
      ['Update', 'a', 'v1', ''],
      ['Update', 'a', 'v1', 'status'],
    ]);
  });

  it('writes the keys of an entry in metav1 order and leaves out what is empty', () => {
    const [e] = encodeManagedFields(decodeManagedFields([entry({ time: '2024-05-01T10:00:00Z', subresource: 'status' })]));
    expect(Object.keys(e ?? {})).toEqual(['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1', 'subresource']);
    const [bare] = encodeManagedFields(decodeManagedFields([entry({})]));
    expect(Object.keys(bare ?? {})).toEqual(['manager', 'operation', 'apiVersion', 'fieldsType', 'fieldsV1']);
  });
});

describe('resets and times', () => {
  it('recognises a reset request', () => {
    expect(isResetManagedFields([])).toBe(true);
    expect(isResetManagedFields([{}])).toBe(true);
    expect(isResetManagedFields([{ manager: '' }])).toBe(true);
    expect(isResetManagedFields(undefined)).toBe(false);
    expect(isResetManagedFields([entry({})])).toBe(false);
    expect(isResetManagedFields([{}, {}])).toBe(false);
  });

  it('formats times as RFC 3339 seconds in UTC', () => {
    expect(formatTime(new Date('2024-05-01T10:00:00.999+02:00'))).toBe('2024-05-01T08:00:00Z');
  });
});

describe('capUpdateManagers', () => {
  const managers = (n: number, version = (_i: number): string => 'v1'): ManagerMap => {
    const m: ManagerMap = new Map();
    for (let i = 0; i < n; i++) {
      const apiVersion = version(i);
      m.set(managerIdentifier(`m${i}`, 'Update', apiVersion, ''), {
        manager: `m${i}`,
        operation: 'Update',
        subresource: '',
        apiVersion,
        set: FieldSet.of([fieldElement(`f${i}`)]),
        time: `2024-05-01T10:00:${String(i).padStart(2, '0')}Z`,
      });
    }
    m.set(managerIdentifier('applier', 'Apply', 'v1', ''), { manager: 'applier', operation: 'Apply', subresource: '', apiVersion: 'v1', set: FieldSet.of([fieldElement('a')]), time: undefined });
    return m;
  };

  it('leaves ten Update entries alone, appliers not counted', () => {
    expect(capUpdateManagers(managers(10)).size).toBe(11);
  });

  it('merges the oldest per version into ancient-changes with the newest merged time', () => {
    const m = capUpdateManagers(managers(12));
    const ancient = m.get(managerIdentifier('ancient-changes', 'Update', 'v1', ''));
    expect(ancient?.set.paths().map((p) => p.map((e) => (e.kind === 'field' ? e.name : '')).join())).toEqual(['f0', 'f1', 'f2']);
    expect(ancient?.time).toBe('2024-05-01T10:00:02Z');
    expect([...m.values()].filter((r) => r.operation === 'Update')).toHaveLength(10);
  });

  it('keeps one bucket per apiVersion', () => {
    const m = capUpdateManagers(managers(14, (i) => (i % 2 === 0 ? 'v1' : 'v2')));
    expect([...m.values()].filter((r) => r.manager === 'ancient-changes').map((r) => r.apiVersion).sort()).toEqual(['v1', 'v2']);
    expect([...m.values()].filter((r) => r.operation === 'Update')).toHaveLength(10);
  });
});
