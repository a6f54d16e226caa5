/**
 * The patch package's error catalog. Codes are stable strings; PATCH_WIRE_ERRORS says which HTTP
 * status and Status reason kube-apiserver answers for the same failure, so apiserver/http can turn
 * a PatchError into the Status object kubectl and client libraries expect.
 */
export const PatchErrorCode = {
  /** The JSON patch body is not an array of objects (kube: 400 from jsonpatch.DecodePatch). */
  JSON_PATCH_MALFORMED: 'PATCH_JSON_PATCH_MALFORMED',
  /** More operations than the server allows (kube: 10000). */
  JSON_PATCH_TOO_MANY_OPERATIONS: 'PATCH_JSON_PATCH_TOO_MANY_OPERATIONS',
  /** An operation has an unknown `op`, or lacks `path`, `from` or `value`, or moves a value into itself. */
  JSON_PATCH_INVALID_OPERATION: 'PATCH_JSON_PATCH_INVALID_OPERATION',
  /** A `path` or `from` is not a JSON pointer (RFC 6901). */
  JSON_PATCH_INVALID_POINTER: 'PATCH_JSON_PATCH_INVALID_POINTER',
  /** The location an operation needs does not exist in the document. */
  JSON_PATCH_PATH_NOT_FOUND: 'PATCH_JSON_PATCH_PATH_NOT_FOUND',
  /** An array index is malformed or out of range. */
  JSON_PATCH_INVALID_INDEX: 'PATCH_JSON_PATCH_INVALID_INDEX',
  /** A `test` operation did not match. */
  JSON_PATCH_TEST_FAILED: 'PATCH_JSON_PATCH_TEST_FAILED',
  /** A merge patch body that is null or a scalar ("Invalid JSON Patch"). */
  MERGE_PATCH_INVALID: 'PATCH_MERGE_PATCH_INVALID',
  /** A strategic merge patch body that is not a JSON object. */
  SMP_INVALID_DOCUMENT: 'PATCH_SMP_INVALID_DOCUMENT',
  /** `$patch` has a value other than replace/delete ("unknown patch type: …"). */
  SMP_BAD_PATCH_TYPE: 'PATCH_SMP_BAD_PATCH_TYPE',
  /** `$patch: merge` on a list element ("merging lists cannot yet be specified in the patch"). */
  SMP_MERGE_DIRECTIVE_IN_LIST: 'PATCH_SMP_MERGE_DIRECTIVE_IN_LIST',
  /** An element of a merged list lacks the merge key ("map: … does not contain declared merge key: …"). */
  SMP_NO_MERGE_KEY: 'PATCH_SMP_NO_MERGE_KEY',
  /** A `$deleteFromPrimitiveList/…` directive is malformed ("invalid patch format of primitive list"). */
  SMP_BAD_PRIMITIVE_LIST: 'PATCH_SMP_BAD_PRIMITIVE_LIST',
  /** A `$retainKeys` directive is malformed or omits a key the patch sets ("invalid patch format of retainKeys"). */
  SMP_BAD_RETAIN_KEYS: 'PATCH_SMP_BAD_RETAIN_KEYS',
  /** A `$setElementOrder/…` directive is malformed ("invalid patch format of setElementOrder list"). */
  SMP_BAD_SET_ELEMENT_ORDER: 'PATCH_SMP_BAD_SET_ELEMENT_ORDER',
  /** The patch list's order contradicts its `$setElementOrder` list ("the order in patch list: … doesn't match …"). */
  SMP_SET_ELEMENT_ORDER_MISMATCH: 'PATCH_SMP_SET_ELEMENT_ORDER_MISMATCH',
  /** A merged list holds lists ("lists of lists are not supported"). */
  SMP_LIST_OF_LISTS: 'PATCH_SMP_LIST_OF_LISTS',
  /** A merged list mixes element types ("list element types are not identical: …"). */
  SMP_MIXED_LIST_TYPES: 'PATCH_SMP_MIXED_LIST_TYPES',
  /** The schema says merge for a list of objects but names no merge key (a schema bug). */
  SMP_MERGE_KEY_NOT_DECLARED: 'PATCH_SMP_MERGE_KEY_NOT_DECLARED',
  /** The schema's x-kubernetes-patch-strategy is not understood (a schema bug). */
  SMP_BAD_PATCH_STRATEGY: 'PATCH_SMP_BAD_PATCH_STRATEGY',
} as const;

