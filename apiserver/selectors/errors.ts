/**
 * The selectors package's error catalog. Codes are stable strings; SELECTOR_WIRE_ERRORS says which
 * HTTP status and Status reason kube-apiserver answers with when a list or watch request carries
 * the bad selector (the message is the error's own text).
 */
export const SelectorErrorCode = {
  /** A label selector string does not follow the grammar ("unable to parse requirement: found …"). */
  LABEL_SELECTOR_SYNTAX: 'SELECTOR_LABEL_SELECTOR_SYNTAX',
  /** A label requirement is malformed: bad key or value, wrong number of values, unknown operator. */
  LABEL_SELECTOR_INVALID: 'SELECTOR_LABEL_SELECTOR_INVALID',
  /** A field selector string cannot be parsed ("invalid selector: …", "invalid field selector: …"). */
  FIELD_SELECTOR_SYNTAX: 'SELECTOR_FIELD_SELECTOR_SYNTAX',
  /** A field selector names a field the resource cannot be selected by ("field label not supported: …"). */
  FIELD_LABEL_NOT_SUPPORTED: 'SELECTOR_FIELD_LABEL_NOT_SUPPORTED',
} as const;

export type SelectorErrorCode = (typeof SelectorErrorCode)[keyof typeof SelectorErrorCode];

/** What kube-apiserver sends for an error: the HTTP status and the metav1.StatusReason. */
export interface SelectorWireError {
  readonly httpStatus: number;
  readonly reason: string;
}

const BAD_REQUEST: SelectorWireError = { httpStatus: 400, reason: 'BadRequest' };

/**
 * As query parameters (labelSelector, fieldSelector) every selector error is a 400 BadRequest.
 * A label selector inside an object (a Deployment's spec.selector) is reported by validation
 * instead, as a 422 Invalid field error; that is the registry's call.
 */
export const SELECTOR_WIRE_ERRORS: Readonly<Record<SelectorErrorCode, SelectorWireError>> = {
  [SelectorErrorCode.LABEL_SELECTOR_SYNTAX]: BAD_REQUEST,
  [SelectorErrorCode.LABEL_SELECTOR_INVALID]: BAD_REQUEST,
  [SelectorErrorCode.FIELD_SELECTOR_SYNTAX]: BAD_REQUEST,
  [SelectorErrorCode.FIELD_LABEL_NOT_SUPPORTED]: BAD_REQUEST,
};

export class SelectorError extends Error {
  readonly code: SelectorErrorCode;
  constructor(code: SelectorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SelectorError';
    this.code = code;
  }

  get wire(): SelectorWireError & { readonly message: string } {
    return { ...SELECTOR_WIRE_ERRORS[this.code], message: this.message };
  }
}
