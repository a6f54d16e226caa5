/**
 * A revision names one change in the store: `main` is the store revision of the transaction (one
 * per write transaction, the number clients see), `sub` orders the changes within it.
 */
export interface Revision {
  readonly main: number;
  readonly sub: number;
}

export const ZERO_REVISION: Revision = Object.freeze({ main: 0, sub: 0 });

export function compareRevisions(a: Revision, b: Revision): number {
  return a.main !== b.main ? a.main - b.main : a.sub - b.sub;
}

export function revisionLess(a: Revision, b: Revision): boolean {
  return compareRevisions(a, b) < 0;
}

/** 16 bytes, big-endian main then sub, so that byte order is revision order (the backend's key). */
export const REVISION_BYTES = 16;

export function encodeRevision(rev: Revision, out = new Uint8Array(REVISION_BYTES)): Uint8Array {
  const view = new DataView(out.buffer, out.byteOffset, REVISION_BYTES);
  view.setBigUint64(0, BigInt(rev.main));
  view.setBigUint64(8, BigInt(rev.sub));
  return out;
}

export function decodeRevision(bytes: Uint8Array): Revision {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { main: Number(view.getBigUint64(0)), sub: Number(view.getBigUint64(8)) };
}
