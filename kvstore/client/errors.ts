import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';

/**
 * The client's error catalog. Every error a KetchClient method rejects with is a KetchClientError
 * whose `code` is one of these stable strings; callers and tests match on the code, never on text.
 *
 * One rule matters most to callers that record histories (the Jepsen-style suite): UNKNOWN_OUTCOME
 * is the only indeterminate code. A write that fails with it may or may not have been applied (it
 * was sent, and no answer says which). Every other code means the request did not take effect.
 *
 * Errors the server sent keep etcd's exact message (`message`, `etcdMessage`) and gRPC status
 * (`grpcCode`), so they print as etcdctl prints them.
 */
export const ClientErrorCode = {
  // --- outcome of a request, decided by the client ---
  /** A write was sent and no answer says whether it was applied (connection lost, timed out, ...). */
  UNKNOWN_OUTCOME: 'UNKNOWN_OUTCOME',
  /** The server refused the request for a reason with no more specific code; it did not take effect. */
  FAILED: 'FAILED',
  /** No endpoint could be reached; the request was not sent. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** A read (or a request that was never sent) got no answer within requestTimeoutMs. */
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
  /** The caller aborted the request (AbortSignal) before it was sent, or a read while in flight. */
  CANCELLED: 'CANCELLED',
  /** The client was closed. */
  CLOSED: 'CLOSED',
  /** Bad input, caught before sending (unknown endpoint, negative revision, ...). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',

  // --- etcd's errors (rpctypes), as the server sent them ---
  KEY_NOT_PROVIDED: 'KEY_NOT_PROVIDED',
  KEY_NOT_FOUND: 'KEY_NOT_FOUND',
  VALUE_PROVIDED: 'VALUE_PROVIDED',
  LEASE_PROVIDED: 'LEASE_PROVIDED',
  TOO_MANY_OPS: 'TOO_MANY_OPS',
  DUPLICATE_KEY: 'DUPLICATE_KEY',
  INVALID_SORT_OPTION: 'INVALID_SORT_OPTION',
  REQUEST_TOO_LARGE: 'REQUEST_TOO_LARGE',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  COMPACTED: 'COMPACTED',
  FUTURE_REVISION: 'FUTURE_REVISION',
  NO_SPACE: 'NO_SPACE',
  LEASE_NOT_FOUND: 'LEASE_NOT_FOUND',
  LEASE_EXISTS: 'LEASE_EXISTS',
  LEASE_TTL_TOO_LARGE: 'LEASE_TTL_TOO_LARGE',
  MEMBER_EXISTS: 'MEMBER_EXISTS',
  PEER_URL_EXISTS: 'PEER_URL_EXISTS',
  MEMBER_NOT_ENOUGH_STARTED: 'MEMBER_NOT_ENOUGH_STARTED',
  MEMBER_BAD_URLS: 'MEMBER_BAD_URLS',
  MEMBER_NOT_FOUND: 'MEMBER_NOT_FOUND',
  MEMBER_NOT_LEARNER: 'MEMBER_NOT_LEARNER',
  LEARNER_NOT_READY: 'LEARNER_NOT_READY',
  TOO_MANY_LEARNERS: 'TOO_MANY_LEARNERS',
  NOT_LEADER: 'NOT_LEADER',
  BAD_LEADER_TRANSFEREE: 'BAD_LEADER_TRANSFEREE',
  NO_LEADER: 'NO_LEADER',
  LEADER_CHANGED: 'LEADER_CHANGED',
  NOT_CAPABLE: 'NOT_CAPABLE',
  STOPPED: 'STOPPED',
  TIMEOUT: 'TIMEOUT',
  UNHEALTHY: 'UNHEALTHY',
  CORRUPT: 'CORRUPT',
  NOT_SUPPORTED_FOR_LEARNER: 'NOT_SUPPORTED_FOR_LEARNER',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  INVALID_AUTH_TOKEN: 'INVALID_AUTH_TOKEN',

  // --- streams ---
  /** The server canceled a watch for a reason other than compaction (cancel_reason says why). */
  WATCH_CANCELED: 'WATCH_CANCELED',
  /** A keep-alive lost its lease: the server answered TTL 0, or no renewal arrived before expiry. */
  LEASE_EXPIRED: 'LEASE_EXPIRED',
} as const;

