/**
 * The module graph of src/: no import cycles (type-only imports included: a cycle of types is still a
 * circle a reader has to untangle), and the layer rules of README "How it works".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

/** module (path relative to src, .ts) → the src modules it imports (static and dynamic). */
export function importGraph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of files(SRC)) {
    const text = readFileSync(f, 'utf8');
    const deps = new Set<string>();
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)) {
      deps.add(relative(SRC, resolve(dirname(f), m[1]! + '.ts')));
    }
    g.set(relative(SRC, f), [...deps].sort());
  }
  return g;
}

export function cycles(g: Map<string, string[]>): string[][] {
  const out: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const d of g.get(n) ?? []) {
      if (state.get(d) === 'open') out.push([...stack.slice(stack.indexOf(d)), d]);
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...g.keys()].sort()) if (!state.has(n)) visit(n);
  return out;
}

describe('module graph of src/', () => {
  const g = importGraph();

  it('resolves every relative import to a module that exists', () => {
    const missing = [...g].flatMap(([m, deps]) => deps.filter((d) => !g.has(d)).map((d) => `${m} → ${d}`));
    expect(missing).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles(g).map((c) => c.join(' → '))).toEqual([]);
  });

  it('finds a cycle when there is one (the checker itself)', () => {
    const g2 = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
    expect(cycles(g2)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('scan drivers import the entry toolkit, never each other or archive.ts', () => {
    for (const driver of ['scan/zip.ts', 'scan/directory.ts', 'scan/tar-scan.ts', 'scan/entries.ts']) {
      const deps = g.get(driver) ?? [];
      expect(deps.filter((d) => ['scan/archive.ts', 'scan/zip.ts', 'scan/directory.ts', 'scan/tar-scan.ts'].includes(d)), driver).toEqual([]);
    }
  });

  it('core/ imports nothing outside core/ but pure util/ helpers that import nothing themselves', () => {
    const pureUtil = (d: string) => d.startsWith('util/') && (g.get(d) ?? []).length === 0;
    const out = [...g].filter(([m]) => m.startsWith('core/')).flatMap(([m, deps]) => deps.filter((d) => !d.startsWith('core/') && !pureUtil(d)).map((d) => `${m} → ${d}`));
    expect(out).toEqual([]);
  });
});

describe('renderers', () => {
  it('do not import each other: shared wording lives with the code registry (core/wording.ts, core/codes.ts)', () => {
    const g = importGraph();
    // index.ts and formats.ts (the CLI's loader of one renderer) dispatch to the renderers; they render nothing.
    const renderers = [...g.keys()].filter((m) => m.startsWith('render/') && m !== 'render/index.ts' && m !== 'render/formats.ts');
    const out = renderers.flatMap((m) => g.get(m)!.filter((d) => d.startsWith('render/')).map((d) => `${m} → ${d}`));
    expect(out).toEqual([]);
  });
});
