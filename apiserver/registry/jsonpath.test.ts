import { describe, expect, it } from 'vitest';
import { evalJsonPath, jsonPathValue, setJsonPath } from './jsonpath.js';

describe('printer-column JSONPath', () => {
  const obj = { spec: { replicas: 3, containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Synced', status: 'False' }] } };
  it('reads fields, indexes, wildcards and filters', () => {
    expect(jsonPathValue(obj, '.spec.replicas')).toBe(3);
    expect(jsonPathValue(obj, '{.spec.containers[1].name}')).toBe('b');
    expect(evalJsonPath(obj, '.spec.containers[*].image')).toEqual(['x', 'y']);
    expect(jsonPathValue(obj, '.status.conditions[?(@.type=="Synced")].status')).toBe('False');
    expect(jsonPathValue(obj, '.spec.missing.deeper')).toBeUndefined();
  });
  it('sets a field path, creating objects on the way', () => {
    const o: Record<string, unknown> = {};
    setJsonPath(o, '.spec.replicas', 5);
    expect(o).toEqual({ spec: { replicas: 5 } });
  });
});
