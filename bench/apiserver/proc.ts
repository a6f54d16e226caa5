/**
 * What a process costs, read from /proc: resident memory (VmRSS now, VmHWM the peak) from
 * /proc/<pid>/status, and CPU time (user + system) from /proc/<pid>/stat.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicksPerSecond: number | undefined;

/** sysconf(_SC_CLK_TCK): the unit of utime and stime in /proc/<pid>/stat (100 on Linux almost always). */
function ticksPerSecond(): number {
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

export type MemoryField = 'VmRSS' | 'VmHWM';

/** A memory field of /proc/<pid>/status in MiB; undefined when the process is gone. */
export function memoryMiB(pid: number, field: MemoryField = 'VmRSS'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, 'm').exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) the process has used so far; undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: fields count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
    return (utime + stime) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

/** CPU used by a set of processes over a phase, as seconds and as a percentage of one core. */
export interface CpuUse {
  readonly seconds: number;
  /** 100 is one core busy for the whole phase. */
  readonly percent: number;
}

/** Starts measuring CPU of `pids`; the returned function gives the use since then. */
export function cpuMeter(pids: () => readonly number[]): () => CpuUse {
  const sum = (): number => pids().reduce((s, pid) => s + (cpuSeconds(pid) ?? 0), 0);
  const before = sum();
  const t0 = process.hrtime.bigint();
  return () => {
    const seconds = sum() - before;
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    return { seconds, percent: wallS > 0 ? (seconds / wallS) * 100 : 0 };
  };
}

/** The same for this process (the load generator and the watchers). */
export function selfCpuMeter(): () => CpuUse {
  const before = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  return () => {
    const u = process.cpuUsage(before);
    const seconds = (u.user + u.system) / 1e6;
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    return { seconds, percent: wallS > 0 ? (seconds / wallS) * 100 : 0 };
  };
}
