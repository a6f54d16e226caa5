/**
 * What the workload checkers (watch, set, append, lease-lock) report: anomalies by kind, each
 * with enough to find it in the history (keys, revisions, history lines), counted in full but
 * kept as examples only up to a bound per kind, so a badly broken run still has a small report.
 */
export interface Anomaly<K extends string = string> {
  readonly kind: K;
  /** One sentence: what was seen, against what was expected. */
  readonly detail: string;
  readonly key?: string;
  readonly revision?: number;
  /** Who saw it (a watcher's name, a process). */
  readonly who?: string;
  /** History lines (1-based) of the operations involved. */
  readonly lines?: readonly number[];
}

export interface CheckerVerdict<K extends string = string> {
  readonly valid: boolean;
  /** Anomalies found, by kind (every one counted). */
  readonly counts: Partial<Record<K, number>>;
  /** Examples, at most `EXAMPLES_PER_KIND` of each kind, in the order found. */
  readonly anomalies: ReadonlyArray<Anomaly<K>>;
  /** What was checked (numbers of operations, events, elements...), for the report. */
  readonly stats: Readonly<Record<string, number>>;
}

export const EXAMPLES_PER_KIND = 20;

export class AnomalyLog<K extends string> {
  private readonly counts = new Map<K, number>();
  private readonly examples: Anomaly<K>[] = [];

  add(a: Anomaly<K>): void {
    const n = (this.counts.get(a.kind) ?? 0) + 1;
    this.counts.set(a.kind, n);
    if (n <= EXAMPLES_PER_KIND) this.examples.push(a);
  }

  get size(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  verdict(stats: Readonly<Record<string, number>>): CheckerVerdict<K> {
    return { valid: this.size === 0, counts: Object.fromEntries(this.counts) as Partial<Record<K, number>>, anomalies: this.examples, stats };
  }
}

/** "ordered 3, reliable 120": the counts of a verdict on one line. */
export function summarizeCounts(counts: Readonly<Partial<Record<string, number>>>): string {
  return Object.entries(counts)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}