export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

type C = ClientErrorCode;

/** What the server's error means for a write that was sent. */
type Outcome = 'definite' | 'indeterminate';

interface EtcdWireError {
  readonly code: C;
  readonly grpcCode: GrpcStatus;
  readonly outcome: Outcome;
  /** A request that got this answer may be sent again to another member (it was not applied). */
  readonly retryElsewhere?: boolean;
}

/**
 * etcd's errors by exact message (api/v3rpc/rpctypes). `indeterminate`: the request may have been
 * proposed and still commit (etcd's timeouts, a leader change while waiting, a stopping server).
 */
const ETCD_ERRORS: ReadonlyMap<string, EtcdWireError> = new Map<string, EtcdWireError>([
  ['etcdserver: key is not provided', { code: 'KEY_NOT_PROVIDED', grpcCode: GrpcStatus.INVALID_ARGUMENT, outcome: 'definite' }],
  ['etcdserver: key not found', { code: 'KEY_NOT_FOUND', grpcCode: GrpcStatus.INVALID_ARGUMENT, outcome: 'definite' }],
  ['etcdserver: value is provided', { code: 'VALUE_PROVIDED', grpcCode: GrpcStatus.INVALID_ARGUMENT, outcome: 'definite' }],
  ['etcdserver: lease is provided', { code: 'LEASE_PROVIDED', grpcCode: GrpcStatus.INVALID_ARGUMENT, outcome: 'definite' }],
  ['etcdserver: too many operations in txn request', { code: 'TOO_MANY_OPS', grpcCode: GrpcStatus.INVALID_ARGUMENT, outcome: 'definite' }],
  ['etcdserver: duplicate key given in txn request', { code: 'DUPLICATE_KEY', grpcCode: GrpcStatus.INVALID_ARGUMENT, outcome: 'definite' }],
  ['etcdserver: invalid sort option', { code: 'INVALID_SORT_OPTION', grpcCode: GrpcStatus.INVALID_ARGUMENT, outcome: 'definite' }],
  ['etcdserver: request is too large', { code: 'REQUEST_TOO_LARGE', grpcCode: GrpcStatus.INVALID_ARGUMENT, outcome: 'definite' }],
  ['etcdserver: too many requests', { code: 'TOO_MANY_REQUESTS', grpcCode: GrpcStatus.RESOURCE_EXHAUSTED, outcome: 'definite', retryElsewhere: true }],
  ['etcdserver: mvcc: required revision has been compacted', { code: 'COMPACTED', grpcCode: GrpcStatus.OUT_OF_RANGE, outcome: 'definite' }],
  ['etcdserver: mvcc: required revision is a future revision', { code: 'FUTURE_REVISION', grpcCode: GrpcStatus.OUT_OF_RANGE, outcome: 'definite' }],
  ['etcdserver: mvcc: database space exceeded', { code: 'NO_SPACE', grpcCode: GrpcStatus.RESOURCE_EXHAUSTED, outcome: 'definite' }],
  ['etcdserver: requested lease not found', { code: 'LEASE_NOT_FOUND', grpcCode: GrpcStatus.NOT_FOUND, outcome: 'definite' }],
  ['etcdserver: lease already exists', { code: 'LEASE_EXISTS', grpcCode: GrpcStatus.FAILED_PRECONDITION, outcome: 'definite' }],
  ['etcdserver: too large lease TTL', { code: 'LEASE_TTL_TOO_LARGE', grpcCode: GrpcStatus.OUT_OF_RANGE, outcome: 'definite' }],
  ['etcdserver: member ID already exist', { code: 'MEMBER_EXISTS', grpcCode: GrpcStatus.FAILED_PRECONDITION, outcome: 'definite' }],
  ['etcdserver: Peer URLs already exists', { code: 'PEER_URL_EXISTS', grpcCode: GrpcStatus.FAILED_PRECONDITION, outcome: 'definite' }],
  ['etcdserver: re-configuration failed due to not enough started members', { code: 'MEMBER_NOT_ENOUGH_STARTED', grpcCode: GrpcStatus.FAILED_PRECONDITION, outcome: 'definite' }],
  ['etcdserver: given member URLs are invalid', { code: 'MEMBER_BAD_URLS', grpcCode: GrpcStatus.INVALID_ARGUMENT, outcome: 'definite' }],
  ['etcdserver: member not found', { code: 'MEMBER_NOT_FOUND', grpcCode: GrpcStatus.NOT_FOUND, outcome: 'definite' }],
  ['etcdserver: can only promote a learner member', { code: 'MEMBER_NOT_LEARNER', grpcCode: GrpcStatus.FAILED_PRECONDITION, outcome: 'definite' }],
  ['etcdserver: can only promote a learner member which is in sync with leader', { code: 'LEARNER_NOT_READY', grpcCode: GrpcStatus.FAILED_PRECONDITION, outcome: 'definite' }],
  ['etcdserver: too many learner members in cluster', { code: 'TOO_MANY_LEARNERS', grpcCode: GrpcStatus.FAILED_PRECONDITION, outcome: 'definite' }],
  ['etcdserver: not leader', { code: 'NOT_LEADER', grpcCode: GrpcStatus.FAILED_PRECONDITION, outcome: 'definite', retryElsewhere: true }],
  ['etcdserver: bad leader transferee', { code: 'BAD_LEADER_TRANSFEREE', grpcCode: GrpcStatus.FAILED_PRECONDITION, outcome: 'definite' }],
  // Both etcd and ketch answer "no leader" before proposing: nothing entered the log.
  ['etcdserver: no leader', { code: 'NO_LEADER', grpcCode: GrpcStatus.UNAVAILABLE, outcome: 'definite', retryElsewhere: true }],
  ['etcdserver: leader changed', { code: 'LEADER_CHANGED', grpcCode: GrpcStatus.UNAVAILABLE, outcome: 'indeterminate' }],
  ['etcdserver: not capable', { code: 'NOT_CAPABLE', grpcCode: GrpcStatus.UNAVAILABLE, outcome: 'definite', retryElsewhere: true }],
  ['etcdserver: server stopped', { code: 'STOPPED', grpcCode: GrpcStatus.UNAVAILABLE, outcome: 'indeterminate' }],
  ['etcdserver: request timed out', { code: 'TIMEOUT', grpcCode: GrpcStatus.UNAVAILABLE, outcome: 'indeterminate' }],
  ['etcdserver: request timed out, possibly due to previous leader failure', { code: 'TIMEOUT', grpcCode: GrpcStatus.UNAVAILABLE, outcome: 'indeterminate' }],
  ['etcdserver: request timed out, possibly due to connection lost', { code: 'TIMEOUT', grpcCode: GrpcStatus.UNAVAILABLE, outcome: 'indeterminate' }],
  ['etcdserver: request timed out, leader transfer took too long', { code: 'TIMEOUT', grpcCode: GrpcStatus.UNAVAILABLE, outcome: 'indeterminate' }],
  ['etcdserver: unhealthy cluster', { code: 'UNHEALTHY', grpcCode: GrpcStatus.UNAVAILABLE, outcome: 'definite' }],
  ['etcdserver: corrupt cluster', { code: 'CORRUPT', grpcCode: GrpcStatus.DATA_LOSS, outcome: 'definite' }],
  ['etcdserver: rpc not supported for learner', { code: 'NOT_SUPPORTED_FOR_LEARNER', grpcCode: GrpcStatus.UNAVAILABLE, outcome: 'definite', retryElsewhere: true }],
  ['etcdserver: permission denied', { code: 'PERMISSION_DENIED', grpcCode: GrpcStatus.PERMISSION_DENIED, outcome: 'definite' }],
  ['etcdserver: invalid auth token', { code: 'INVALID_AUTH_TOKEN', grpcCode: GrpcStatus.UNAUTHENTICATED, outcome: 'definite' }],
]);

