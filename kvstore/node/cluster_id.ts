import { createHash } from 'node:crypto';
import { StoreError, StoreErrorCode } from './errors.js';

/** One entry of --initial-cluster: a member name and its peer URLs. */
export interface InitialMember {
  readonly name: string;
  readonly peerUrls: string[];
}

/**
 * Parses etcd's --initial-cluster syntax: `name1=url1,name2=url2,name1=url3` (a name may appear
 * several times for several URLs).
 */
export function parseInitialCluster(spec: string): InitialMember[] {
  const byName = new Map<string, string[]>();
  for (const part of spec.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) {
      throw new StoreError(StoreErrorCode.BAD_CONFIG, `--initial-cluster: "${part}" is not of the form name=url`);
    }
    const name = part.slice(0, eq);
    const url = part.slice(eq + 1);
    try {
      new URL(url);
    } catch {
      throw new StoreError(StoreErrorCode.BAD_CONFIG, `--initial-cluster: "${url}" (member ${name}) is not a valid URL`);
    }
    const urls = byName.get(name) ?? [];
    urls.push(url);
    byName.set(name, urls);
  }
  if (byName.size === 0) throw new StoreError(StoreErrorCode.BAD_CONFIG, '--initial-cluster is empty');
  return [...byName].map(([name, peerUrls]) => ({ name, peerUrls: peerUrls.sort() }));
}

/**
 * A member's id: derived from its peer URLs and the cluster token, as etcd derives it, so every
 * member computes the same ids from the same flags. Truncated to 52 bits to stay exact in a
 * JavaScript number (etcd's are 64-bit; clients only ever see them as opaque hex).
 */
export function computeMemberId(peerUrls: readonly string[], clusterToken: string, salt = ''): number {
  const h = createHash('sha1').update([...peerUrls].sort().join('')).update(clusterToken).update(salt).digest();
  const id = Number(h.readBigUInt64BE(0) >> 12n);
  return id === 0 ? 1 : id;
}

/** The cluster id: derived from the sorted ids of the initial members. */
export function computeClusterId(memberIds: readonly number[]): number {
  const h = createHash('sha1');
  for (const id of [...memberIds].sort((a, b) => a - b)) h.update(id.toString(16).padStart(16, '0'));
  const id = Number(h.digest().readBigUInt64BE(0) >> 12n);
  return id === 0 ? 1 : id;
}

/** How etcd prints ids: lowercase hex without leading zeros. */
export function idHex(id: number): string {
  return id.toString(16);
}
