// The page's sources, checked as text: no API that parses markup or code from a string (so nothing a
// span carries can become HTML or script, whatever a view does with it), no file over 400 lines, no
// import circle, and no runtime import from outside src/web but src/shared (the bundle is the page and
// the dependency-free modules it shares with the server).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const webDir = resolve(__dirname, '../../src/web');
const sharedDir = resolve(__dirname, '../../src/shared');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}
const files = sources(webDir);
const sharedFiles = sources(sharedDir);
const text = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));

describe('the page sources', () => {
  it('exist', () => {
    expect(files.map((f) => relative(webDir, f))).toEqual(
      expect.arrayContaining(['app.ts', 'dom.ts', 'waterfall.ts']),
    );
  });

  it('use no API that parses markup or code from a string', () => {
    const banned =
      /\b(innerHTML|outerHTML|insertAdjacentHTML|createContextualFragment|DOMParser|srcdoc)\b|document\.write|\beval\s*\(|new Function\b/;
    const hits = files.flatMap((f) =>
      text
        .get(f)!
        .split('\n')
        .map((line, i) => [line, i] as const)
        .filter(([line]) => banned.test(line))
        .map(([line, i]) => `${relative(webDir, f)}:${i + 1}: ${line.trim()}`),
    );
    expect(hits).toEqual([]);
  });

  it('set element styles only through the CSSOM (the CSP refuses style attributes)', () => {
    const hits = files
      .filter((f) => /setAttribute\(\s*['"]style['"]/.test(text.get(f)!))
      .map((f) => relative(webDir, f));
    expect(hits).toEqual([]);
  });

  it('are at most 400 lines each', () => {
    const long = files.filter((f) => text.get(f)!.split('\n').length > 400).map((f) => relative(webDir, f));
    expect(long).toEqual([]);
  });

  it('import values only from src/web and src/shared (types may come from the store and @glassbox/evals)', () => {
    const outside: string[] = [];
    for (const f of files) {
      for (const m of text.get(f)!.matchAll(/^import\s+(type\s+)?[^'";]*from\s+'([^']+)'/gm)) {
        const [, isType, spec] = m;
        const target = spec!.startsWith('.') ? resolve(dirname(f), spec!) : '';
        const inside = target.startsWith(`${webDir}/`) || target.startsWith(`${sharedDir}/`);
        if (!isType && !inside) outside.push(`${relative(webDir, f)} imports ${spec}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('share with the server only modules that import nothing at run time', () => {
    expect(sharedFiles.length).toBeGreaterThan(0);
    const imports = sharedFiles.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/^import\s+(type\s+)?[^'";]*from\s+'([^']+)'/gm)]
        .filter((m) => !m[1])
        .map((m) => `${relative(sharedDir, f)} imports ${m[2]}`),
    );
    expect(imports).toEqual([]);
  });

  it('have no import circle', () => {
    const graph = new Map(
      files.map((f) => [
        f,
        [...text.get(f)!.matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)]
          .map((m) => resolve(dirname(f), m[1]!.replace(/\.js$/, '.ts')))
          .filter((p) => text.has(p)),
      ]),
    );
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      stack.push(f);
      for (const next of graph.get(f) ?? []) {
        if (state.get(next) === 'open')
          cycles.push(
            stack
              .slice(stack.indexOf(next))
              .map((x) => relative(webDir, x))
              .join(' -> '),
          );
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
