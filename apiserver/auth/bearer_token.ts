/**
 * Where a request carries a bearer token, read as kube-apiserver does:
 * - `Authorization: Bearer <token>` (request/bearertoken): the header trimmed, split on single
 *   spaces into at most 3 parts; the scheme is case-insensitive and an empty token is no token;
 * - on a WebSocket upgrade, a `Sec-WebSocket-Protocol` entry
 *   `base64url.bearer.authorization.k8s.io.<base64url(token), unpadded>` (request/websocket), because
 *   browsers cannot set headers on a WebSocket. The other offered subprotocols are what the server
 *   may choose from and echo back; the token protocol never is.
 */

/** Request headers as Node gives them (lower-case names); other casings are found too. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

/** A header's values (one per occurrence), looked up case-insensitively. */
export function headerValues(headers: HeaderBag, name: string): string[] {
  const wanted = name.toLowerCase();
  const out: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (typeof value === 'string') out.push(value);
    else out.push(...value);
  }
  return out;
}

/** The token of an `Authorization: Bearer` header, or undefined when there is none. */
export function bearerTokenFromHeader(headers: HeaderBag): string | undefined {
  const auth = (headerValues(headers, 'authorization')[0] ?? '').trim();
  if (auth === '') return undefined;
  const parts = splitN(auth, ' ', 3);
  if (parts.length < 2 || (parts[0] ?? '').toLowerCase() !== 'bearer') return undefined;
  const token = parts[1] ?? '';
  return token === '' ? undefined : token;
}

/** Go strings.SplitN. */
function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

const CONNECTION_UPGRADE = /(^|.*,\s*)upgrade($|\s*,)/;

/** Whether the request is a WebSocket upgrade (wsstream.IsWebSocketRequest). */
export function isWebSocketRequest(headers: HeaderBag): boolean {
  if ((headerValues(headers, 'upgrade')[0] ?? '').toLowerCase() !== 'websocket') return false;
  return CONNECTION_UPGRADE.test((headerValues(headers, 'connection')[0] ?? '').toLowerCase());
}

export type WebSocketToken =
  /** No token protocol was offered (or its token is empty). */
  | { readonly kind: 'none' }
  /** A token, and the other offered subprotocols, in order: the ones the server may choose from. */
  | { readonly kind: 'token'; readonly token: string; readonly protocols: readonly string[] }
  /** A malformed token protocol; the request is refused with 401. */
  | { readonly kind: 'invalid'; readonly message: string };

/** The bearer token offered as a WebSocket subprotocol, on a WebSocket upgrade request. */
export function webSocketBearerToken(headers: HeaderBag): WebSocketToken {
  if (!isWebSocketRequest(headers)) return { kind: 'none' };
  let token = '';
  let sawToken = false;
  const protocols: string[] = [];
  for (const header of headerValues(headers, 'sec-websocket-protocol')) {
    for (const raw of header.split(',')) {
      const protocol = raw.trim();
      if (!protocol.startsWith(BEARER_PROTOCOL_PREFIX)) {
        protocols.push(protocol);
        continue;
      }
      if (sawToken) return { kind: 'invalid', message: 'multiple base64.bearer.authorization tokens specified' };
      sawToken = true;
      const decoded = decodeRawBase64Url(protocol.slice(BEARER_PROTOCOL_PREFIX.length));
      if (decoded === undefined) return { kind: 'invalid', message: 'invalid base64.bearer.authorization token encoding' };
      const text = decodeUtf8(decoded);
      if (text === undefined) return { kind: 'invalid', message: 'invalid base64.bearer.authorization token' };
      token = text;
    }
  }
  // at least one other subprotocol must remain, to echo back once the token one is removed
  if (token !== '' && protocols.length === 0) return { kind: 'invalid', message: 'missing additional subprotocol' };
  if (token === '') return { kind: 'none' };
  return { kind: 'token', token, protocols };
}

/** The offered subprotocols without the token one: what a WebSocket server may choose from. */
export function withoutBearerProtocols(protocols: Iterable<string>): string[] {
  return [...protocols].filter((p) => !p.startsWith(BEARER_PROTOCOL_PREFIX));
}

/** The subprotocol entry carrying `token` (what a client sends). */
export function bearerProtocol(token: string): string {
  return BEARER_PROTOCOL_PREFIX + Buffer.from(token, 'utf8').toString('base64url');
}

/** Go base64.RawURLEncoding: URL alphabet, no padding. */
function decodeRawBase64Url(s: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return undefined;
  return Buffer.from(s, 'base64url');
}

function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
