// The part of the Adaptive Card templating language this folder's templates use, expanded without
// adaptivecards-templating (whose expression engine, adaptive-expressions, costs ~20 MB of memory
// and most of a card's rendering time). test/unit/card-template.test.ts checks that it expands every
// template here exactly as adaptivecards-templating does, over many generated data sets.
//
// Supported, and nothing else (an unknown expression throws, so a new template cannot silently
// render wrong):
//   "${path}"           the value itself, typed (string, number, boolean, array, object)
//   "text ${path} text" the values as text
//   "$data": "${path}"  on an array element: the element once per item of the array (scope = the item)
//   "$when": "${expr}"  on an element or a property's object: kept only when expr is true
//   expr:  path | !path | path != 'literal' | path == 'literal' | count(path) > n
//   path:  name(.name)* | $data | $root.name(.name)*   (resolved in the current scope)
// A path that resolves to nothing leaves "${...}" as it was, as adaptivecards-templating does.

type Scope = { root: unknown; data: unknown };
const UNDEFINED = Symbol('undefined');
type Value = unknown | typeof UNDEFINED;

const PATH = /^(\$root|\$data|[A-Za-z_][A-Za-z0-9_]*)(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function resolve(path: string, scope: Scope): Value {
  if (!PATH.test(path)) throw new Error(`card template: unsupported path ${path}`);
  const [head, ...rest] = path.split('.');
  let value: unknown = head === '$root' ? scope.root : head === '$data' ? scope.data : (scope.data as Record<string, unknown> | undefined)?.[head as string];
  if (head !== '$root' && head !== '$data' && !(scope.data && typeof scope.data === 'object' && (head as string) in (scope.data as object))) return UNDEFINED;
  for (const key of rest) {
    if (value === null || typeof value !== 'object' || !(key in value)) return UNDEFINED;
    value = (value as Record<string, unknown>)[key];
  }
  return value === undefined ? UNDEFINED : value;
}

function evaluate(expr: string, scope: Scope): Value {
  const e = expr.trim();
  let m = /^!\s*(\S+)$/.exec(e);
  if (m) {
    const v = resolve(m[1] as string, scope);
    return v === UNDEFINED ? true : !v;
  }
  m = /^count\((\S+)\)\s*>\s*(\d+)$/.exec(e);
  if (m) {
    const v = resolve(m[1] as string, scope);
    return Array.isArray(v) ? v.length > Number(m[2]) : typeof v === 'string' ? v.length > Number(m[2]) : UNDEFINED;
  }
  m = /^(\S+)\s*(!=|==)\s*'([^'\\]*)'$/.exec(e);
  if (m) {
    const v = resolve(m[1] as string, scope);
    const same = v === m[3];
    return m[2] === '==' ? same : !same;
  }
  return resolve(e, scope);
}

const WHOLE = /^\$\{([^{}]*)\}$/;
const PART = /\$\{([^{}]*)\}/g;

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function expandString(s: string, scope: Scope): unknown {
  const whole = WHOLE.exec(s);
  if (whole) {
    const v = evaluate(whole[1] as string, scope);
    return v === UNDEFINED ? s : v;
  }
  return s.replace(PART, (all, expr: string) => {
    const v = evaluate(expr, scope);
    return v === UNDEFINED ? all : text(v);
  });
}

function when(node: Record<string, unknown>, scope: Scope): boolean {
  const condition = node.$when;
  if (condition === undefined) return true;
  const v = typeof condition === 'string' ? expandString(condition, scope) : condition;
  return v === true;
}

function expandObject(node: Record<string, unknown>, scope: Scope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$when' || key === '$data') continue;
    // An object under a property with a false $when takes the property away (the card's `refresh`).
    if (value && typeof value === 'object' && !Array.isArray(value) && !when(value as Record<string, unknown>, scope)) continue;
    out[key] = expandNode(value, scope);
  }
  return out;
}

function expandArray(items: unknown[], scope: Scope): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      const node = item as Record<string, unknown>;
      if ('$data' in node) {
        const data = typeof node.$data === 'string' ? expandString(node.$data, scope) : node.$data;
        for (const d of Array.isArray(data) ? data : [data]) {
          const inner = { root: scope.root, data: d };
          if (when(node, inner)) out.push(expandObject(node, inner));
        }
        continue;
      }
      if (when(node, scope)) out.push(expandObject(node, scope));
      continue;
    }
    out.push(expandNode(item, scope));
  }
  return out;
}

function expandNode(node: unknown, scope: Scope): unknown {
  if (typeof node === 'string') return expandString(node, scope);
  if (Array.isArray(node)) return expandArray(node, scope);
  if (node && typeof node === 'object') return expandObject(node as Record<string, unknown>, scope);
  return node;
}

/** Expands a card template with its data (the template's `$root`). */
export function expandTemplate(template: object, data: object): unknown {
  return expandNode(template, { root: data, data });
}
