/**
 * A short summary of a V8 .cpuprofile (what `node --cpu-prof` writes): where the API server spent
 * its time, as self time per function and per module (a node_modules package, a ketch folder, or
 * Node's internals), the heaviest first. Enough to say where to look; open the file in Chrome
 * DevTools or speedscope for the rest.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** The package, ketch folder or runtime part a script belongs to. */
export function moduleOf(url: string): string {
  if (url === '') return '(native / V8)';
  if (url.startsWith('node:')) return 'node: internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') === true ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
  }
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) {
    const parts = url.slice(dist + '/dist/'.length).split('/');
    return `ketch ${parts.slice(0, Math.min(2, parts.length - 1)).join('/')}`;
  }
  return url;
}

function top(m: Map<string, number>, n: number, totalUs: number): string[] {
  return [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${((us / totalUs) * 100).toFixed(1)}% ${k}`);
}

export function summarizeProfile(file: string, n = 12): string[] {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  for (const node of prof.nodes) byId.set(node.id, node);
  const selfUs = new Map<number, number>();
  const samples = prof.samples ?? [];
  const deltas = prof.timeDeltas ?? [];
  let totalUs = 0;
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i]!;
    const d = deltas[i + 1] ?? deltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + d);
    totalUs += d;
  }
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const cf = byId.get(id)?.callFrame;
    if (cf === undefined) continue;
    if (cf.functionName === '(idle)' || cf.functionName === '(program)') {
      idleUs += cf.functionName === '(idle)' ? us : 0;
      if (cf.functionName === '(idle)') continue;
    }
    const where = cf.url === '' ? '' : ` ${path.basename(cf.url)}:${cf.lineNumber + 1}`;
    const fn = `${cf.functionName === '' ? '(anonymous)' : cf.functionName}${where} [${moduleOf(cf.url)}]`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    const mod = cf.functionName === '(garbage collector)' ? '(garbage collector)' : cf.functionName === '(program)' ? '(program)' : moduleOf(cf.url);
    byModule.set(mod, (byModule.get(mod) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  return [
    `profile ${file}: ${(totalUs / 1e6).toFixed(1)} s sampled, ${(busyUs / 1e6).toFixed(1)} s busy (${((busyUs / Math.max(1, totalUs)) * 100).toFixed(0)}%); shares below are of busy time`,
    `by module: ${top(byModule, 10, busyUs).join(', ')}`,
    `top functions (self time): ${top(byFunction, n, busyUs).join('; ')}`,
  ];
}

/** The .cpuprofile process `pid` wrote in dir (named CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile), if any. */
export function profileOf(dir: string, pid: number): string | undefined {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && f.split('.')[3] === String(pid)).sort();
  const last = files[files.length - 1];
  return last === undefined ? undefined : path.join(dir, last);
}
