import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import {
  authorizationAttributes,
  authorizerForModes,
  bootstrapClusterRoleBindings,
  bootstrapClusterRoles,
  createAuthenticator,
  forbiddenStatusMessage,
  peerCertificateInfo,
  type RbacSource,
  type RequestAuthenticator,
  type TokenAuthenticator,
} from './auth/index.js';
import type { RequestInfo } from './auth/request_info.js';
import { errors, StatusError } from './errors.js';
import type { ApiContext } from './http/context.js';
import { internalWrite, storedResource } from './registry/rest.js';
import type { Gate } from './http/server.js';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from './auth/rbac_types.js';

/**
 * Authentication and authorization in front of every request, as kube-apiserver's filter chain:
 * 401 when a credential is bad, 403 (with upstream's message) when RBAC says no. RBAC reads roles
 * and bindings from the watch caches of the four RBAC types, and the bootstrap roles and bindings
 * are written to the store at start when missing (as kube-apiserver's bootstrap-roles hook does).
 */

const RBAC = 'rbac.authorization.k8s.io';

export interface GateOptions {
  readonly authorizationMode: 'AlwaysAllow' | 'RBAC';
  readonly tokens?: TokenAuthenticator;
  readonly clientCertificates: boolean;
}

function rbacSource(api: ApiContext): { source: RbacSource; ready(): Promise<void> } {
  const declOf = (plural: string) => {
    const decl = api.registry.lookup(RBAC, 'v1', plural);
    if (decl === undefined) throw new Error(`RBAC type ${plural} is not registered`);
    return decl;
  };
  const all = ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'] as const;
  // Read on every request: straight from the caches' maps, by key prefix, without sorting.
  const objects = (plural: string, namespace = ''): unknown[] => {
    const decl = declOf(plural);
    return api.cache(decl).objects(api.store.keys.collection(storedResource(decl), namespace));
  };
  return {
    source: {
      roles: (ns) => (ns === '' ? [] : (objects('roles', ns) as Role[])),
      roleBindings: (ns) => (ns === '' ? [] : (objects('rolebindings', ns) as RoleBinding[])),
      clusterRoles: () => objects('clusterroles') as ClusterRole[],
      clusterRoleBindings: () => objects('clusterrolebindings') as ClusterRoleBinding[],
    },
    ready: async () => {
      await Promise.all(all.map((p) => api.cache(declOf(p)).ready()));
    },
  };
}

/** Writes the bootstrap ClusterRoles and ClusterRoleBindings that are missing. */
export async function ensureBootstrapPolicy(api: ApiContext, log: Logger): Promise<void> {
  const write = async (plural: string, objects: readonly Record<string, unknown>[]): Promise<void> => {
    const decl = api.registry.lookup(RBAC, 'v1', plural);
    if (decl === undefined) return;
    const rest = api.rest(decl);
    for (const obj of objects) {
      try {
        await rest.create('', obj, internalWrite('kube-apiserver'));
      } catch (err) {
        if (!(err instanceof StatusError && err.reason === 'AlreadyExists')) throw err;
      }
    }
  };
  await write('clusterroles', bootstrapClusterRoles() as unknown as Record<string, unknown>[]);
  await write('clusterrolebindings', bootstrapClusterRoleBindings() as unknown as Record<string, unknown>[]);
  log.debug('bootstrap RBAC policy present');
}

export async function createGate(api: ApiContext, opts: GateOptions, logger: Logger): Promise<Gate> {
  const log = logger.child({ component: 'auth' });
  const authenticator: RequestAuthenticator = createAuthenticator({ ...(opts.tokens !== undefined ? { tokens: opts.tokens } : {}), clientCertificates: opts.clientCertificates });
  let rbac: ReturnType<typeof rbacSource> | undefined;
  if (opts.authorizationMode === 'RBAC') {
    rbac = rbacSource(api);
    await rbac.ready();
  }
  const authorizer = authorizerForModes(opts.authorizationMode, rbac?.source);
  return {
    rulesFor: (user, namespace) => authorizer.rulesFor(user, namespace),
    authorize: (attrs) => {
      const d = authorizer.authorize(attrs);
      return { allowed: d.decision === 'allow', reason: d.reason };
    },
    check: async (req: IncomingMessage, info: RequestInfo) => {
      const peer = peerCertificateInfo(req.socket as TLSSocket);
      const result = authenticator.authenticate(req.headers, peer);
      if (!result.authenticated) {
        log.debug({ err: result.error, path: info.path }, 'authentication failed');
        throw errors.unauthorized();
      }
      const attrs = authorizationAttributes(result.user, info);
      const decision = authorizer.authorize(attrs);
      if (decision.decision === 'allow') return result.user;
      const message = forbiddenStatusMessage(attrs, decision.reason);
      throw new StatusError(403, 'Forbidden', message, info.isResourceRequest ? { ...(info.name !== '' ? { name: info.name } : {}), ...(info.apiGroup !== '' ? { group: info.apiGroup } : {}), kind: info.resource } : undefined);
    },
  };
}