export type PatchErrorCode = (typeof PatchErrorCode)[keyof typeof PatchErrorCode];

/** What kube-apiserver sends for an error: the HTTP status, the Status reason and, when it replaces the error text, the message. */
export interface KubeWireError {
  readonly httpStatus: number;
  /** metav1.StatusReason; '' is StatusReasonUnknown (kube's answer to a plain Go error). */
  readonly reason: string;
  /** Set when kube-apiserver discards the error text and sends this fixed message instead. */
  readonly message?: string;
}

/** kube-apiserver's NewGenericServerResponse(422) message: the detail of the failure is not sent. */
const GENERIC_422 = 'the server rejected our request due to an error in our request';

const BAD_REQUEST: KubeWireError = { httpStatus: 400, reason: 'BadRequest' };
const INVALID_422: KubeWireError = { httpStatus: 422, reason: 'Invalid', message: GENERIC_422 };
/** A plain Go error out of strategicpatch reaches the client as 500 with reason '' and the error text. */
const PLAIN_500: KubeWireError = { httpStatus: 500, reason: '' };

export const PATCH_WIRE_ERRORS: Readonly<Record<PatchErrorCode, KubeWireError>> = {
  [PatchErrorCode.JSON_PATCH_MALFORMED]: BAD_REQUEST,
  [PatchErrorCode.JSON_PATCH_TOO_MANY_OPERATIONS]: { httpStatus: 413, reason: 'RequestEntityTooLarge' },
  [PatchErrorCode.JSON_PATCH_INVALID_OPERATION]: INVALID_422,
  [PatchErrorCode.JSON_PATCH_INVALID_POINTER]: INVALID_422,
  [PatchErrorCode.JSON_PATCH_PATH_NOT_FOUND]: INVALID_422,
  [PatchErrorCode.JSON_PATCH_INVALID_INDEX]: INVALID_422,
  [PatchErrorCode.JSON_PATCH_TEST_FAILED]: INVALID_422,
  [PatchErrorCode.MERGE_PATCH_INVALID]: BAD_REQUEST,
  [PatchErrorCode.SMP_INVALID_DOCUMENT]: BAD_REQUEST,
  [PatchErrorCode.SMP_BAD_PATCH_TYPE]: PLAIN_500,
  [PatchErrorCode.SMP_MERGE_DIRECTIVE_IN_LIST]: PLAIN_500,
  [PatchErrorCode.SMP_NO_MERGE_KEY]: PLAIN_500,
  [PatchErrorCode.SMP_BAD_PRIMITIVE_LIST]: BAD_REQUEST,
  [PatchErrorCode.SMP_BAD_RETAIN_KEYS]: BAD_REQUEST,
  [PatchErrorCode.SMP_BAD_SET_ELEMENT_ORDER]: BAD_REQUEST,
  [PatchErrorCode.SMP_SET_ELEMENT_ORDER_MISMATCH]: PLAIN_500,
  [PatchErrorCode.SMP_LIST_OF_LISTS]: INVALID_422,
  [PatchErrorCode.SMP_MIXED_LIST_TYPES]: PLAIN_500,
  [PatchErrorCode.SMP_MERGE_KEY_NOT_DECLARED]: PLAIN_500,
  [PatchErrorCode.SMP_BAD_PATCH_STRATEGY]: PLAIN_500,
};

export class PatchError extends Error {
  readonly code: PatchErrorCode;
  constructor(code: PatchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PatchError';
    this.code = code;
  }

  /** The HTTP status, reason and message kube-apiserver would send for this error. */
  get wire(): KubeWireError & { readonly message: string } {
    const spec = PATCH_WIRE_ERRORS[this.code];
    return { ...spec, message: spec.message ?? this.message };
  }
}
