// The cards' own template expander (src/teams/cards/template.ts) against adaptivecards-templating,
// the reference it replaces at run time: every template of src/teams/cards, many generated data sets
// each (empty and non-empty texts, texts that look like expressions, arrays of 0 to 3 items,
// booleans), the same card out of both.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Template } from 'adaptivecards-templating';
import { expandTemplate } from '../../src/teams/cards/template';

const dir = path.resolve(__dirname, '../../src/teams/cards');
const templates = readdirSync(dir).filter((f) => f.endsWith('.json'));

type Kind = 'array' | 'strings' | 'boolean' | 'scalar';
interface Shape {
  kinds: Map<string, Kind>;
  items: Map<string, Shape>;
}

/** What each path of a template is used as, from its expressions, per scope ($data arrays get their own). */
function shapeOf(template: unknown): Shape {
  const root: Shape = { kinds: new Map(), items: new Map() };
  const note = (shape: Shape, p: string, kind: Kind) => {
    if (p === '$data') return;
    const before = shape.kinds.get(p);
    if (!before || before === 'scalar') shape.kinds.set(p, kind);
  };
  const exprs = (s: string) => [...s.matchAll(/\$\{([^{}]*)\}/g)].map((m) => (m[1] as string).trim());
  const visitExpr = (shape: Shape, e: string, inWhen: boolean) => {
    let m;
    if ((m = /^count\((\S+)\)/.exec(e))) note(shape, m[1] as string, 'array');
    else if ((m = /^!\s*(\S+)$/.exec(e))) note(shape, m[1] as string, 'boolean');
    else if ((m = /^(\S+)\s*(!=|==)/.exec(e))) note(shape, m[1] as string, 'scalar');
    else note(shape, e, inWhen ? 'boolean' : 'scalar');
  };
  const walk = (node: unknown, shape: Shape) => {
    if (typeof node === 'string') return exprs(node).forEach((e) => visitExpr(shape, e, false));
    if (Array.isArray(node)) return node.forEach((n) => walk(n, shape));
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    let inner = shape;
    if (typeof o.$data === 'string') {
      const p = exprs(o.$data)[0] as string;
      inner = shape.items.get(p) ?? { kinds: new Map(), items: new Map() };
      shape.items.set(p, inner);
      note(shape, p, JSON.stringify(o).includes('${$data}') ? 'strings' : 'array');
    }
    if (typeof o.$when === 'string') exprs(o.$when).forEach((e) => visitExpr(inner, e, true));
    for (const [k, v] of Object.entries(o)) if (k !== '$data' && k !== '$when') walk(v, inner);
  };
  walk(template, root);
  return root;
}

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXTS = ['', 'Zoë Ångström 😀', 'a ${title} b', "it's \"quoted\"", '0', 'Invited', 'https://example.com/redeem?x=1&y=2'];

function dataFor(shape: Shape, rnd: () => number): Record<string, unknown> {
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const out: Record<string, unknown> = {};
  const set = (p: string, value: unknown) => {
    const keys = p.replace(/^\$root\./, '').split('.');
    let o = out;
    for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
    o[keys[keys.length - 1] as string] = value;
  };
  for (const [p, kind] of shape.kinds) {
    const n = Math.floor(rnd() * 4);
    if (kind === 'boolean') set(p, rnd() < 0.5);
    else if (kind === 'strings') set(p, Array.from({ length: n }, () => pick(TEXTS)));
    else if (kind === 'array') {
      const item = shape.items.get(p);
      set(p, Array.from({ length: n }, () => (item ? dataFor(item, rnd) : pick(['29:a', '29:b', '29:c']))));
    } else set(p, rnd() < 0.85 ? pick(TEXTS) : pick([3, 1000, true, false]));
  }
  return out;
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, withoutNulls(v)]));
  }
  return value;
}

describe('the card template expander', () => {
  for (const file of templates) {
    it(`expands ${file} as adaptivecards-templating does`, () => {
      const template = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as object;
      const shape = shapeOf(template);
      const rnd = random(file.length * 7919);
      for (let i = 0; i < 150; i++) {
        const data = dataFor(shape, rnd);
        const expected = withoutNulls(new Template(template).expand({ $root: data }));
        assert.deepEqual(withoutNulls(expandTemplate(template, data)), expected, `${file}, data ${JSON.stringify(data)}`);
      }
    });
  }

  it('refuses an expression it does not know instead of rendering it wrong', () => {
    assert.throws(() => expandTemplate({ text: '${if(a, b, c)}' }, { a: true }), /unsupported/);
  });
});
