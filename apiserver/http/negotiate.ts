import { parse as parseYaml } from 'yaml';
import { errors } from '../errors.js';
import { decodeKubeProtobuf, isProtobufError, KUBE_PROTOBUF_CONTENT_TYPE } from '../protobuf/index.js';
import type { PatchType } from '../registry/rest.js';

/**
 * Content negotiation, as kube-apiserver: responses are JSON (or YAML), optionally transformed into
 * a Table or PartialObjectMetadata by `Accept` parameters (`application/json;as=Table;v=v1;g=meta.k8s.io`).
 * Protobuf is not served: a client that also accepts JSON gets JSON, one that only takes protobuf
 * gets 406. Request bodies are JSON or YAML, and patches are typed by their content type.
 */

export type Transform = 'none' | 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';

export interface Negotiated {
  readonly format: 'json' | 'yaml';
  readonly transform: Transform;
}

interface MediaRange {
  readonly type: string;
  readonly params: Record<string, string>;
}

function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => part.trim())
    .filter((p) => p !== '')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim());
      const p: Record<string, string> = {};
      for (const kv of params) {
        const eq = kv.indexOf('=');
        if (eq > 0) p[kv.slice(0, eq).trim().toLowerCase()] = kv.slice(eq + 1).trim().replace(/^"|"$/g, '');
      }
      return { type: type.toLowerCase(), params: p };
    });
}

export const SERVED_TYPES = ['application/json', 'application/yaml', 'application/json;stream=watch'];

/** Chooses the response form. `listish` says whether the request returns a list (PartialObjectMetadataList). */
export function negotiate(accept: string | undefined, opts: { listish: boolean; tableAllowed: boolean }): Negotiated {
  if (accept === undefined || accept.trim() === '') return { format: 'json', transform: 'none' };
  for (const m of parseAccept(accept)) {
    const format = m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*' || m.type === 'application/json;stream=watch' ? 'json' : m.type === 'application/yaml' ? 'yaml' : undefined;
    if (format === undefined) continue;
    const as = m.params.as;
    if (as === undefined) return { format, transform: 'none' };
    const group = m.params.g;
    const version = m.params.v;
    if (group !== 'meta.k8s.io' || (version !== 'v1' && version !== 'v1beta1')) continue;
    if (as === 'Table' && opts.tableAllowed) return { format, transform: 'Table' };
    if (as === 'PartialObjectMetadata' && !opts.listish) return { format, transform: 'PartialObjectMetadata' };
    if (as === 'PartialObjectMetadataList' && opts.listish) return { format, transform: 'PartialObjectMetadataList' };
    if (as === 'PartialObjectMetadata' && opts.listish) return { format, transform: 'PartialObjectMetadata' };
  }
  throw errors.notAcceptable(SERVED_TYPES);
}

const PATCH_TYPES: Readonly<Record<string, PatchType>> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

export const PATCH_CONTENT_TYPES = Object.keys(PATCH_TYPES).filter((t) => !t.endsWith('cbor'));

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function patchTypeOf(contentType: string | undefined): PatchType {
  const t = PATCH_TYPES[mediaType(contentType)];
  if (t === undefined || t === undefined) throw errors.unsupportedMediaType(mediaType(contentType), PATCH_CONTENT_TYPES);
  return t;
}

/** Decodes a request body as JSON or YAML by its content type; a 400 Status for malformed input. */
export function decodeBody(raw: Buffer | undefined, contentType: string | undefined): unknown {
  if (raw === undefined || raw.length === 0) throw errors.badRequest('the request body is empty');
  const type = mediaType(contentType);
  // kubectl's typed clients send protobuf: decoded into the object its JSON form would be.
  if (type === KUBE_PROTOBUF_CONTENT_TYPE) {
    try {
      return decodeKubeProtobuf(raw).object;
    } catch (err) {
      if (!isProtobufError(err)) throw err;
      if (err.wire.httpStatus === 415) throw errors.unsupportedMediaType(type, ['application/json', 'application/yaml']);
      throw errors.badRequest(err.message);
    }
  }
  if (type === 'application/cbor') throw errors.unsupportedMediaType(type, ['application/json', 'application/yaml', KUBE_PROTOBUF_CONTENT_TYPE]);
  const text = raw.toString('utf8');
  const yamlish = type === 'application/yaml' || type === 'application/apply-patch+yaml' || type === 'application/x-yaml' || type === 'text/yaml';
  if (!yamlish) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw errors.badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
    }
  }
  try {
    const docs = parseYaml(text, { version: '1.1', uniqueKeys: true }) as unknown;
    return docs;
  } catch (err) {
    throw errors.badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
}

export const BODY_TYPES = [
  'application/json',
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'application/vnd.kubernetes.protobuf',
  ...Object.keys(PATCH_TYPES),
];
