// A small OData $filter parser/evaluator covering what the bot sends to /users: eq, in,
// startswith, otherMails/any(x:x eq 'v'), and/or/parentheses, with '' as an escaped apostrophe.
// Anything else is rejected the way Graph rejects it (400 "Invalid filter clause") so the sandbox
// never silently accepts a query the real service would refuse.

export class FilterSyntaxError extends Error {}

type Token =
  | { kind: 'str'; value: string }
  | { kind: 'ident'; value: string }
  | { kind: 'null' }
  | { kind: 'punct'; value: '(' | ')' | ',' | ':' | '/' };

export type FilterNode =
  | { op: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { op: 'eq' | 'ne'; prop: string; value: string | null }
  | { op: 'in'; prop: string; values: string[] }
  | { op: 'startswith'; prop: string; value: string }
  | { op: 'any'; prop: string; value: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      // OData string literal: '' inside is one apostrophe (o''brien -> o'brien).
      let value = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new FilterSyntaxError('unterminated string literal');
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += src[i];
        i++;
      }
      out.push({ kind: 'str', value });
    } else if ('(),:/'.includes(c)) {
      out.push({ kind: 'punct', value: c as '(' | ')' | ',' | ':' | '/' });
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_.]/.test(src[j] as string)) j++;
      const word = src.slice(i, j);
      out.push(word === 'null' ? { kind: 'null' } : { kind: 'ident', value: word });
      i = j;
    } else {
      throw new FilterSyntaxError(`unexpected character '${c}'`);
    }
  }
  return out;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.orExpr();
    if (this.pos !== this.tokens.length) throw new FilterSyntaxError('unexpected trailing tokens');
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw new FilterSyntaxError('unexpected end of clause');
    return t;
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t?.kind === 'ident' && t.value.toLowerCase() === word;
  }

  private expectPunct(p: string): void {
    const t = this.next();
    if (t.kind !== 'punct' || t.value !== p) throw new FilterSyntaxError(`expected '${p}'`);
  }

  private ident(): string {
    const t = this.next();
    if (t.kind !== 'ident') throw new FilterSyntaxError('expected a property name');
    return t.value;
  }

  private str(): string {
    const t = this.next();
    if (t.kind !== 'str') throw new FilterSyntaxError('expected a string literal');
    return t.value;
  }

  private orExpr(): FilterNode {
    let left = this.andExpr();
    while (this.isWord('or')) {
      this.pos++;
      left = { op: 'or', left, right: this.andExpr() };
    }
    return left;
  }

  private andExpr(): FilterNode {
    let left = this.primary();
    while (this.isWord('and')) {
      this.pos++;
      left = { op: 'and', left, right: this.primary() };
    }
    return left;
  }

  private primary(): FilterNode {
    const t = this.peek();
    if (t?.kind === 'punct' && t.value === '(') {
      this.pos++;
      const inner = this.orExpr();
      this.expectPunct(')');
      return inner;
    }
    if (this.isWord('startswith')) {
      this.pos++;
      this.expectPunct('(');
      const prop = this.ident();
      this.expectPunct(',');
      const value = this.str();
      this.expectPunct(')');
      return { op: 'startswith', prop, value };
    }
    const prop = this.ident();
    const after = this.peek();
    if (after?.kind === 'punct' && after.value === '/') {
      // collection/any(x:x eq 'v')
      this.pos++;
      if (!this.isWord('any')) throw new FilterSyntaxError('only any() is supported on collections');
      this.pos++;
      this.expectPunct('(');
      const v = this.ident();
      this.expectPunct(':');
      if (this.ident() !== v) throw new FilterSyntaxError('lambda variable mismatch');
      if (!this.isWord('eq')) throw new FilterSyntaxError('only eq is supported inside any()');
      this.pos++;
      const value = this.str();
      this.expectPunct(')');
      return { op: 'any', prop, value };
    }
    if (this.isWord('eq') || this.isWord('ne')) {
      const op = (this.next() as { value: string }).value.toLowerCase() as 'eq' | 'ne';
      const lit = this.next();
      if (lit.kind === 'null') return { op, prop, value: null };
      if (lit.kind !== 'str') throw new FilterSyntaxError('expected a string literal');
      return { op, prop, value: lit.value };
    }
    if (this.isWord('in')) {
      this.pos++;
      this.expectPunct('(');
      const values = [this.str()];
      for (;;) {
        const sep = this.next();
        if (sep.kind === 'punct' && sep.value === ')') break;
        if (sep.kind !== 'punct' || sep.value !== ',') throw new FilterSyntaxError("expected ',' or ')'");
        values.push(this.str());
      }
      return { op: 'in', prop, values };
    }
    throw new FilterSyntaxError(`unsupported operator after '${prop}'`);
  }
}

export function parseFilter(src: string): FilterNode {
  return new Parser(tokenize(src)).parse();
}

/** Properties the filter may name, with their value on a record (strings or string lists). */
export type FilterableRecord = Record<string, string | string[] | null | undefined | boolean | number>;

// Directory string comparisons are case-insensitive (mail, UPN, and in practice names too).
const norm = (v: unknown): string | null => (v === null || v === undefined ? null : String(v).toLowerCase());

export function evaluateFilter(node: FilterNode, rec: FilterableRecord, allowed: ReadonlySet<string>): boolean {
  const prop = (name: string): unknown => {
    if (!allowed.has(name)) throw new FilterSyntaxError(`property '${name}' is not filterable`);
    return rec[name];
  };
  switch (node.op) {
    case 'and':
      return evaluateFilter(node.left, rec, allowed) && evaluateFilter(node.right, rec, allowed);
    case 'or':
      return evaluateFilter(node.left, rec, allowed) || evaluateFilter(node.right, rec, allowed);
    case 'eq':
    case 'ne': {
      const v = prop(node.prop);
      if (Array.isArray(v)) throw new FilterSyntaxError(`'${node.prop}' is a collection: use any()`);
      const equal = norm(v) === norm(node.value);
      return node.op === 'eq' ? equal : !equal;
    }
    case 'in': {
      const v = norm(prop(node.prop));
      return node.values.some((x) => norm(x) === v);
    }
    case 'startswith': {
      const v = norm(prop(node.prop));
      return v !== null && v.startsWith(norm(node.value) ?? '');
    }
    case 'any': {
      const v = prop(node.prop);
      if (!Array.isArray(v)) throw new FilterSyntaxError(`'${node.prop}' is not a collection`);
      return v.some((x) => norm(x) === norm(node.value));
    }
  }
}

/** Validates property names up front so an empty directory still rejects a bad clause. */
export function checkFilterProperties(node: FilterNode, allowed: ReadonlySet<string>): void {
  if ('left' in node) {
    checkFilterProperties(node.left, allowed);
    checkFilterProperties(node.right, allowed);
    return;
  }
  if (!allowed.has(node.prop)) {
    throw new FilterSyntaxError(`property '${node.prop}' is not filterable`);
  }
}