export interface KetchClientErrorOptions {
  readonly cause?: unknown;
  /** The gRPC status the server (or the transport) gave. */
  readonly grpcCode?: number;
  /** The endpoint (host:port) that answered or failed. */
  readonly endpoint?: string;
  /** For UNKNOWN_OUTCOME: the code of what happened (TIMEOUT, LEADER_CHANGED, CONNECTION_LOST, DEADLINE_EXCEEDED, ...). */
  readonly reason?: string;
  /** For a compacted watch or read: the store's compact revision, when the server said it. */
  readonly compactRevision?: number;
  /** The gRPC status details as received (the message may add context to them). */
  readonly grpcDetails?: string;
}

export class KetchClientError extends Error {
  readonly code: ClientErrorCode;
  readonly grpcCode: number | undefined;
  readonly endpoint: string | undefined;
  readonly reason: string | undefined;
  readonly compactRevision: number | undefined;
  readonly grpcDetails: string | undefined;

  constructor(code: ClientErrorCode, message: string, options: KetchClientErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KetchClientError';
    this.code = code;
    this.grpcCode = options.grpcCode;
    this.endpoint = options.endpoint;
    this.reason = options.reason;
    this.compactRevision = options.compactRevision;
    this.grpcDetails = options.grpcDetails;
  }

