import type { TLSSocket } from 'node:tls';
import type { UserInfo } from './user.js';

/**
 * The x509 client-certificate authenticator (k8s.io/apiserver/pkg/authentication/request/x509):
 * a client certificate verified against the client CA names its user by the subject's common name
 * and its groups by the subject's organizations. kubectl's admin kubeconfig uses one with
 * CN=admin, O=system:masters.
 *
 * Verification is the TLS layer's: serve with `requestCert: true, rejectUnauthorized: false` and the
 * client CA as `ca`, so a request without a certificate still reaches the other authenticators,
 * and an unverified certificate is refused here (401) rather than in the handshake.
 */

/** What the TLS layer knows about the client's certificate. */
export interface PeerCertificateInfo {
  /** Whether the certificate chain verified against the configured CA (TLSSocket.authorized). */
  readonly authorized: boolean;
  /** Why it did not (TLSSocket.authorizationError). */
  readonly authorizationError?: Error | string | null;
  /**
   * TLSSocket.getPeerCertificate(): `{}` (or null) when the client sent none. The subject's fields
   * are a string, or an array when repeated (O=a, O=b).
   */
  readonly certificate: { readonly subject?: Readonly<Record<string, string | readonly string[] | undefined>> } | null | undefined;
}

/** The peer-certificate facts of a TLS socket; undefined for a plain TCP socket. */
export function peerCertificateInfo(socket: unknown): PeerCertificateInfo | undefined {
  const tls = socket as Partial<TLSSocket> | null | undefined;
  if (tls === null || tls === undefined || typeof tls.getPeerCertificate !== 'function') return undefined;
  return {
    authorized: tls.authorized === true,
    authorizationError: tls.authorizationError ?? null,
    certificate: tls.getPeerCertificate() as PeerCertificateInfo['certificate'],
  };
}

export type ClientCertificateResult =
  /** No client certificate, or one without a common name: let other authenticators decide. */
  | { readonly kind: 'none' }
  | { readonly kind: 'user'; readonly user: UserInfo }
  /** A certificate the CA did not sign (or otherwise invalid): 401. */
  | { readonly kind: 'invalid'; readonly message: string };

export function authenticateClientCertificate(peer: PeerCertificateInfo | undefined): ClientCertificateResult {
  const subject = peer?.certificate?.subject;
  if (peer === undefined || subject === undefined) return { kind: 'none' };
  if (!peer.authorized) {
    const why = peer.authorizationError;
    const reason = why === null || why === undefined ? 'certificate not verified' : typeof why === 'string' ? why : why.message;
    return { kind: 'invalid', message: `verifying certificate ${describeSubject(subject)} failed: x509: ${reason}` };
  }
  const commonName = firstValue(subject['CN']);
  if (commonName === undefined || commonName === '') return { kind: 'none' };
  return { kind: 'user', user: { name: commonName, groups: allValues(subject['O']) } };
}

function firstValue(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value[0];
}

function allValues(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

function describeSubject(subject: Readonly<Record<string, string | readonly string[] | undefined>>): string {
  const cn = firstValue(subject['CN']);
  return cn === undefined ? 'without a common name' : `CN=${cn}`;
}
