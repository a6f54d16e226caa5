import { AuthError, AuthErrorCode } from './errors.js';
import { fieldSelectorExactMatch, isValidFieldSelector } from './field_selector_match.js';

/**
 * What a request asks for, as Kubernetes' RequestInfo (k8s.io/apiserver/pkg/endpoints/request):
 * the input of authorization, audit and the long-running-request check.
 *
 * Resource paths:
 *   /api/{version}/{resource}[/{name}[/{subresource}[/...]]]
 *   /api/{version}/namespaces/{namespace}/{resource}[/{name}[/{subresource}[/...]]]
 *   /apis/{group}/{version}/... (the same shapes)
 *   /api/{version}/namespaces/{name}[/status|/finalize] (a namespace and its subresources)
 *   /api/{version}/watch/... and /api/{version}/proxy/... (legacy verbs in the path)
 * Everything else (/healthz, /version, /openapi/v3, /api, /apis, /apis/{group}/{version}) is a
 * non-resource request whose verb is the lower-case HTTP method.
 */
export interface RequestInfo {
  readonly isResourceRequest: boolean;
  /** The URL path, percent-decoded (Go's URL.Path). */
  readonly path: string;
  /**
   * Resource requests: get, list, watch, create, update, patch, delete, deletecollection, proxy, or
   * '' for an unknown HTTP method. Non-resource requests: the lower-case HTTP method.
   */
  readonly verb: string;
  /** 'api' or 'apis' ('' when the path has no API prefix). */
  readonly apiPrefix: string;
  /** '' for the core group. */
  readonly apiGroup: string;
  readonly apiVersion: string;
  /** '' for cluster-scoped requests and requests across all namespaces. */
  readonly namespace: string;
  readonly resource: string;
  readonly subresource: string;
  /** From the path, or from `fieldSelector=metadata.name=...` on a list or watch. */
  readonly name: string;
  /** The path parts from the resource on: [resource, name, subresource, ...]. */
  readonly parts: readonly string[];
  /** The raw fieldSelector of a list, watch or deletecollection (not of legacy /watch/ paths). */
  readonly fieldSelector: string;
  /** The raw labelSelector of a list, watch or deletecollection (not of legacy /watch/ paths). */
  readonly labelSelector: string;
}

const API_PREFIXES = new Set(['api', 'apis']);
const GROUPLESS_API_PREFIXES = new Set(['api']);
/** Path segments that name a verb ("/api/v1/watch/pods"). */
const SPECIAL_VERBS = new Set(['proxy', 'watch']);
/** Special verbs whose requests have no subresource. */
const SPECIAL_VERBS_NO_SUBRESOURCES = new Set(['proxy']);
/** Subresources of a namespace, told apart from namespaced resources. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const VERBS_WITH_SELECTORS = new Set(['list', 'watch', 'deletecollection']);
/** List options that, when malformed, make Kubernetes ignore the name in the field selector. */
const INTEGER_LIST_OPTIONS = ['limit', 'timeoutSeconds'] as const;

const METHOD_VERBS: Readonly<Record<string, string>> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/**
 * The RequestInfo of a request.
 *
 * `path` is the request path as sent (percent-encoded, as in `req.url`); it is decoded like Go's
 * URL.Path before splitting. When `query` is omitted and `path` contains `?`, the query is taken
 * from it. Throws AuthError REQUEST_INFO for a legacy-verb path with nothing after the verb.
 */
