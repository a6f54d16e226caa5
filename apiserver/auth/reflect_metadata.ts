/**
 * The part of the Reflect metadata API that @peculiar/x509 needs at load time (through tsyringe:
 * defineMetadata, getMetadata, getOwnMetadata, hasMetadata, hasOwnMetadata and the metadata
 * decorator), installed only when no polyfill (reflect-metadata, core-js) is present. It is the
 * reason x509 is loaded with a dynamic import after calling installReflectMetadata(), never
 * imported statically: the polyfill must exist before the library's module runs.
 */

type Key = unknown;
type Target = object;
type Property = string | symbol | undefined;

interface ReflectMetadata {
  defineMetadata(key: Key, value: unknown, target: Target, property?: Property): void;
  getOwnMetadata(key: Key, target: Target, property?: Property): unknown;
  getMetadata(key: Key, target: Target, property?: Property): unknown;
  hasOwnMetadata(key: Key, target: Target, property?: Property): boolean;
  hasMetadata(key: Key, target: Target, property?: Property): boolean;
  metadata(key: Key, value: unknown): (target: Target, property?: Property) => void;
}

export function installReflectMetadata(): void {
  const reflect = Reflect as unknown as Partial<ReflectMetadata>;
  if (typeof reflect.getMetadata === 'function') return;

  const store = new WeakMap<Target, Map<Property, Map<Key, unknown>>>();
  const own = (target: Target, property: Property, create: boolean): Map<Key, unknown> | undefined => {
    let byProperty = store.get(target);
    if (byProperty === undefined) {
      if (!create) return undefined;
      byProperty = new Map();
      store.set(target, byProperty);
    }
    let entries = byProperty.get(property);
    if (entries === undefined && create) {
      entries = new Map();
      byProperty.set(property, entries);
    }
    return entries;
  };
  const find = (key: Key, target: Target, property: Property): Map<Key, unknown> | undefined => {
    for (let o: Target | null = target; o !== null; o = Object.getPrototypeOf(o) as Target | null) {
      const entries = own(o, property, false);
      if (entries?.has(key) === true) return entries;
    }
    return undefined;
  };

  const api: ReflectMetadata = {
    defineMetadata: (key, value, target, property) => {
      own(target, property, true)?.set(key, value);
    },
    getOwnMetadata: (key, target, property) => own(target, property, false)?.get(key),
    getMetadata: (key, target, property) => find(key, target, property)?.get(key),
    hasOwnMetadata: (key, target, property) => own(target, property, false)?.has(key) === true,
    hasMetadata: (key, target, property) => find(key, target, property) !== undefined,
    metadata: (key, value) => (target, property) => api.defineMetadata(key, value, target, property),
  };
  for (const [name, fn] of Object.entries(api)) {
    Object.defineProperty(Reflect, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
}
