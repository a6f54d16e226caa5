/**
 * An etcdctl transcript: a script of etcdctl commands run in order against one server, with each
 * command's output normalised so that two servers' transcripts can be compared line by line.
 *
 * What is normalised away is only what legitimately differs between two clusters: cluster, member
 * and lease IDs, raft terms, ports, and timings (health check durations, remaining lease TTLs, the
 * timestamps and connection names in etcdctl's retry warnings). Revisions, values, versions, error
 * messages and exit codes are compared exactly.
 */
import { etcdctl, type RunResult } from './processes.js';

/** A value taken from a command's output for later commands. */
export interface Capture {
  readonly name: string;
  /** The first group is the value. */
  readonly from: RegExp;
  /**
   * 'lease' (printed in hex) and 'member' (printed in decimal in JSON): IDs that differ between
   * clusters, replaced by <name> in every output. 'value': substituted into commands only.
   */
  readonly kind: 'lease' | 'member' | 'value';
}

export type Step =
  | {
      readonly kind: 'run';
      readonly args: readonly string[];
      readonly stdin?: string;
      /** Shown instead of stdin in the transcript (for large inputs). */
      readonly stdinLabel?: string;
      readonly stdinData?: () => string;
      readonly capture?: readonly Capture[];
      /** For commands that run until stopped (watch): stop once stdout matches. */
      readonly until?: RegExp;
      readonly timeoutMs?: number;
    }
  | { readonly kind: 'background'; readonly name: string; readonly args: readonly string[]; readonly until: RegExp }
  | { readonly kind: 'join'; readonly name: string }
  | { readonly kind: 'let'; readonly name: string; readonly value: (vars: ReadonlyMap<string, string>) => string };

export interface TranscriptTarget {
  /** host:port of the client URL. */
  readonly endpoint: string;
  readonly clientPort: number;
  readonly peerPort: number;
}

export interface Transcript {
  /** Normalised lines. */
  readonly lines: string[];
  /** Steps whose command did not finish by itself or by its `until` within the deadline. */
  readonly timedOut: string[];
}

function substitute(s: string, vars: ReadonlyMap<string, string>): string {
  return s.replace(/\$\{(\w+)\}/g, (whole, name: string) => {
    const v = vars.get(name);
    if (v === undefined) throw new Error(`transcript: variable ${name} used before it was captured`);
    return v;
  });
}

