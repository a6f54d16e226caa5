/**
 * Apply conflicts and the 409 Status the Kubernetes API server sends for them
 * (k8s.io/apimachinery's managedfields/internal/conflict.go):
 *
 *   Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas
 *
 *   Apply failed with 2 conflicts: conflicts with "a" using apps/v1:
 *   - .spec.replicas
 *   - .spec.paused
 *
 * An Update manager is printed with "using <apiVersion>", an Apply manager by name alone, and a
 * subresource manager with `with subresource "status"`.
 */
import type { FieldSet } from './field_set.js';
import { managerIdentifier, type ManagedFieldsOperation, type ManagerMap } from './managed_fields.js';
import { pathToString } from './path_element.js';
import { compareStrings, goQuote } from './value.js';

export interface Conflict {
  /** The other manager's name. */
  readonly manager: string;
  readonly operation: ManagedFieldsOperation;
  readonly apiVersion: string;
  /** Set when the other manager wrote through a subresource. */
  readonly subresource?: string;
  /** The contested field, printed as upstream prints paths: `.spec.containers[name="nginx"].image`. */
  readonly field: string;
}

/** metav1.StatusCause of one conflict. */
export interface ConflictCause {
  readonly reason: 'FieldManagerConflict';
  readonly message: string;
  readonly field: string;
}

/** The metav1.Status of a failed apply (409 Conflict). */
export interface ConflictStatus {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly message: string;
  readonly reason: 'Conflict';
  readonly details: { readonly causes: readonly ConflictCause[] };
  readonly code: 409;
}

/** The conflicts of `sets` (by manager identifier), by manager identifier then in set order. */
export function conflictsFromSets(sets: ReadonlyMap<string, FieldSet>, managers: ManagerMap): Conflict[] {
  const out: Conflict[] = [];
  for (const id of [...sets.keys()].sort(compareStrings)) {
    const set = sets.get(id);
    const m = managers.get(id);
    if (set === undefined || m === undefined) continue;
    for (const path of set.paths()) {
      out.push({
        manager: m.manager,
        operation: m.operation,
        apiVersion: m.apiVersion,
        ...(m.subresource === '' ? {} : { subresource: m.subresource }),
        field: pathToString(path),
      });
    }
  }
  return out;
}

function identifierOf(c: Conflict): string {
  return managerIdentifier(c.manager, c.operation, c.apiVersion, c.subresource ?? '');
}

/** How upstream names the other manager: `"x"`, `"x" using apps/v1`, `"x" with subresource "status" using v1`. */
export function printManager(c: Pick<Conflict, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let s = goQuote(c.manager);
  if (c.subresource !== undefined && c.subresource !== '') s += ` with subresource ${goQuote(c.subresource)}`;
  if (c.operation === 'Update') s += ` using ${c.apiVersion}`;
  return s;
}

/** The Status message of a failed apply. */
export function conflictMessage(conflicts: readonly Conflict[]): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only !== undefined) return `Apply failed with 1 conflict: conflict with ${printManager(only)}: ${only.field}`;
  const groups = new Map<string, Conflict[]>();
  for (const c of conflicts) {
    const id = identifierOf(c);
    const g = groups.get(id);
    if (g === undefined) groups.set(id, [c]);
    else g.push(c);
  }
  const lines: string[] = [];
  for (const id of [...groups.keys()].sort(compareStrings)) {
    const g = groups.get(id) ?? [];
    const [first] = g;
    if (first === undefined) continue;
    lines.push(`conflicts with ${printManager(first)}:`);
    for (const c of g) lines.push(`- ${c.field}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** The Status causes of a failed apply, one per conflict. */
export function conflictCauses(conflicts: readonly Conflict[]): ConflictCause[] {
  return conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c)}`, field: c.field }));
}

/** The whole 409 Status object of a failed apply. */
export function conflictStatus(conflicts: readonly Conflict[]): ConflictStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: conflictMessage(conflicts),
    reason: 'Conflict',
    details: { causes: conflictCauses(conflicts) },
    code: 409,
  };
}
