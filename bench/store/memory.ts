/**
 * Resident memory of member processes, from /proc/<pid>/status: VmRSS (now) or VmHWM (the peak).
 * Reported as the largest member and as the sum over members, the same way for both systems.
 */
import { readFileSync } from 'node:fs';

export type MemoryField = 'VmRSS' | 'VmHWM';

export interface MemorySample {
  readonly maxMiB: number;
  readonly sumMiB: number;
}

function readKiB(pid: number, field: MemoryField): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, 'm').exec(status)?.[1];
  if (kib === undefined) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kib);
}

export function sampleMemory(pids: readonly number[], field: MemoryField): MemorySample {
  const mib = pids.map((pid) => readKiB(pid, field) / 1024);
  return { maxMiB: Math.max(0, ...mib), sumMiB: mib.reduce((a, b) => a + b, 0) };
}
