/**
 * Test helpers for the patch package (imported by *.test.ts only).
 */
import { PatchError, type PatchErrorCode } from './errors.js';

/** Freezes a value and everything under it, so a test fails if code under test mutates its input. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}

/** Runs `fn`, expects a PatchError with `code`, and returns it for further checks. */
export function expectPatchError(fn: () => unknown, code: PatchErrorCode): PatchError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  if (!(caught instanceof PatchError)) {
    throw new Error(`expected a PatchError ${code}, got ${caught === undefined ? 'no error' : String(caught)}`);
  }
  if (caught.code !== code) throw new Error(`expected PatchError ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}

/** Every key starting with `$` anywhere under `value`, with its path. */
export function directiveKeys(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => directiveKeys(v, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [
    ...(k.startsWith('$') ? [`${path}.${k}`] : []),
    ...directiveKeys(v, `${path}.${k}`),
  ]);
}
