/**
 * The JSONPath subset of printer columns and scale paths: `.a.b`, `.a[0]`, `.a[*].b`,
 * `.a[?(@.type=="Ready")].status`, and `{…}` wrappers as kubectl writes them.
 */

type Step = { readonly kind: 'field'; readonly name: string } | { readonly kind: 'index'; readonly index: number } | { readonly kind: 'all' } | { readonly kind: 'filter'; readonly field: string; readonly value: string };

const cache = new Map<string, Step[]>();

export function parseJsonPath(path: string): Step[] {
  const cached = cache.get(path);
  if (cached !== undefined) return cached;
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1);
  if (p.startsWith('$')) p = p.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < p.length) {
    const c = p[i];
    if (c === '.') {
      i++;
      let j = i;
      while (j < p.length && p[j] !== '.' && p[j] !== '[') j++;
      if (j > i) steps.push({ kind: 'field', name: p.slice(i, j) });
      i = j;
    } else if (c === '[') {
      const close = p.indexOf(']', i);
      if (close < 0) throw new Error(`unclosed [ in JSONPath ${path}`);
      const inner = p.slice(i + 1, close).trim();
      if (inner === '*') steps.push({ kind: 'all' });
      else if (/^\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) });
      else {
        const m = /^\?\(@\.([A-Za-z0-9_.-]+)\s*==\s*["']([^"']*)["']\)$/.exec(inner);
        if (m === null) throw new Error(`unsupported JSONPath expression [${inner}] in ${path}`);
        steps.push({ kind: 'filter', field: m[1]!, value: m[2]! });
      }
      i = close + 1;
    } else {
      let j = i;
      while (j < p.length && p[j] !== '.' && p[j] !== '[') j++;
      steps.push({ kind: 'field', name: p.slice(i, j) });
      i = j;
    }
  }
  cache.set(path, steps);
  return steps;
}

/** Every value the path selects. */
export function evalJsonPath(obj: unknown, path: string): unknown[] {
  let current: unknown[] = [obj];
  for (const step of parseJsonPath(path)) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || v === undefined) continue;
      switch (step.kind) {
        case 'field':
          if (typeof v === 'object' && !Array.isArray(v) && step.name in v) next.push((v as Record<string, unknown>)[step.name]);
          break;
        case 'index':
          if (Array.isArray(v) && step.index < v.length) next.push(v[step.index]);
          break;
        case 'all':
          if (Array.isArray(v)) next.push(...v);
          else if (typeof v === 'object') next.push(...Object.values(v));
          break;
        case 'filter':
          if (Array.isArray(v)) for (const e of v) if (String(getPath(e, step.field)) === step.value) next.push(e);
          break;
        default: {
          const never: never = step;
          throw new Error(`unknown step ${JSON.stringify(never)}`);
        }
      }
    }
    current = next;
  }
  return current;
}

function getPath(obj: unknown, dotted: string): unknown {
  let v = obj;
  for (const part of dotted.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** The first value the path selects, or undefined. */
export function jsonPathValue(obj: unknown, path: string): unknown {
  return evalJsonPath(obj, path)[0];
}

/** Sets a simple field path (`.spec.replicas`), creating objects on the way. */
export function setJsonPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const steps = parseJsonPath(path);
  let v: Record<string, unknown> = obj;
  steps.forEach((s, i) => {
    if (s.kind !== 'field') throw new Error(`cannot set through ${path}`);
    if (i === steps.length - 1) v[s.name] = value;
    else {
      const child = v[s.name];
      if (typeof child !== 'object' || child === null || Array.isArray(child)) v[s.name] = {};
      v = v[s.name] as Record<string, unknown>;
    }
  });
}
