/**
 * apiserver/auth's error catalog. Codes are stable strings that callers and tests match on; a code is
 * never reused for another meaning. Each entry says what the HTTP layer answers for it (the
 * Kubernetes Status reason and code), so clients see what kube-apiserver would send.
 */
export const AuthErrorCode = {
  /** A bearer token (Authorization header) that no authenticator knows. 401 Unauthorized. */
  INVALID_TOKEN: 'AUTH_INVALID_TOKEN',
  /**
   * A bad `base64url.bearer.authorization.k8s.io.` WebSocket subprotocol: not base64url, not UTF-8,
   * given twice, or with no other subprotocol to echo back. 401 Unauthorized.
   */
  INVALID_WEBSOCKET_TOKEN: 'AUTH_INVALID_WEBSOCKET_TOKEN',
  /** A client certificate the TLS layer could not verify against the client CA. 401 Unauthorized. */
  INVALID_CLIENT_CERTIFICATE: 'AUTH_INVALID_CLIENT_CERTIFICATE',
  /** No credentials and anonymous authentication is off (`--anonymous-auth=false`). 401 Unauthorized. */
  ANONYMOUS_DISABLED: 'AUTH_ANONYMOUS_DISABLED',
  /** The `--token-auth-file` could not be read. Start-up stops. */
  TOKEN_FILE_UNREADABLE: 'AUTH_TOKEN_FILE_UNREADABLE',
  /** The `--token-auth-file` is not valid CSV or a record has fewer than 3 columns. Start-up stops. */
  TOKEN_FILE_INVALID: 'AUTH_TOKEN_FILE_INVALID',
  /**
   * A resource path whose kind and namespace cannot be determined (`/api/v1/watch` with nothing
   * after it). kube-apiserver answers 500 InternalError "failed to create RequestInfo: ...".
   */
  REQUEST_INFO: 'AUTH_REQUEST_INFO',
  /** An `--authorization-mode` entry that is not AlwaysAllow, AlwaysDeny or RBAC. Start-up stops. */
  UNKNOWN_AUTHORIZATION_MODE: 'AUTH_UNKNOWN_AUTHORIZATION_MODE',
  /** A certificate or key file that exists but cannot be parsed, or cannot be written. Start-up stops. */
  CERTIFICATE: 'AUTH_CERTIFICATE',
} as const;

export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

export class AuthError extends Error {
  readonly code: AuthErrorCode;
  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthError';
    this.code = code;
  }
}
