import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The shape a maintainer checks: no import circle, no source file over 400 lines, a small public entry
// for core, and no public type declared under `internal/`.
const root = resolve(__dirname, '..');
const packages = ['core', 'exporters', 'adapters', 'evals', 'cli'].map((name) =>
  join(root, 'packages', name, 'src'),
);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (entry !== '__fixtures__') out.push(...sources(path));
    } else if (entry.endsWith('.ts') && !entry.endsWith('.test.ts') && !entry.endsWith('.d.ts')) {
      out.push(path);
    }
  }
  return out;
}

const files = packages.flatMap(sources);

/** Relative imports of a file (type-only ones included: a circle of types is a circle too). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:import|export)\s[^'";]*?from\s+'(\.{1,2}\/[^']+)'/g)) {
    found.push(resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts')));
  }
  return found;
}

describe('source shape', () => {
  it('has no import circle in packages/*/src', () => {
    const graph = new Map(files.map((f) => [f, imports(f).filter((i) => files.includes(i))]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') {
          const cycle = stack.slice(stack.indexOf(next)).concat(next);
          cycles.push(cycle.map((f) => relative(root, f)).join(' -> '));
        } else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('has no source file over 400 lines', () => {
    const long = files
      .map((f) => [relative(root, f), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > 400);
    expect(long).toEqual([]);
  });

  it("core's root entry lists at most 25 value exports and holds no logic", () => {
    const index = readFileSync(join(root, 'packages/core/src/index.ts'), 'utf8');
    const values = [...index.matchAll(/^export \{([^}]*)\}/gm)].flatMap((m) =>
      m[1]!
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== '' && !n.startsWith('type ')),
    );
    expect(values.length).toBeLessThanOrEqual(25);
    const statements = index
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const statement of statements) expect(statement).toMatch(/^export (type )?\{[^}]*\} from '[^']+'$/s);
  });

  it('declares no exported public type of an entry point under internal/', () => {
    const entries = [
      'core/src/index.ts',
      'core/src/instrumentation.ts',
      'exporters/src/index.ts',
      'evals/src/index.ts',
      'cli/src/index.ts',
    ];
    const offenders = entries.flatMap((entry) =>
      [...readFileSync(join(root, 'packages', entry), 'utf8').matchAll(/from '(\.\/internal\/[^']+)'/g)].map(
        (m) => `${entry}: ${m[1]}`,
      ),
    );
    expect(offenders).toEqual([]);
  });
});
