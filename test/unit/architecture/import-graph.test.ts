/**
 * The shape of lambdas/, held by its import graph: the folders import each other without cycles, the
 * domain depends on nothing but the pure build tools, the adapters stand side by side over it, and
 * the CDK app (lib/, bin/) never loads Powertools or an AWS SDK client through what it imports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const LAMBDAS = join(ROOT, 'lambdas');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourcesUnder(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every import and export-from specifier of a file (type-only ones included: they are dependencies too). */
function specifiersOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms), ...text.matchAll(/^\s*import\s+'([^']+)'/gm)].map((m) => m[1]!);
}

const folderOf = (file: string) => relative(LAMBDAS, file).split('/')[0]!;

/** lambdas/ folder -> the other lambdas/ folders its files import. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourcesUnder(LAMBDAS)) {
    const from = folderOf(file);
    if (from.endsWith('.ts')) continue; // top-level modules (config.ts) are shared settings, imported by anyone
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const spec of specifiersOf(file)) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(LAMBDAS + '/')) continue;
      const to = folderOf(target);
      if (to !== from && !to.endsWith('.ts')) edges.add(to);
    }
  }
  return graph;
}

/** A cycle through the graph, as the folders on it, or undefined. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Every file and package a file reaches through relative imports, and the packages on the way. */
function packagesReachedFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of specifiersOf(file)) {
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  };
  walk(entry);
  return packages;
}

describe('the import graph of lambdas/', () => {
  const graph = folderGraph();

  it('has no cycle between folders', () => {
    expect(findCycle(graph)).toBeUndefined();
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    const withCycle = new Map([...graph].map(([k, v]) => [k, new Set(v)]));
    withCycle.get('builds')!.add('domain');
    expect(findCycle(withCycle)).toEqual(expect.arrayContaining(['domain', 'builds']));
  });

  it('keeps the domain free of adapters: it imports the pure build tools only', () => {
    expect([...graph.get('domain')!]).toEqual(['builds']);
    expect([...graph.get('builds')!]).toEqual([]);
    expect([...graph.get('observability')!]).toEqual([]);
  });

  it('keeps the HTTP adapter beside the other adapters, not under them', () => {
    for (const adapter of ['store', 'aws', 'observability', 'builds', 'domain']) expect(graph.get(adapter)!.has('http')).toBe(false);
  });
});

describe('the CDK app', () => {
  it('loads neither Powertools nor an AWS SDK client through lambdas/ modules', () => {
    const reached = [...packagesReachedFrom(join(ROOT, 'bin/app.ts'))];
    expect(reached.filter((p) => p.startsWith('@aws-lambda-powertools') || p.startsWith('@aws-sdk/client-'))).toEqual([]);
    expect(reached).toContain('aws-cdk-lib'); // the walk did reach the stacks
  });
});
