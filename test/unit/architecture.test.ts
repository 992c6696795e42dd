// The shape of the code, checked: no import cycles in src/ (type-only imports included: a cycle
// of types is still two modules that cannot be understood apart), and the domain imports nothing
// from the layers around it. Which SDK may be imported where is eslint's job (eslint.config.mjs).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '../..');
const src = path.join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

const compilerOptions: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, resolveJsonModule: true };

/** Each file's imports of other files in src/ (relative imports, resolved as TypeScript does). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .filter((i) => i.fileName.startsWith('.'))
      .map((i) => ts.resolveModuleName(i.fileName, file, compilerOptions, ts.sys).resolvedModule?.resolvedFileName)
      .filter((f): f is string => !!f && f.endsWith('.ts') && !f.endsWith('.d.ts'));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The cycles of the graph, each as the files around it (Tarjan's strongly connected components). */
export function cyclesOf(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.map((f) => path.relative(root, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return cycles;
}

describe('the shape of the code', () => {
  const graph = importGraph();

  it('finds an import cycle when there is one (the check itself)', () => {
    const cyclic = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    assert.deepEqual(cyclesOf(cyclic).map((c) => c.length), [3]);
    assert.deepEqual(cyclesOf(new Map([['a', ['b']], ['b', []]])), []);
  });

  it('has no import cycles in src/', () => {
    assert.ok(graph.size > 50, `the graph was read (${graph.size} files)`);
    assert.deepEqual(cyclesOf(graph), []);
  });

  it('keeps the domain free of the layers around it: it imports only the domain', () => {
    const domain = path.join(src, 'domain') + path.sep;
    const outside = [...graph].flatMap(([file, targets]) =>
      file.startsWith(domain) ? targets.filter((t) => !t.startsWith(domain)).map((t) => `${path.relative(root, file)} → ${path.relative(root, t)}`) : [],
    );
    assert.deepEqual(outside, []);
  });

  it('keeps the Teams layer free of the hosts, Graph, HTTP and stores: it sees them through ports', () => {
    const teams = path.join(src, 'teams') + path.sep;
    const forbidden = ['hosts', 'graph', 'http', 'store', 'sandbox'].map((d) => path.join(src, d) + path.sep);
    const leaks = [...graph].flatMap(([file, targets]) =>
      file.startsWith(teams) ? targets.filter((t) => forbidden.some((f) => t.startsWith(f))).map((t) => `${path.relative(root, file)} → ${path.relative(root, t)}`) : [],
    );
    assert.deepEqual(leaks, []);
  });

  it('has lint refuse an SDK outside its folder and allow it at home (eslint.config.mjs)', async () => {
    const { ESLint } = await import('eslint');
    const eslint = new ESLint({ cwd: root });
    const restricted = async (file: string, code: string) =>
      (await eslint.lintText(code, { filePath: path.join(root, file) }))[0]!.messages.filter((m) => m.ruleId === 'no-restricted-imports').length;
    const botbuilder = "import { TurnContext } from 'botbuilder';\nexport const x = TurnContext;\n";
    const graphSdk = "import { Client } from '@microsoft/microsoft-graph-client';\nexport const x = Client;\n";
    const restify = "import restify from 'restify';\nexport const x = restify;\n";
    assert.equal(await restricted('src/domain/policy.ts', botbuilder), 1, 'botbuilder in the domain');
    assert.equal(await restricted('src/teams/bot.ts', botbuilder), 1, 'botbuilder in the Teams layer');
    assert.equal(await restricted('src/teams/bot.ts', graphSdk), 1, 'the Graph SDK in the Teams layer');
    assert.equal(await restricted('src/app.ts', restify), 1, 'restify in the composition');
    assert.equal(await restricted('src/hosts/botbuilder/host.ts', botbuilder), 0, 'botbuilder in its host');
    assert.equal(await restricted('src/graph/graphClient.ts', graphSdk), 0, 'the Graph SDK in src/graph');
  });
});
