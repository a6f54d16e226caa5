/**
 * Peer URLs. ketch follows etcd's flag values (`--listen-peer-urls http://127.0.0.1:2380`); the
 * scheme `http` means plain TCP carrying the ketch peer protocol, not HTTP. TLS is not supported yet.
 */
import { TransportError, TransportErrorCode } from './transport_errors.js';

export interface PeerAddress {
  /** The URL as configured, for logs. */
  readonly url: string;
  /** Host name or IP address, without IPv6 brackets. */
  readonly host: string;
  readonly port: number;
}

const HOST_PORT = /^http:\/\/(\[[0-9a-fA-F:.]+\]|[^/:@[\]?#\s]+):(\d{1,5})\/?$/i;

export function parsePeerUrl(url: string): PeerAddress {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'https') {
    throw new TransportError(TransportErrorCode.INVALID_URL, `peer URL ${url}: TLS (https) peer URLs are not supported yet; use http`);
  }
  if (scheme !== undefined && scheme !== 'http') {
    throw new TransportError(TransportErrorCode.INVALID_URL, `peer URL ${url}: scheme must be http, not ${scheme}`);
  }
  const match = HOST_PORT.exec(url);
  const port = Number(match?.[2]);
  if (match?.[1] === undefined || !(port <= 65535)) {
    throw new TransportError(TransportErrorCode.INVALID_URL, `invalid peer URL ${JSON.stringify(url)}: expected http://host:port`);
  }
  return { url, host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
}

/** "host:port", with brackets around an IPv6 host (Go's net.JoinHostPort). */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