  /** Whether the request certainly did not take effect (everything but UNKNOWN_OUTCOME). */
  get definite(): boolean {
    return this.code !== ClientErrorCode.UNKNOWN_OUTCOME;
  }

  /** etcd's message, when the server sent one ("etcdserver: ..."). */
  get etcdMessage(): string | undefined {
    return this.message.startsWith('etcdserver: ') ? this.message : undefined;
  }
}

export function isKetchClientError(err: unknown, code?: ClientErrorCode): err is KetchClientError {
  return err instanceof KetchClientError && (code === undefined || err.code === code);
}

/** How one failed attempt of a request is to be handled by the caller's retry loop. */
export interface AttemptFailure {
  /** The error to surface if no retry follows. */
  readonly error: KetchClientError;
  /** The request certainly did not reach a server (or was refused before it did anything). */
  readonly notApplied: boolean;
  /** Another attempt, on another endpoint, may succeed (the endpoint failed, or is the wrong one). */
  readonly transient: boolean;
  /** The endpoint itself looks down (not just busy): skip it for a while. */
  readonly endpointDown: boolean;
}

/** grpc-js messages for calls that never got a transport stream: nothing was sent. */
function neverSent(e: ServiceError): boolean {
  const d = e.details ?? '';
  if (e.code === GrpcStatus.UNAVAILABLE) return d.startsWith('No connection established') || d.startsWith('Stream refused by server') || d.startsWith('Name resolution failed');
  if (e.code === GrpcStatus.DEADLINE_EXCEEDED) return d.includes('Waiting for LB pick') || (d.startsWith('Deadline exceeded') && !d.includes('remote_addr='));
  if (e.code === GrpcStatus.RESOURCE_EXHAUSTED) return d.startsWith('Sent message larger than max');
  if (e.code === GrpcStatus.CANCELLED) return d.includes('Waiting for LB pick');
  return false;
}

function isServiceError(err: unknown): err is ServiceError {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number' && 'details' in err;
}

/**
 * Classifies one failed gRPC attempt. `mutation`: the request changes state (a blind retry could
 * apply it twice), so an attempt that may have reached the server ends in UNKNOWN_OUTCOME.
 */
