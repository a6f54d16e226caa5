import type { KubeObject } from '../registry/types.js';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from './rbac_types.js';

/**
 * Where the RBAC authorizer reads roles and bindings: synchronously, as upstream reads its informer
 * caches (the API server keeps these four types in its watch cache). Objects are plain Kubernetes
 * JSON; the authorizer never mutates them.
 */
export interface RbacSource {
  /** Roles of a namespace. */
  roles(namespace: string): readonly Role[];
  /** RoleBindings of a namespace. */
  roleBindings(namespace: string): readonly RoleBinding[];
  clusterRoles(): readonly ClusterRole[];
  clusterRoleBindings(): readonly ClusterRoleBinding[];
}

/** An RbacSource over a fixed list of objects, sorted by kind (other kinds are ignored). */
export function staticRbacSource(objects: Iterable<KubeObject>): RbacSource {
  const roles = new Map<string, Role[]>();
  const roleBindings = new Map<string, RoleBinding[]>();
  const clusterRoles: ClusterRole[] = [];
  const clusterRoleBindings: ClusterRoleBinding[] = [];
  const add = <T>(map: Map<string, T[]>, ns: string, obj: T): void => {
    const list = map.get(ns);
    if (list === undefined) map.set(ns, [obj]);
    else list.push(obj);
  };
  for (const obj of objects) {
    const ns = obj.metadata?.namespace ?? '';
    switch (obj.kind) {
      case 'Role':
        add(roles, ns, obj as Role);
        break;
      case 'RoleBinding':
        add(roleBindings, ns, obj as RoleBinding);
        break;
      case 'ClusterRole':
        clusterRoles.push(obj as ClusterRole);
        break;
      case 'ClusterRoleBinding':
        clusterRoleBindings.push(obj as ClusterRoleBinding);
        break;
      default:
        break;
    }
  }
  return {
    roles: (ns) => roles.get(ns) ?? [],
    roleBindings: (ns) => roleBindings.get(ns) ?? [],
    clusterRoles: () => clusterRoles,
    clusterRoleBindings: () => clusterRoleBindings,
  };
}
