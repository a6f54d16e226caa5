/**
 * Message descriptors: for each Go struct, its fields in Go declaration order (the order
 * encoding/json writes them), each with its protobuf field number, its JSON name and the two facts
 * protobuf loses and encoding/json needs: whether the Go field is a pointer and whether its json
 * tag says omitempty.
 *
 * The tables (tables/*.ts) write one message as a string of space-separated tokens:
 *
 *   jsonName=NUMBER:[*][[]|{}]TYPE[?]    a field
 *   @NUMBER:TYPE                          an embedded struct inlined into its parent's JSON
 *                                         (`json:",inline"`, e.g. Volume's VolumeSource)
 *
 *   *     the Go field is a pointer: present on the wire means present in JSON, even when zero
 *   []    a slice (repeated field)
 *   {}    a map with string keys (repeated {key=1, value=2} entries)
 *   ?     omitempty: a zero scalar, nil pointer and empty slice or map are left out
 *
 * TYPE is a scalar (s string, b bool, i32, i64, u32, u64, f32, f64, y []byte), a Kubernetes type
 * with its own marshalling (time metav1.Time, mtime metav1.MicroTime, dur metav1.Duration,
 * ios intstr.IntOrString, qty resource.Quantity, fv1 metav1.FieldsV1, raw runtime.RawExtension),
 * or a message: `PodSpec` in the same module, `meta.ObjectMeta` in another.
 *
 * Example, apps/v1 DeploymentSpec:
 *   'replicas=1:*i32? selector=2:*meta.LabelSelector template=3:PodTemplateSpec ...'
 * replicas is *int32 with omitempty (a present 0 is kept), selector a pointer without omitempty,
 * template a plain struct (always written, even when zero).
 */
export const SCALAR_KINDS = ['s', 'b', 'i32', 'i64', 'u32', 'u64', 'f32', 'f64', 'y'] as const;
export type ScalarKind = (typeof SCALAR_KINDS)[number];

export const SPECIAL_KINDS = ['time', 'mtime', 'dur', 'ios', 'qty', 'fv1', 'raw'] as const;
export type SpecialKind = (typeof SPECIAL_KINDS)[number];

export type ValueType =
  | { readonly kind: 'scalar'; readonly scalar: ScalarKind }
  | { readonly kind: 'special'; readonly special: SpecialKind }
  | { readonly kind: 'message'; readonly message: MessageDesc };

export type Cardinality = 'single' | 'list' | 'map';

export interface FieldDesc {
  readonly number: number;
  /** The json tag's name; '' for an inlined embedded struct. */
  readonly jsonName: string;
  readonly cardinality: Cardinality;
  /** The element type for lists, the value type for maps (keys are always strings). */
  readonly type: ValueType;
  readonly pointer: boolean;
  readonly omitEmpty: boolean;
  readonly inline: boolean;
}

export interface MessageDesc {
  /** Module-qualified: `core.PodSpec`. */
  readonly name: string;
  /** In Go declaration order. */
  readonly fields: readonly FieldDesc[];
  readonly byNumber: ReadonlyMap<number, FieldDesc>;
}

/** One API group version's table, as written in tables/*.ts. */
export interface DescriptorModule {
  /** The prefix other modules use to name its messages: `meta`, `core`, `apps`. */
  readonly module: string;
  /** The envelope apiVersion its kinds come under; '*' for kinds every group version has (DeleteOptions). */
  readonly apiVersion: string;
  /** Kinds a body may carry; each is also the name of its message. */
  readonly kinds: readonly string[];
  readonly messages: Readonly<Record<string, string>>;
}

export interface CompiledDescriptors {
  readonly messages: ReadonlyMap<string, MessageDesc>;
  /** apiVersion → kind → message; apiVersion '*' matches any. */
  readonly kinds: ReadonlyMap<string, ReadonlyMap<string, MessageDesc>>;
}

