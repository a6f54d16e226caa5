import { bearerTokenFromHeader, webSocketBearerToken, type HeaderBag } from './bearer_token.js';
import { authenticateClientCertificate, type PeerCertificateInfo } from './client_certificate.js';
import { AuthError, AuthErrorCode } from './errors.js';
import type { TokenAuthenticator } from './token_file.js';
import { ANONYMOUS, withAuthenticatedGroup, type UserInfo } from './user.js';

/**
 * kube-apiserver's request authentication chain:
 *
 *   fail-on-error( authenticated-group-adder( union(x509, bearer header, WebSocket protocol) ), anonymous )
 *
 * The union tries each authenticator in turn and the first that finds a user wins, even when an
 * earlier one failed (a bad client certificate plus a good token authenticates). When none finds a
 * user and any failed (an unknown token, a certificate the CA did not sign), the request is refused
 * with 401: a bad credential is never treated as anonymous. A request with no credentials is the
 * anonymous user (`system:anonymous`, group `system:unauthenticated`) when anonymous auth is on,
 * which is kube-apiserver's default; otherwise 401. Every authenticated user gets the group
 * `system:authenticated`.
 */

export interface AuthenticatorOptions {
  /** Bearer tokens (`--token-auth-file`); without it, any bearer token is refused. */
  readonly tokens?: TokenAuthenticator;
  /** Whether verified client certificates authenticate (`--client-ca-file`). Default true. */
  readonly clientCertificates?: boolean;
  /** `--anonymous-auth`. Default true. */
  readonly anonymous?: boolean;
}

export type AuthenticationResult =
  | {
      readonly authenticated: true;
      readonly user: UserInfo;
      readonly method: 'x509' | 'token' | 'websocket-token' | 'anonymous';
      /**
       * Set when the token came in a WebSocket subprotocol: the other offered subprotocols, the
       * only ones the server may choose from and echo back (choose none if the list has no protocol
       * the endpoint speaks).
       */
      readonly webSocketProtocols?: readonly string[];
    }
  /** Refuse with 401 (unauthorizedStatus()); `error` says why, for the log. */
  | { readonly authenticated: false; readonly error: AuthError };

export interface RequestAuthenticator {
  /** Authenticate a request from its headers and, over TLS, its peer certificate. */
  authenticate(headers: HeaderBag, peer?: PeerCertificateInfo): AuthenticationResult;
}

export function createAuthenticator(options: AuthenticatorOptions = {}): RequestAuthenticator {
  const useCertificates = options.clientCertificates ?? true;
  const anonymous = options.anonymous ?? true;
  const tokens = options.tokens;

  return {
    authenticate(headers, peer) {
      const errors: AuthError[] = [];
      const ok = (user: UserInfo, method: 'x509' | 'token' | 'websocket-token', webSocketProtocols?: readonly string[]): AuthenticationResult =>
        webSocketProtocols === undefined
          ? { authenticated: true, user: withAuthenticatedGroup(user), method }
          : { authenticated: true, user: withAuthenticatedGroup(user), method, webSocketProtocols };

      if (useCertificates) {
        const cert = authenticateClientCertificate(peer);
        if (cert.kind === 'user') return ok(cert.user, 'x509');
        if (cert.kind === 'invalid') errors.push(new AuthError(AuthErrorCode.INVALID_CLIENT_CERTIFICATE, cert.message));
      }

      const headerToken = bearerTokenFromHeader(headers);
      if (headerToken !== undefined) {
        const user = tokens?.authenticateToken(headerToken);
        if (user !== undefined) return ok(user, 'token');
        errors.push(new AuthError(AuthErrorCode.INVALID_TOKEN, 'invalid bearer token'));
      }

      const ws = webSocketBearerToken(headers);
      if (ws.kind === 'invalid') {
        errors.push(new AuthError(AuthErrorCode.INVALID_WEBSOCKET_TOKEN, ws.message));
      } else if (ws.kind === 'token') {
        const user = tokens?.authenticateToken(ws.token);
        if (user !== undefined) return ok(user, 'websocket-token', ws.protocols);
        errors.push(new AuthError(AuthErrorCode.INVALID_TOKEN, 'invalid bearer token'));
      }

      if (errors.length > 0) return { authenticated: false, error: aggregate(errors) };
      if (!anonymous) {
        return { authenticated: false, error: new AuthError(AuthErrorCode.ANONYMOUS_DISABLED, 'no credentials and anonymous authentication is disabled') };
      }
      return { authenticated: true, user: ANONYMOUS, method: 'anonymous' };
    },
  };
}

/** One error, or the first error's code with every message (utilerrors.NewAggregate wording). */
function aggregate(errors: readonly AuthError[]): AuthError {
  const first = errors[0];
  if (errors.length === 1 && first !== undefined) return first;
  const messages = [...new Set(errors.map((e) => e.message))];
  const message = messages.length === 1 ? (messages[0] ?? '') : `[${messages.join(', ')}]`;
  return new AuthError(first?.code ?? AuthErrorCode.INVALID_TOKEN, message, { cause: errors });
}

/** The Status kube-apiserver sends with a 401. */
export function unauthorizedStatus(): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  };
}
