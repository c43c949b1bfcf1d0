// Issue 9: the engine's folders form layers (dialects below runner, runner below offline and
// autogenerate, the entry point above all), so no folder imports one that imports it back. This reads
// every source file's value imports (an `import type` is erased and links nothing at run time) and
// fails on any cycle between folders, naming the files that make it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_DIR } from './support/streams.js';

const SRC = join(ENGINE_DIR, 'src');

/** A module's place in the layering: its top folder under src/, or its own name for a file at the top (index, errors, version). */
function unitOf(file: string): string {
  const [first, ...rest] = relative(SRC, file).split(sep);
  return rest.length === 0 ? (first as string).replace(/\.[jt]s$/, '') : (first as string);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__fixtures__' ? [] : sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.spec\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Edges between units, each with the files that make it: `from → to → [file]`. */
function importGraph(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of sourceFiles(SRC)) {
    const from = unitOf(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^(import|export)\s+(type\s)?[^;]*?from\s+'(\.[^']+)'/gms)) {
      if (match[2] !== undefined) continue;
      const to = unitOf(resolve(dirname(file), match[3] as string));
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      edges.set(to, [...new Set([...(edges.get(to) ?? []), relative(SRC, file)])]);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** The strongly connected components of more than one node (Tarjan): each is a cycle, or several. */
function cycles(edges: ReadonlyMap<string, Iterable<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let top = stack.pop(); top !== undefined; top = top === node ? undefined : stack.pop()) {
      onStack.delete(top);
      component.push(top);
    }
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

describe('engine folders import each other in one direction only', () => {
  it('finds a cycle where there is one (the check can fail)', () => {
    const graph = new Map([
      ['runner', ['dialects', 'offline']],
      ['offline', ['runner']],
      ['dialects', []],
    ]);
    expect(cycles(graph)).toEqual([['offline', 'runner']]);
    expect(cycles(new Map([['runner', ['dialects']], ['offline', ['runner']]]))).toEqual([]);
  });

  it('has no cycle between the folders of packages/engine/src', () => {
    const graph = importGraph();
    expect(graph.get('runner')?.has('dialects'), 'the graph was read').toBe(true);
    const found = cycles(new Map([...graph].map(([from, to]) => [from, [...to.keys()]])));
    const explain = found.map((units) =>
      units
        .flatMap((from) => units.filter((to) => graph.get(from)?.has(to)).map((to) => `${from} → ${to} (${graph.get(from)?.get(to)?.join(', ')})`))
        .join('\n'),
    );
    expect(explain).toEqual([]);
  });
});
