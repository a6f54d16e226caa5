import { errors } from '../errors.js';

/**
 * List continue tokens, as kube-apiserver's: base64 of `{"v":"meta.k8s.io/v1","rv":N,"start":K}`,
 * where `start` is the key (relative to the list's prefix) to resume from and `rv` the revision the
 * whole list is read at.
 */

export interface ContinueToken {
  readonly revision: number;
  readonly start: string;
}

export function encodeContinue(revision: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: revision, start })).toString('base64url');
}

export function decodeContinue(token: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw errors.badRequest(`continue key is not valid: ${token}`);
  }
  const p = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (p.v !== 'meta.k8s.io/v1') throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof p.rv !== 'number' || !Number.isSafeInteger(p.rv) || p.rv <= 0) throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof p.start !== 'string' || p.start === '' || p.start.includes('..') || p.start.startsWith('/')) throw errors.badRequest('continue key is not valid: invalid start key');
  return { revision: p.rv, start: p.start };
}