/** Shell-like display of an argument list. */
function show(args: readonly string[]): string {
  return args.map((a) => (a === '' || /[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

/** Runs the steps in order against one server. */
export async function runTranscript(target: TranscriptTarget, steps: readonly Step[]): Promise<Transcript> {
  const vars = new Map<string, string>();
  const ids = new Map<string, string>(); // printed form → placeholder
  const lines: string[] = [];
  const timedOut: string[] = [];
  const background = new Map<string, { header: string; result: Promise<RunResult> }>();
  const endpoints = [target.endpoint];

  const emit = (header: string, r: RunResult): void => {
    lines.push(`$ ${header}`);
    const n = new Normaliser(target, ids);
    for (const l of splitLines(r.stdout)) lines.push(n.line(l));
    for (const l of splitLines(r.stderr)) lines.push(`stderr: ${n.line(l)}`);
    if (r.timedOut) {
      lines.push('[timed out]');
      timedOut.push(header);
    } else if (r.stoppedAtMatch) lines.push('[stopped by the test after the expected output]');
    else lines.push(`[exit ${r.code ?? r.signal}]`);
  };

  for (const step of steps) {
    switch (step.kind) {
      case 'let':
        vars.set(step.name, step.value(vars));
        break;
      case 'background': {
        const header = `etcdctl ${show(step.args)} &`;
        const result = etcdctl(endpoints, step.args.map((a) => substitute(a, vars)), { until: step.until, timeoutMs: 15_000 });
        background.set(step.name, { header, result });
        break;
      }
      case 'join': {
        const bg = background.get(step.name);
        if (bg === undefined) throw new Error(`transcript: no background command ${step.name}`);
        emit(`wait ${step.name}: ${bg.header}`, await bg.result);
        break;
      }
      case 'run': {
        const stdin = step.stdinData?.() ?? (step.stdin === undefined ? undefined : substitute(step.stdin, vars));
        // One line per command, stdin included (escaped), so that diff hunks name their command.
        const shownStdin = step.stdinLabel ?? (step.stdin === undefined ? undefined : JSON.stringify(step.stdin));
        const header = `etcdctl ${show(step.args)}${shownStdin === undefined ? '' : ` <<< ${shownStdin}`}`;
        const r = await etcdctl(
          endpoints,
          step.args.map((a) => substitute(a, vars)),
          { ...(stdin === undefined ? {} : { stdin }), ...(step.until === undefined ? {} : { until: step.until }), timeoutMs: step.timeoutMs ?? 15_000 },
        );
        for (const c of step.capture ?? []) {
          const m = c.from.exec(r.stdout);
          if (m?.[1] === undefined) {
            lines.push(`[capture ${c.name} failed: no match for ${c.from} in the output below]`);
            continue;
          }
          registerCapture(c, m[1], vars, ids);
        }
        emit(header, r);
        break;
      }
      default: {
        const never: never = step;
        throw new Error(`unknown step ${JSON.stringify(never)}`);
      }
    }
  }
  return { lines, timedOut };
}

function registerCapture(c: Capture, raw: string, vars: Map<string, string>, ids: Map<string, string>): void {
  const placeholder = `<${c.name}>`;
  switch (c.kind) {
    case 'value':
      vars.set(c.name, raw);
      return;
    case 'lease': {
      const n = BigInt(`0x${raw}`);
      vars.set(c.name, n.toString(16));
      ids.set(n.toString(16).padStart(16, '0'), placeholder);
      ids.set(n.toString(16), placeholder);
      ids.set(n.toString(10), placeholder);
      return;
    }
    case 'member': {
      const n = BigInt(raw);
      vars.set(c.name, n.toString(16));
      ids.set(n.toString(16), placeholder);
      ids.set(n.toString(10), placeholder);
      return;
    }
    default: {
      const never: never = c.kind;
      throw new Error(`unknown capture kind ${String(never)}`);
    }
  }
}

function splitLines(s: string): string[] {
  if (s === '') return [];
  const parts = s.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

const DURATION = /^\d+(\.\d+)?(ns|µs|us|ms|s)$/;

/** Normalises one line of output (see the file comment for what, and why only that). */
class Normaliser {
  private readonly idPattern: RegExp | undefined;

  constructor(
    private readonly target: TranscriptTarget,
    private readonly ids: ReadonlyMap<string, string>,
  ) {
    const keys = [...ids.keys()].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.idPattern = keys.length === 0 ? undefined : new RegExp(`(?<![0-9A-Za-z])(${keys.join('|')})(?![0-9A-Za-z])`, 'g');
  }

  line(raw: string): string {
    let l = raw;
    // etcdctl's client-side retry warnings: a timestamp and a random connection name.
    if (l.startsWith('{"level":')) {
      try {
        const w = JSON.parse(l) as { level?: string; msg?: string; error?: string };
        l = `etcdctl ${w.level ?? '?'}: ${w.msg ?? ''}${w.error === undefined ? '' : `: ${w.error}`}`;
      } catch {
        // not a log line after all
      }
    }
    const { clientPort, peerPort } = this.target;
    l = l
      .replaceAll(`http://127.0.0.1:${clientPort}`, '<client-url>')
      .replaceAll(`http://127.0.0.1:${peerPort}`, '<peer-url>')
      .replaceAll(`127.0.0.1:${clientPort}`, '<endpoint>');
    // Cluster and member IDs and raft terms, wherever they are printed as fields (JSON, -w fields).
    // Zero means "not set" and is kept, so that a field one server leaves unset still shows.
    l = l
      .replace(/"(cluster_id|member_id|raft_term)":[1-9]\d*/g, '"$1":<$1>')
      .replace(/"(ClusterID|MemberID|RaftTerm)" : [1-9]\d*/g, '"$1" : <$1>')
      .replace(/"took":"[^"]*"/g, '"took":"<duration>"')
      .replace(/took = \S+/g, 'took = <duration>')
      .replace(/remaining\(-?\d+s\)/g, 'remaining(<ttl>)')
      .replace(/"ttl":-?\d+,"granted-ttl"/g, '"ttl":<ttl>,"granted-ttl"');
    if (this.idPattern !== undefined) l = l.replace(this.idPattern, (m) => this.ids.get(m) ?? m);
    // Tables: column widths follow the widest cell, so compare cells, not padding.
    if (/^\+[-+]+\+$/.test(l)) return '+---+';
    if (l.startsWith('|')) {
      const cells = l.split('|').slice(1, -1).map((c) => c.trim());
      return `| ${cells.map((c) => (DURATION.test(c) ? '<duration>' : c)).join(' | ')} |`;
    }
    return l;
  }
}

/** Replaces revision numbers too: used only to tell whether two transcripts differ in anything else. */
export function withoutRevisions(line: string): string {
  return line
    .replace(/"(revision|create_revision|mod_revision|compact_revision|CompactRevision)":\d+/g, '"$1":<rev>')
    .replace(/"(Revision|CreateRevision|ModRevision)" : \d+/g, '"$1" : <rev>')
    .replace(/compacted revision \d+/g, 'compacted revision <rev>')
    .replace(/--rev=\S+/g, '--rev=<rev>');
}

// -------------------------------------------------------------------------------------------------
// Diff
// -------------------------------------------------------------------------------------------------

/** A unified-style diff of two line lists (LCS), with `context` lines around each change. */
export function lineDiff(a: readonly string[], b: readonly string[], labels: [string, string], context = 3): { text: string; changed: number } {
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = lcs[i] as Uint32Array;
      row[j] = a[i] === b[j] ? (lcs[i + 1] as Uint32Array)[j + 1]! + 1 : Math.max((lcs[i + 1] as Uint32Array)[j]!, row[j + 1]!);
    }
  }
  const ops: Array<{ op: ' ' | '-' | '+'; line: string }> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ op: ' ', line: a[i] as string });
      i++;
      j++;
    } else if (i < n && (j === m || (lcs[i + 1] as Uint32Array)[j]! >= (lcs[i] as Uint32Array)[j + 1]!)) {
      ops.push({ op: '-', line: a[i] as string });
      i++;
    } else {
      ops.push({ op: '+', line: b[j] as string });
      j++;
    }
  }
  const changed = ops.filter((o) => o.op !== ' ').length;
  const keep = new Array<boolean>(ops.length).fill(false);
  ops.forEach((o, k) => {
    if (o.op === ' ') return;
    for (let d = Math.max(0, k - context); d <= Math.min(ops.length - 1, k + context); d++) keep[d] = true;
  });
  // The command that produced a changed line, so that each hunk says where it is.
  const out = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
  let lastCommand = '';
  let gap = true;
  ops.forEach((o, k) => {
    if (o.line.startsWith('$ ')) lastCommand = o.line;
    if (!keep[k]) {
      gap = true;
      return;
    }
    if (gap) {
      out.push(`@@ ${lastCommand}`);
      gap = false;
    }
    out.push(`${o.op} ${o.line}`);
  });
  return { text: out.join('\n'), changed };
}