export function classifyAttempt(err: unknown, endpoint: string, mutation: boolean): AttemptFailure {
  if (err instanceof KetchClientError) return { error: err, notApplied: err.definite, transient: false, endpointDown: false };
  if (!isServiceError(err)) {
    const error = new KetchClientError(mutation ? 'UNKNOWN_OUTCOME' : 'FAILED', err instanceof Error ? err.message : String(err), { cause: err, endpoint, reason: 'CLIENT_ERROR' });
    return { error, notApplied: !mutation, transient: false, endpointDown: false };
  }
  const details = err.details ?? err.message;
  const known = ETCD_ERRORS.get(details);
  if (known !== undefined) {
    const definite = known.outcome === 'definite' || !mutation;
    const transient = known.retryElsewhere === true || (!mutation && err.code === GrpcStatus.UNAVAILABLE);
    const error = definite
      ? new KetchClientError(known.code, details, { cause: err, grpcCode: err.code, grpcDetails: details, endpoint })
      : new KetchClientError('UNKNOWN_OUTCOME', details, { cause: err, grpcCode: err.code, grpcDetails: details, endpoint, reason: known.code });
    return { error, notApplied: definite, transient, endpointDown: false };
  }
  if (neverSent(err)) {
    const error = new KetchClientError('UNAVAILABLE', `${endpoint}: ${details}`, { cause: err, grpcCode: err.code, grpcDetails: details, endpoint });
    return { error, notApplied: true, transient: true, endpointDown: err.code !== GrpcStatus.RESOURCE_EXHAUSTED };
  }
  switch (err.code) {
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.NOT_FOUND:
    case GrpcStatus.ALREADY_EXISTS:
    case GrpcStatus.FAILED_PRECONDITION:
    case GrpcStatus.OUT_OF_RANGE:
    case GrpcStatus.PERMISSION_DENIED:
    case GrpcStatus.UNAUTHENTICATED:
    case GrpcStatus.UNIMPLEMENTED:
      // The server looked at the request and refused it.
      return { error: new KetchClientError('FAILED', details, { cause: err, grpcCode: err.code, grpcDetails: details, endpoint }), notApplied: true, transient: false, endpointDown: false };
    default: {
      // UNAVAILABLE (connection lost), DEADLINE_EXCEEDED, CANCELLED, INTERNAL, UNKNOWN, ...: the
      // request may have reached the server.
      const reason = err.code === GrpcStatus.DEADLINE_EXCEEDED ? 'DEADLINE_EXCEEDED' : err.code === GrpcStatus.CANCELLED ? 'CANCELLED' : 'CONNECTION_LOST';
      const transportFailure = err.code === GrpcStatus.UNAVAILABLE || err.code === GrpcStatus.INTERNAL;
      if (mutation) {
        const error = new KetchClientError('UNKNOWN_OUTCOME', `${endpoint}: ${details}`, { cause: err, grpcCode: err.code, grpcDetails: details, endpoint, reason });
        return { error, notApplied: false, transient: false, endpointDown: transportFailure };
      }
      const code: C = err.code === GrpcStatus.DEADLINE_EXCEEDED ? 'DEADLINE_EXCEEDED' : err.code === GrpcStatus.CANCELLED ? 'CANCELLED' : transportFailure ? 'UNAVAILABLE' : 'FAILED';
      const error = new KetchClientError(code, `${endpoint}: ${details}`, { cause: err, grpcCode: err.code, grpcDetails: details, endpoint, reason });
      return { error, notApplied: true, transient: transportFailure || err.code === GrpcStatus.DEADLINE_EXCEEDED, endpointDown: transportFailure };
    }
  }
}

/** An etcd error by message, for errors the client recognises outside a gRPC status (watch cancel reasons). */
export function etcdError(message: string, options: KetchClientErrorOptions = {}): KetchClientError | undefined {
  const known = ETCD_ERRORS.get(message);
  return known === undefined ? undefined : new KetchClientError(known.code, message, { grpcCode: known.grpcCode, ...options });
}

/** The message etcd's client gives when a request's context expires. */
export const DEADLINE_MESSAGE = 'context deadline exceeded';
