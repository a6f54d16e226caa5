import { randomInt } from 'node:crypto';
import type { KubeObject, ResourceDecl } from './types.js';

/**
 * Service cluster IPs, as kube-apiserver's allocator: a Service (other than ExternalName and
 * headless ones) gets an address from the service range (10.96.0.0/12) when it asks for none,
 * and keeps the one it asks for when that is free. Each address in use is a claim key in the store,
 * written and removed in the same transaction as the Service, so addresses are unique across any
 * number of API servers.
 */

export const SERVICE_CIDR = '10.96.0.0/12';
const BASE = (10 << 24) | (96 << 16);
const SIZE = 1 << 20;
/** The range's first address after the network address is the `kubernetes` service's. */
const FIRST_DYNAMIC = 2;

export function isService(decl: ResourceDecl): boolean {
  return decl.group === '' && decl.plural === 'services';
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
}

function specOf(obj: KubeObject): ServiceSpec {
  return (obj.spec ?? {}) as ServiceSpec;
}

/** The address a Service holds or asks for, if it is one that needs a claim. */
export function clusterIPOf(obj: KubeObject): string | undefined {
  const spec = specOf(obj);
  if (spec.type === 'ExternalName') return undefined;
  const ip = spec.clusterIP ?? spec.clusterIPs?.[0];
  return ip === undefined || ip === '' || ip === 'None' ? undefined : ip;
}

/** Whether a Service being created needs an address picked for it. */
export function needsAllocation(obj: KubeObject): boolean {
  const spec = specOf(obj);
  if (spec.type === 'ExternalName') return false;
  const ip = spec.clusterIP ?? spec.clusterIPs?.[0];
  return ip === undefined || ip === '';
}

export function setClusterIP(obj: KubeObject, ip: string): void {
  obj.spec = { ...(obj.spec ?? {}), clusterIP: ip, clusterIPs: [ip] };
}

export function randomServiceIP(): string {
  const n = BASE + FIRST_DYNAMIC + randomInt(SIZE - FIRST_DYNAMIC - 1);
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function inServiceRange(ip: string): boolean {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return false;
  const n = ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
  return n >= BASE && n < BASE + SIZE;
}

export function claimKey(prefix: string, ip: string): string {
  return `${prefix}/ranges/serviceips/${ip}`;
}
