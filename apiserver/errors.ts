/**
 * The API server's error catalog. Every failure a client sees is a Kubernetes `Status` object
 * (kind Status, status Failure) with the reason and HTTP code kube-apiserver uses, so client
 * libraries classify it the same way (IsNotFound, IsConflict, IsResourceExpired, ...).
 */

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: readonly StatusCause[];
  readonly retryAfterSeconds?: number;
}

/** The wire form of a failure. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: StatusReason | '';
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StatusError';
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details !== undefined) s.details = this.details;
    return s;
  }
}

export function isStatusError(err: unknown): err is StatusError {
  return err instanceof StatusError;
}

/** A group-qualified resource as Kubernetes prints it in messages: `pods`, `deployments.apps`. */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

export function qualified(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

function resourceDetails(gr: GroupResource, name: string): StatusDetails {
  return gr.group === '' ? { name, kind: gr.resource } : { name, group: gr.group, kind: gr.resource };
}

export const errors = {
  badRequest: (message: string): StatusError => new StatusError(400, 'BadRequest', message),
  unauthorized: (message = 'Unauthorized'): StatusError => new StatusError(401, 'Unauthorized', message),
  forbidden: (gr: GroupResource, name: string, reason: string, causes?: readonly StatusCause[]): StatusError => {
    const subject = name === '' ? qualified(gr) : `${qualified(gr)} "${name}"`;
    return new StatusError(403, 'Forbidden', `${subject} is forbidden: ${reason}`, { ...resourceDetails(gr, name), ...(causes !== undefined ? { causes } : {}) });
  },
  notFound: (gr: GroupResource, name: string): StatusError => new StatusError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, resourceDetails(gr, name)),
  /** A path the server does not serve at all. */
  noRoute: (): StatusError => new StatusError(404, 'NotFound', 'the server could not find the requested resource', {}),
  methodNotAllowed: (): StatusError => new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}),
  notAcceptable: (accepted: readonly string[]): StatusError =>
    new StatusError(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`),
  alreadyExists: (gr: GroupResource, name: string): StatusError =>
    new StatusError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, resourceDetails(gr, name)),
  conflict: (gr: GroupResource, name: string, why: string, causes?: readonly StatusCause[]): StatusError =>
    new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, {
      ...resourceDetails(gr, name),
      ...(causes !== undefined ? { causes } : {}),
    }),
  /** 409 with a message of its own (server-side apply conflicts). */
  conflictMessage: (gr: GroupResource, name: string, message: string, causes: readonly StatusCause[]): StatusError =>
    new StatusError(409, 'Conflict', message, { ...resourceDetails(gr, name), causes }),
  modified: (gr: GroupResource, name: string): StatusError =>
    errors.conflict(gr, name, 'the object has been modified; please apply your changes to the latest version and try again'),
  gone: (message: string): StatusError => new StatusError(410, 'Gone', message),
  expired: (message: string): StatusError => new StatusError(410, 'Expired', message),
  tooLarge: (limitBytes: number): StatusError => new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limitBytes}`),
  unsupportedMediaType: (contentType: string, accepted: readonly string[]): StatusError =>
    new StatusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      { causes: [{ reason: 'UnexpectedServerResponse', message: contentType }] },
    ),
  invalid: (kind: string, group: string, name: string, causes: readonly { reason: string; field: string; message: string }[]): StatusError => {
    const parts = causes.map((c) => (c.field === '' ? c.message : `${c.field}: ${c.message}`));
    const summary = parts.length === 1 ? (parts[0] ?? '') : `[${parts.join(', ')}]`;
    const details: StatusDetails = { name, ...(group !== '' ? { group } : {}), kind, causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })) };
    return new StatusError(422, 'Invalid', `${kind}${group === '' ? '' : `.${group}`} "${name}" is invalid: ${summary}`, details);
  },
  tooManyRequests: (message: string, retryAfterSeconds: number): StatusError => new StatusError(429, 'TooManyRequests', message, { retryAfterSeconds }),
  internal: (message: string, cause?: unknown): StatusError =>
    new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }, { cause }),
  unavailable: (message: string, cause?: unknown): StatusError => new StatusError(503, 'ServiceUnavailable', message, undefined, { cause }),
  timeout: (message: string, cause?: unknown): StatusError => new StatusError(504, 'Timeout', message, { retryAfterSeconds: 1 }, { cause }),
} as const;
