/**
 * Where objects live in the store. As kube-apiserver: one key per object,
 * `<prefix>/<resource>/<namespace>/<name>` (cluster-scoped: `<prefix>/<resource>/<name>`), where
 * `<resource>` is the plural (the resource name) for the core group and `<group>/<plural>` for every other group (so
 * custom resources of different groups never collide).
 */

export interface ResourceKeyspace {
  readonly group: string;
  readonly resource: string;
  readonly namespaced: boolean;
}

export class Keys {
  constructor(readonly prefix: string = '/registry') {
    if (prefix.endsWith('/')) this.prefix = prefix.slice(0, -1);
  }

  /** The prefix of every object of a resource (trailing slash included). */
  resource(r: ResourceKeyspace): string {
    return r.group === '' ? `${this.prefix}/${r.resource}/` : `${this.prefix}/${r.group}/${r.resource}/`;
  }

  /** The prefix of a list: the namespace's objects, or all of them (namespace ''). */
  collection(r: ResourceKeyspace, namespace: string): string {
    const base = this.resource(r);
    return r.namespaced && namespace !== '' ? `${base}${namespace}/` : base;
  }

  object(r: ResourceKeyspace, namespace: string, name: string): string {
    return r.namespaced ? `${this.resource(r)}${namespace}/${name}` : `${this.resource(r)}${name}`;
  }

  /** The namespace and name a key stands for, or undefined when the key is not under the resource. */
  parse(r: ResourceKeyspace, key: string): { namespace: string; name: string } | undefined {
    const base = this.resource(r);
    if (!key.startsWith(base)) return undefined;
    const rest = key.slice(base.length);
    if (!r.namespaced) return rest.includes('/') || rest === '' ? undefined : { namespace: '', name: rest };
    const slash = rest.indexOf('/');
    if (slash <= 0 || slash === rest.length - 1) return undefined;
    return { namespace: rest.slice(0, slash), name: rest.slice(slash + 1) };
  }
}
