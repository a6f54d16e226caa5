/**
 * The field set of an object (structured-merge-diff's TypedValue.ToFieldSet): what an applier
 * owns once it applies that object. Every leaf is a member — scalars, atomic maps and lists, nulls
 * and empty objects — and so is every list element and every map entry that is not a declared
 * property. A declared property holding a non-empty object is only a parent; that is why an
 * applier's `f:spec` has no `.` while its `f:labels` entries and `k:{...}` elements do.
 *
 * Strict mode is for apply configurations: a field the schema does not declare or a duplicated
 * list key is an error. Otherwise (stored objects) duplicates are tolerated as upstream's
 * AllowDuplicates does: the duplicated element is a member and nothing below it is tracked.
 */
import type { Schema } from '../registry/schema.js';
import { ApplyError, ApplyErrorCode } from './errors.js';
import { FieldSet } from './field_set.js';
import { fieldElement, pathElementToString, pathToString, serializePathElement, type PathElement } from './path_element.js';
import { childOf, itemsOf, listItemElement, shapeOf, type ListShape } from './schema_shape.js';
import { isPlainObject, type JsonObject } from './value.js';

export interface FieldSetOptions {
  /** Reject undeclared fields and duplicated list keys (apply configurations). Default false. */
  readonly strict?: boolean;
}

export interface CollectedFieldSet {
  readonly set: FieldSet;
  /** Problems in upstream's wording, each prefixed with its path: `.spec.foo: field not declared in schema`. */
  readonly errors: readonly string[];
}

/** The field set of `value` under `schema`, with the problems found instead of an exception. */
export function collectFieldSet(value: unknown, schema: Schema | undefined, options: FieldSetOptions = {}): CollectedFieldSet {
  const w = new Walker(options.strict ?? false);
  w.walk(value, schema, []);
  return { set: w.set, errors: w.errors };
}

/** The field set of `value` under `schema`; throws ApplyError INVALID_OBJECT listing the problems. */
export function fieldSetOf(value: unknown, schema: Schema | undefined, options: FieldSetOptions = {}): FieldSet {
  const { set, errors } = collectFieldSet(value, schema, options);
  if (errors.length > 0) throw new ApplyError(ApplyErrorCode.INVALID_OBJECT, formatValidationErrors(errors));
  return set;
}

/** Upstream's ValidationErrors text: the error itself, or `errors:` and one indented line each. */
export function formatValidationErrors(errors: readonly string[]): string {
  if (errors.length === 1) return errors[0] ?? '';
  return ['errors:', ...errors.map((e) => `  ${e}`)].join('\n');
}

function at(path: readonly PathElement[], message: string): string {
  return path.length === 0 ? message : `${pathToString(path)}: ${message}`;
}

class Walker {
  readonly set = new FieldSet();
  readonly errors: string[] = [];

  constructor(private readonly strict: boolean) {}

  /** Records `value` at `path`; returns whether it was a leaf (which records its own path). */
  walk(value: unknown, schema: Schema | undefined, path: PathElement[]): boolean {
    if (value === null) {
      this.set.insert(path);
      return true;
    }
    const shape = shapeOf(schema, value);
    switch (shape.kind) {
      case 'scalar':
        this.set.insert(path);
        return true;
      case 'map':
        if (shape.atomic) {
          this.set.insert(path);
          return true;
        }
        this.walkMap(value as JsonObject, schema, path);
        return false;
      case 'list':
        if (shape.type === 'atomic') {
          this.set.insert(path);
          return true;
        }
        this.walkList(value as unknown[], schema, shape, path);
        return false;
      default: {
        const never: never = shape;
        return never;
      }
    }
  }

  private walkMap(obj: JsonObject, schema: Schema | undefined, path: PathElement[]): void {
    for (const [key, child] of Object.entries(obj)) {
      if (child === undefined) continue;
      const field = childOf(schema, key);
      const childPath = [...path, fieldElement(key)];
      if (!field.known && this.strict) {
        this.errors.push(at(childPath, 'field not declared in schema'));
        continue;
      }
      const leaf = this.walk(child, field.schema, childPath);
      if (!leaf && (!field.declared || (isPlainObject(child) && Object.keys(child).length === 0))) this.set.insert(childPath);
    }
  }

  private walkList(list: unknown[], schema: Schema | undefined, shape: ListShape, path: PathElement[]): void {
    const items = itemsOf(schema);
    const elements: Array<PathElement | undefined> = [];
    const seen = new Set<string>();
    const duplicated = new Set<string>();
    list.forEach((item, i) => {
      const pe = listItemElement(shape, items, item);
      if (typeof pe === 'string') {
        this.errors.push(at(path, `element ${i}: ${pe}`));
        elements.push(undefined);
        return;
      }
      elements.push(pe);
      const key = serializePathElement(pe);
      if (!seen.has(key)) {
        seen.add(key);
        return;
      }
      if (duplicated.has(key)) return;
      duplicated.add(key);
      if (this.strict) this.errors.push(at(path, `duplicate entries for key ${pathElementToString(pe)}`));
      else this.set.insert([...path, pe]);
    });
    list.forEach((item, i) => {
      const pe = elements[i];
      if (pe === undefined || duplicated.has(serializePathElement(pe))) return;
      const childPath = [...path, pe];
      if (!this.walk(item, items, childPath)) this.set.insert(childPath);
    });
  }
}