const TOKEN = /^(?:([A-Za-z0-9]+)=|@)(\d+):(\*)?(\[\]|\{\})?([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)?)(\?)?$/;

interface MutableField {
  number: number;
  jsonName: string;
  cardinality: Cardinality;
  type: ValueType;
  pointer: boolean;
  omitEmpty: boolean;
  inline: boolean;
}

/**
 * Parses every module's messages and links message references. Throws (a programming error in
 * the tables, caught by the tables' own test) on a bad token, a duplicate field number or a
 * reference to a message no module defines.
 */
export function compileDescriptors(modules: readonly DescriptorModule[]): CompiledDescriptors {
  const messages = new Map<string, { name: string; fields: MutableField[]; byNumber: Map<number, MutableField> }>();
  const pending: { field: MutableField; ref: string; where: string }[] = [];
  for (const mod of modules) {
    for (const [name, text] of Object.entries(mod.messages)) {
      const qualified = `${mod.module}.${name}`;
      if (messages.has(qualified)) throw new Error(`descriptor ${qualified} defined twice`);
      const desc = { name: qualified, fields: [] as MutableField[], byNumber: new Map<number, MutableField>() };
      for (const token of text.split(/\s+/).filter((t) => t !== '')) {
        const where = `${qualified} '${token}'`;
        const m = TOKEN.exec(token);
        if (m === null) throw new Error(`bad descriptor token ${where}`);
        const [, jsonName, num, star, shape, typeName, omit] = m;
        const inline = jsonName === undefined;
        const field: MutableField = {
          number: Number(num),
          jsonName: jsonName ?? '',
          cardinality: shape === '[]' ? 'list' : shape === '{}' ? 'map' : 'single',
          type: { kind: 'scalar', scalar: 's' },
          pointer: star !== undefined,
          omitEmpty: omit !== undefined,
          inline,
        };
        const t = typeName as string;
        if ((SCALAR_KINDS as readonly string[]).includes(t)) field.type = { kind: 'scalar', scalar: t as ScalarKind };
        else if ((SPECIAL_KINDS as readonly string[]).includes(t)) field.type = { kind: 'special', special: t as SpecialKind };
        else pending.push({ field, ref: t.includes('.') ? t : `${mod.module}.${t}`, where });
        if (inline && (field.pointer || field.omitEmpty || field.cardinality !== 'single' || !/^[A-Z]/.test(t.split('.').pop() ?? ''))) {
          throw new Error(`inline field must be a plain embedded struct: ${where}`);
        }
        if (desc.byNumber.has(field.number)) throw new Error(`duplicate field number in ${where}`);
        desc.fields.push(field);
        desc.byNumber.set(field.number, field);
      }
      messages.set(qualified, desc);
    }
  }
  for (const { field, ref, where } of pending) {
    const target = messages.get(ref);
    if (target === undefined) throw new Error(`descriptor ${where} refers to unknown message ${ref}`);
    field.type = { kind: 'message', message: target };
  }
  const kinds = new Map<string, Map<string, MessageDesc>>();
  for (const mod of modules) {
    let byKind = kinds.get(mod.apiVersion);
    if (byKind === undefined) kinds.set(mod.apiVersion, (byKind = new Map()));
    for (const kind of mod.kinds) {
      const desc = messages.get(`${mod.module}.${kind}`);
      if (desc === undefined) throw new Error(`module ${mod.module} lists kind ${kind} without a message`);
      if (byKind.has(kind)) throw new Error(`kind ${mod.apiVersion} ${kind} listed twice`);
      byKind.set(kind, desc);
    }
  }
  return { messages, kinds };
}

/** The message for an envelope's apiVersion and kind, if any table has it. */
export function lookupKind(compiled: CompiledDescriptors, apiVersion: string, kind: string): MessageDesc | undefined {
  return compiled.kinds.get(apiVersion)?.get(kind) ?? compiled.kinds.get('*')?.get(kind);
}