export function requestInfo(method: string, path: string, query?: URLSearchParams | string): RequestInfo {
  let rawPath = path;
  let params: URLSearchParams;
  if (query === undefined) {
    const q = path.indexOf('?');
    params = new URLSearchParams(q >= 0 ? path.slice(q + 1) : '');
    if (q >= 0) rawPath = path.slice(0, q);
  } else {
    params = typeof query === 'string' ? new URLSearchParams(query.startsWith('?') ? query.slice(1) : query) : query;
  }
  const decodedPath = decodePath(rawPath);
  const upperMethod = method.toUpperCase();

  const info: Mutable<RequestInfo> = {
    isResourceRequest: false,
    path: decodedPath,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    parts: [],
    fieldSelector: '',
    labelSelector: '',
  };

  let parts = splitPath(decodedPath);
  if (parts.length < 3) return info;
  const prefix = parts[0] ?? '';
  if (!API_PREFIXES.has(prefix)) return info;
  info.apiPrefix = prefix;
  parts = parts.slice(1);

  if (!GROUPLESS_API_PREFIXES.has(prefix)) {
    // the prefix is consumed, so this asks "are there four parts?"
    if (parts.length < 3) return info;
    info.apiGroup = parts[0] ?? '';
    parts = parts.slice(1);
  }

  info.isResourceRequest = true;
  info.apiVersion = parts[0] ?? '';
  parts = parts.slice(1);

  let verbViaPathPrefix = false;
  const first = parts[0] ?? '';
  if (SPECIAL_VERBS.has(first)) {
    if (parts.length < 2) {
      throw new AuthError(
        AuthErrorCode.REQUEST_INFO,
        `unable to determine kind and namespace from url, ${rawPath}${params.toString() === '' ? '' : `?${params.toString()}`}`,
      );
    }
    info.verb = first;
    parts = parts.slice(1);
    verbViaPathPrefix = true;
  } else {
    info.verb = METHOD_VERBS[upperMethod] ?? '';
  }

  // /namespaces/{namespace}/{resource}/...: parts become relative to the resource
  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      info.namespace = parts[1] ?? '';
      const third = parts[2];
      if (third !== undefined && !NAMESPACE_SUBRESOURCES.has(third)) parts = parts.slice(2);
    }
  }

  info.parts = parts;
  // parts: resource/name/subresource/other/stuff/not/interpreted
  if (parts.length >= 3 && !SPECIAL_VERBS_NO_SUBRESOURCES.has(info.verb)) info.subresource = parts[2] ?? '';
  if (parts.length >= 2) info.name = parts[1] ?? '';
  if (parts.length >= 1) info.resource = parts[0] ?? '';

  // no name and a get: a list or a watch
  if (info.name === '' && info.verb === 'get') {
    info.verb = queryBool(params.get('watch')) ? 'watch' : 'list';
    const fieldSelector = params.get('fieldSelector');
    if (fieldSelector !== null && listOptionsDecode(params)) {
      const name = fieldSelectorExactMatch(fieldSelector, 'metadata.name');
      if (name !== undefined && isValidPathSegmentName(name)) info.name = name;
    }
  }
  // no name and a delete: a deletecollection
  if (info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';

  if (!verbViaPathPrefix && VERBS_WITH_SELECTORS.has(info.verb)) {
    info.fieldSelector = params.get('fieldSelector') ?? '';
    info.labelSelector = params.get('labelSelector') ?? '';
  }
  return info;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** A query boolean as Kubernetes converts it: present and not "0" or "false" is true. */
function queryBool(value: string | null): boolean {
  if (value === null) return false;
  const lower = value.toLowerCase();
  return lower !== 'false' && lower !== '0';
}

/**
 * Whether the list options Kubernetes decodes alongside the name parse: a malformed one makes it
 * fall back to a plain list or watch without the field selector's name.
 */
function listOptionsDecode(params: URLSearchParams): boolean {
  for (const option of INTEGER_LIST_OPTIONS) {
    const value = params.get(option);
    if (value !== null && !/^[+-]?\d+$/.test(value)) return false;
  }
  const fieldSelector = params.get('fieldSelector');
  return fieldSelector === null || isValidFieldSelector(fieldSelector);
}

/** path.IsValidPathSegmentName: not "." or "..", no "/" or "%". */
function isValidPathSegmentName(name: string): boolean {
  return name !== '.' && name !== '..' && !name.includes('/') && !name.includes('%');
}
