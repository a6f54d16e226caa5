/**
 * The apply package's error catalog. Codes are stable strings; the HTTP layer maps each one to the
 * Kubernetes Status it sends (all of them are 400 Bad Request except INVALID_OBJECT and
 * INVALID_MANAGED_FIELDS on a stored object, which are server-side problems: 500). Apply
 * conflicts are not errors here: `apply` returns them as a result, and `conflictStatus` builds the
 * 409 Status.
 */
export const ApplyErrorCode = {
  /** A fieldsV1 document is not a field set ("error decoding set: ..."). */
  INVALID_FIELDS_V1: 'APPLY_INVALID_FIELDS_V1',
  /** A path element string (`f:`, `k:`, `v:`, `i:`) cannot be parsed. */
  INVALID_PATH_ELEMENT: 'APPLY_INVALID_PATH_ELEMENT',
  /** metadata.managedFields cannot be decoded ("operation must be `Apply` or `Update`", ...). */
  INVALID_MANAGED_FIELDS: 'APPLY_INVALID_MANAGED_FIELDS',
  /** The apply configuration sets metadata.managedFields ("metadata.managedFields must be nil"). */
  MANAGED_FIELDS_IN_CONFIG: 'APPLY_MANAGED_FIELDS_IN_CONFIG',
  /** The apply configuration's apiVersion is not the version served ("Incorrect version specified in apply patch..."). */
  VERSION_MISMATCH: 'APPLY_VERSION_MISMATCH',
  /** The apply configuration does not fit the schema: undeclared field, duplicate or incomplete list key, bad list element. */
  INVALID_CONFIG: 'APPLY_INVALID_CONFIG',
  /** The live or updated object does not fit the schema: incomplete list key or bad list element. */
  INVALID_OBJECT: 'APPLY_INVALID_OBJECT',
} as const;

export type ApplyErrorCode = (typeof ApplyErrorCode)[keyof typeof ApplyErrorCode];

export class ApplyError extends Error {
  readonly code: ApplyErrorCode;
  constructor(code: ApplyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApplyError';
    this.code = code;
  }
}
