/**
 * The peer transport's error catalog. Codes are stable strings: callers and tests match on `code`,
 * never on message text. A code is never reused for a different meaning. Handshake refusals travel
 * on the wire in an error frame carrying the same code, so both sides log the same one.
 */
export const TransportErrorCode = {
  /** A listen URL's port is taken ("listen tcp 127.0.0.1:2380: bind: address already in use"). */
  ADDR_IN_USE: 'TRANSPORT_ADDR_IN_USE',
  /** Listening on a URL failed for another reason (address not available, permission denied, ...). */
  LISTEN_FAILED: 'TRANSPORT_LISTEN_FAILED',
  /** A peer or listen URL is not `http://host:port`. */
  INVALID_URL: 'TRANSPORT_INVALID_URL',
  /** A transport option is out of range. */
  INVALID_OPTIONS: 'TRANSPORT_INVALID_OPTIONS',
  /** A frame's length prefix exceeds maxFrameBytes. */
  FRAME_TOO_LARGE: 'TRANSPORT_FRAME_TOO_LARGE',
  /** A frame that cannot be decoded, has an unknown kind, or arrives when the protocol does not allow it. */
  MALFORMED_FRAME: 'TRANSPORT_MALFORMED_FRAME',
  /** The other side speaks another protocol, or another version of this one. */
  PROTOCOL_MISMATCH: 'TRANSPORT_PROTOCOL_MISMATCH',
  /** The dialer belongs to another cluster. */
  CLUSTER_ID_MISMATCH: 'TRANSPORT_CLUSTER_ID_MISMATCH',
  /** The connection was meant for another member (the URL points at the wrong member). */
  MEMBER_ID_MISMATCH: 'TRANSPORT_MEMBER_ID_MISMATCH',
  /** Dialing, the handshake, or a snapshot transfer took too long. */
  TIMEOUT: 'TRANSPORT_TIMEOUT',
  /** The connection failed or was closed by the other side. */
  CONNECTION_CLOSED: 'TRANSPORT_CONNECTION_CLOSED',
  /** A received snapshot's size or checksum does not match what the sender announced. */
  SNAPSHOT_CORRUPT: 'TRANSPORT_SNAPSHOT_CORRUPT',
  /** A snapshot larger than the receiver's maxSnapshotBytes was announced. */
  SNAPSHOT_TOO_LARGE: 'TRANSPORT_SNAPSHOT_TOO_LARGE',
  /** The receiver could not install the snapshot (its onSnapshot handler failed). */
  SNAPSHOT_REJECTED: 'TRANSPORT_SNAPSHOT_REJECTED',
  /** A snapshot was addressed to a member the transport does not know. */
  UNKNOWN_PEER: 'TRANSPORT_UNKNOWN_PEER',
  /** The transport was stopped while the operation was under way. */
  STOPPED: 'TRANSPORT_STOPPED',
} as const;

export type TransportErrorCode = (typeof TransportErrorCode)[keyof typeof TransportErrorCode];

const CODES: ReadonlySet<string> = new Set(Object.values(TransportErrorCode));

/** True when `code` (for example one read from a peer's error frame) is in the catalog. */
export function isTransportErrorCode(code: unknown): code is TransportErrorCode {
  return typeof code === 'string' && CODES.has(code);
}

export class TransportError extends Error {
  readonly code: TransportErrorCode;
  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransportError';
    this.code = code;
  }
}

/** Wraps a socket-level failure (ECONNREFUSED, EPIPE, ...) unless it already is a TransportError. */
export function asTransportError(err: unknown, what: string): TransportError {
  if (err instanceof TransportError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new TransportError(TransportErrorCode.CONNECTION_CLOSED, `${what}: ${detail}`, { cause: err });
}
