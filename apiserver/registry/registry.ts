import type { ResourceDecl } from './types.js';

/**
 * The set of served resource types: the built-in declarations plus one per served version of
 * every established CustomResourceDefinition. Lookups by URL (group, version, plural) and by kind;
 * listeners hear of changes (discovery and OpenAPI are regenerated).
 */

export function apiVersionOf(d: { group: string; version: string }): string {
  return d.group === '' ? d.version : `${d.group}/${d.version}`;
}

function pathKey(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

export interface GroupVersions {
  readonly group: string;
  /** Served versions, preferred first. */
  readonly versions: readonly string[];
}

export class Registry {
  private readonly byPath = new Map<string, ResourceDecl>();
  /** Insertion order of groups (core first), then versions, as discovery lists them. */
  private readonly groupOrder: string[] = [];
  private readonly versionOrder = new Map<string, string[]>();
  private readonly listeners = new Set<() => void>();
  private generationCounter = 0;

  constructor(decls: readonly ResourceDecl[] = []) {
    for (const d of decls) this.add(d, false);
  }

  /** Bumped on every change (caches of derived documents key on it). */
  get generation(): number {
    return this.generationCounter;
  }

  add(d: ResourceDecl, notify = true): void {
    this.byPath.set(pathKey(d.group, d.version, d.plural), d);
    if (!this.groupOrder.includes(d.group)) this.groupOrder.push(d.group);
    const versions = this.versionOrder.get(d.group) ?? [];
    if (!versions.includes(d.version)) versions.push(d.version);
    this.versionOrder.set(d.group, versions);
    if (notify) this.changed();
  }

  /** Removes every version of a resource (a deleted CRD). */
  remove(group: string, plural: string): void {
    for (const [k, d] of this.byPath) if (d.group === group && d.plural === plural) this.byPath.delete(k);
    this.prune();
    this.changed();
  }

  /** Replaces the versions of one resource at once (a CRD created or changed). */
  replace(group: string, plural: string, decls: readonly ResourceDecl[], versionOrder?: readonly string[]): void {
    for (const [k, d] of this.byPath) if (d.group === group && d.plural === plural) this.byPath.delete(k);
    for (const d of decls) this.add(d, false);
    if (versionOrder !== undefined) {
      const existing = this.versionOrder.get(group) ?? [];
      this.versionOrder.set(group, [...versionOrder, ...existing.filter((v) => !versionOrder.includes(v))]);
    }
    this.prune();
    this.changed();
  }

  private prune(): void {
    const live = new Set([...this.byPath.values()].map((d) => `${d.group}/${d.version}`));
    for (const g of [...this.groupOrder]) {
      const versions = (this.versionOrder.get(g) ?? []).filter((v) => live.has(`${g}/${v}`));
      if (versions.length === 0) {
        this.versionOrder.delete(g);
        this.groupOrder.splice(this.groupOrder.indexOf(g), 1);
      } else this.versionOrder.set(g, versions);
    }
  }

  private changed(): void {
    this.generationCounter++;
    for (const l of this.listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  lookup(group: string, version: string, plural: string): ResourceDecl | undefined {
    return this.byPath.get(pathKey(group, version, plural));
  }

  byKind(group: string, version: string, kind: string): ResourceDecl | undefined {
    for (const d of this.byPath.values()) if (d.group === group && d.version === version && d.kind === kind) return d;
    return undefined;
  }

  /** Every version of one resource. */
  versionsOf(group: string, plural: string): ResourceDecl[] {
    return [...this.byPath.values()].filter((d) => d.group === group && d.plural === plural);
  }

  groups(): GroupVersions[] {
    return this.groupOrder.map((group) => ({ group, versions: this.versionOrder.get(group) ?? [] }));
  }

  resources(group: string, version: string): ResourceDecl[] {
    return [...this.byPath.values()].filter((d) => d.group === group && d.version === version).sort((a, b) => a.plural.localeCompare(b.plural));
  }

  all(): ResourceDecl[] {
    return [...this.byPath.values()];
  }
}
