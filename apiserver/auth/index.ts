/**
 * apiserver/auth: who a request is from and whether it may do what it asks, as kube-apiserver
 * decides it, plus the API server's certificates.
 *
 * Per request, the HTTP layer:
 *   1. info = requestInfo(method, url)                      — what is asked (verb, resource, ...)
 *   2. result = authenticator.authenticate(headers, peer)   — 401 with unauthorizedStatus() if refused
 *   3. decision = authorizer.authorize(authorizationAttributes(result.user, info))
 *                                                           — 403 with forbiddenStatus(attrs, reason) if denied
 * Authentication: x509 client certificates (CN user, O groups), `--token-auth-file` bearer tokens
 * (header or WebSocket subprotocol), then anonymous. Authorization: `--authorization-mode`
 * AlwaysAllow (default), AlwaysDeny or RBAC over an RbacSource, with the bootstrap roles upstream
 * ships. Certificates: ensureCerts(dir) makes the CA, serving and admin pairs.
 */
export { AuthError, AuthErrorCode } from './errors.js';
export {
  type UserInfo,
  ANONYMOUS,
  ANONYMOUS_USER,
  ALL_AUTHENTICATED_GROUP,
  ALL_UNAUTHENTICATED_GROUP,
  ALL_SERVICE_ACCOUNTS_GROUP,
  MONITORING_GROUP,
  SYSTEM_MASTERS_GROUP,
  serviceAccountUsername,
  matchesServiceAccount,
  withAuthenticatedGroup,
} from './user.js';
export { requestInfo, type RequestInfo } from './request_info.js';

// authentication
export { parseTokenFile, loadTokenFile, tokenTableAuthenticator, type TokenTable, type TokenFileWarning, type TokenAuthenticator } from './token_file.js';
export {
  BEARER_PROTOCOL_PREFIX,
  bearerTokenFromHeader,
  webSocketBearerToken,
  withoutBearerProtocols,
  bearerProtocol,
  isWebSocketRequest,
  type HeaderBag,
  type WebSocketToken,
} from './bearer_token.js';
export { authenticateClientCertificate, peerCertificateInfo, type PeerCertificateInfo, type ClientCertificateResult } from './client_certificate.js';
export {
  createAuthenticator,
  unauthorizedStatus,
  type AuthenticatorOptions,
  type AuthenticationResult,
  type RequestAuthenticator,
} from './authenticator.js';

// authorization
export {
  authorizationAttributes,
  NO_RULES,
  type Authorizer,
  type AuthorizationAttributes,
  type AuthorizationDecision,
  type NonResourceRule,
  type ResourceRule,
  type RulesResult,
} from './authorizer.js';
export { forbiddenMessage, forbiddenStatusMessage, forbiddenStatus } from './forbidden.js';
export { alwaysAllowAuthorizer, alwaysDenyAuthorizer, privilegedGroupsAuthorizer } from './trivial_authorizers.js';
export { rbacAuthorizer, rulesFor, type RbacAuthorizerOptions } from './rbac.js';
export { staticRbacSource, type RbacSource } from './rbac_source.js';
export {
  RBAC_GROUP,
  RBAC_API_VERSION,
  type PolicyRule,
  type Subject,
  type RoleRef,
  type LabelSelector,
  type LabelSelectorRequirement,
  type AggregationRule,
  type Role,
  type ClusterRole,
  type RoleBinding,
  type ClusterRoleBinding,
} from './rbac_types.js';
export { ruleAllows } from './policy_rule.js';
export { effectiveRules } from './aggregation.js';
export { labelSelectorMatches } from './label_selector.js';
export {
  bootstrapClusterRoles,
  bootstrapClusterRoleBindings,
  BOOTSTRAP_LABELS,
  AUTOUPDATE_ANNOTATION,
  AGGREGATE_TO_ADMIN,
  AGGREGATE_TO_EDIT,
  AGGREGATE_TO_VIEW,
} from './bootstrap_policy.js';
export {
  authorizerForModes,
  unionAuthorizer,
  AUTHORIZATION_MODES,
  DEFAULT_AUTHORIZATION_MODE,
  type AuthorizationMode,
} from './authorization_modes.js';

// certificates
export {
  generateCa,
  generateServerCert,
  generateClientCert,
  generateAdminCert,
  serverCertHosts,
  ensureCerts,
  CA_VALIDITY_DAYS,
  LEAF_VALIDITY_DAYS,
  RENEW_BEFORE_DAYS,
  DEFAULT_SERVER_DNS_NAMES,
  DEFAULT_SERVER_IPS,
  type PemPair,
  type CertOptions,
  type ServerCertOptions,
  type ClientCertOptions,
  type CertPaths,
  type EnsureCertsOptions,
  type EnsureCertsResult,
} from './certs.js';
