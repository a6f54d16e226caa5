/**
 * A set of field paths, as structured-merge-diff's fieldpath.Set: a tree in which each node lists
 * the path elements that are members at that level and the children that have members further
 * down. Being a parent does not make a path a member: `{spec.replicas}` has `.spec` only as a
 * child. That distinction is what `.` records in fieldsV1.
 *
 * The operations are path-wise and return new sets; `insert`, `addMember` and `setChild` mutate
 * and exist for building sets. Results may share subtrees with their operands, so a set is built
 * first and only read once it has been combined with another.
 */
import { comparePathElements, pathToString, serializePathElement, type Path, type PathElement } from './path_element.js';

interface ChildNode {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

export class FieldSet {
  /** Members at this level, by serialized path element. */
  private readonly members = new Map<string, PathElement>();
  /** Children, by serialized path element. Invariant: no child set is empty. */
  private readonly children = new Map<string, ChildNode>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds `path` (not its parents). The empty path names the whole object, which nobody owns. */
  insert(path: Path): this {
    if (path.length === 0) return this;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) node = node.descend(path[i] as PathElement);
    node.addMember(path[path.length - 1] as PathElement);
    return this;
  }

  addMember(pe: PathElement): this {
    this.members.set(serializePathElement(pe), pe);
    return this;
  }

  /** Sets the subset below `pe`; an empty subset removes the child. */
  setChild(pe: PathElement, set: FieldSet): this {
    const key = serializePathElement(pe);
    if (set.isEmpty()) this.children.delete(key);
    else this.children.set(key, { pe, set });
    return this;
  }

  private descend(pe: PathElement): FieldSet {
    const key = serializePathElement(pe);
    const existing = this.children.get(key);
    if (existing !== undefined) return existing.set;
    const set = new FieldSet();
    this.children.set(key, { pe, set });
    return set;
  }

  isEmpty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  /** The number of member paths. */
  size(): number {
    let n = this.members.size;
    for (const c of this.children.values()) n += c.set.size();
    return n;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node !== undefined; i++) node = node.childSet(path[i] as PathElement);
    return node !== undefined && node.hasMember(path[path.length - 1] as PathElement);
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(serializePathElement(pe));
  }

  /** The subset of paths below `pe` (without the prefix), or undefined when there is none. */
  childSet(pe: PathElement): FieldSet | undefined {
    return this.children.get(serializePathElement(pe))?.set;
  }

  /** The subset of paths below `pe`, without the prefix (empty when there is none). */
  withPrefix(pe: PathElement): FieldSet {
    return this.childSet(pe) ?? new FieldSet();
  }

  /** Members of this level in upstream order. */
  sortedMembers(): PathElement[] {
    return [...this.members.values()].sort(comparePathElements);
  }

  /** Children of this level in upstream order. */
  sortedChildren(): Array<readonly [PathElement, FieldSet]> {
    return [...this.children.values()].sort((a, b) => comparePathElements(a.pe, b.pe)).map((c) => [c.pe, c.set] as const);
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) out.members.set(k, pe);
    for (const [k, pe] of other.members) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      out.children.set(k, o === undefined ? c : { pe: c.pe, set: c.set.union(o.set) });
    }
    for (const [k, c] of other.children) if (!this.children.has(k)) out.children.set(k, c);
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (other.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      if (o !== undefined) out.setChild(c.pe, c.set.intersection(o.set));
    }
    return out;
  }

  /** Paths of this set that `other` does not have. A member of `other` does not remove paths below it. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!other.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      if (o === undefined) out.children.set(k, c);
      else out.setChild(c.pe, c.set.difference(o.set));
    }
    return out;
  }

  /** Like difference, but a member of `other` also removes every path below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!other.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      if (other.members.has(k)) continue;
      const o = other.children.get(k);
      if (o === undefined) out.children.set(k, c);
      else out.setChild(c.pe, c.set.recursiveDifference(o.set));
    }
    return out;
  }

  /** Only the members that have no members below them. */
  leaves(): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!this.children.has(k)) out.members.set(k, pe);
    for (const c of this.children.values()) out.setChild(c.pe, c.set.leaves());
    return out;
  }

  equals(other: FieldSet): boolean {
    if (this.members.size !== other.members.size || this.children.size !== other.children.size) return false;
    for (const k of this.members.keys()) if (!other.members.has(k)) return false;
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      if (o === undefined || !c.set.equals(o.set)) return false;
    }
    return true;
  }

  /** Every member path in upstream's iteration order: this level's members, then each child's paths. */
  paths(): Path[] {
    const out: Path[] = [];
    this.collect([], out);
    return out;
  }

  private collect(prefix: PathElement[], out: Path[]): void {
    for (const pe of this.sortedMembers()) out.push([...prefix, pe]);
    for (const [pe, set] of this.sortedChildren()) set.collect([...prefix, pe], out);
  }

  /** One path per line, as upstream prints a set. */
  toString(): string {
    return this.paths().map(pathToString).join('\n');
  }
}
