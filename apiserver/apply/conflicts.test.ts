import { describe, expect, it } from 'vitest';
import { conflictCauses, conflictMessage, conflictStatus, conflictsFromSets, printManager, type Conflict } from './conflicts.js';
import { FieldSet } from './field_set.js';
import { managerIdentifier, type ManagerMap } from './managed_fields.js';
import { fieldElement as f, keyElement as k } from './path_element.js';

const csa: Conflict = { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', field: '.spec.replicas' };

describe('conflict messages', () => {
  it('matches upstream for one conflict', () => {
    expect(conflictMessage([csa])).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
  });

  it('matches upstream for several, grouped by manager in identifier order', () => {
    const conflicts: Conflict[] = [
      { manager: 'zed', operation: 'Apply', apiVersion: 'apps/v1', field: '.spec.paused' },
      csa,
      { ...csa, field: '.spec.template.spec.containers[name="nginx"].image' },
    ];
    expect(conflictMessage(conflicts)).toBe(
      'Apply failed with 3 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n' +
        '- .spec.replicas\n' +
        '- .spec.template.spec.containers[name="nginx"].image\n' +
        'conflicts with "zed":\n' +
        '- .spec.paused',
    );
  });

  it('names managers as printManager does', () => {
    expect(printManager({ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1' })).toBe('"kubectl"');
    expect(printManager({ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', subresource: 'status' })).toBe('"kubelet" with subresource "status" using v1');
  });

  it('builds the StatusCauses and the 409 Status', () => {
    expect(conflictCauses([csa])).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }]);
    expect(conflictStatus([csa])).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] },
      code: 409,
    });
  });
});

describe('conflictsFromSets', () => {
  it('lists conflicts by manager identifier, then in set order', () => {
    const managers: ManagerMap = new Map();
    const b = managerIdentifier('b', 'Update', 'v1', 'status');
    const a = managerIdentifier('a', 'Apply', 'v1', '');
    managers.set(b, { manager: 'b', operation: 'Update', apiVersion: 'v1', subresource: 'status', set: new FieldSet(), time: undefined });
    managers.set(a, { manager: 'a', operation: 'Apply', apiVersion: 'v1', subresource: '', set: new FieldSet(), time: undefined });
    const sets = new Map([
      [b, FieldSet.of([f('status'), f('phase')])],
      [a, FieldSet.of([f('spec'), f('containers'), k({ name: 'c' }), f('image')], [f('spec'), f('nodeName')])],
    ]);
    expect(conflictsFromSets(sets, managers)).toEqual([
      { manager: 'a', operation: 'Apply', apiVersion: 'v1', field: '.spec.nodeName' },
      { manager: 'a', operation: 'Apply', apiVersion: 'v1', field: '.spec.containers[name="c"].image' },
      { manager: 'b', operation: 'Update', apiVersion: 'v1', subresource: 'status', field: '.status.phase' },
    ]);
  });
});
