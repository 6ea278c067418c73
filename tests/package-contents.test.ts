import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// What npm users get: the file list of each package's tarball, as `pnpm pack` (the publish path, which
// also rewrites `workspace:*`) would write it. `--dry-run` lists the files without writing a tarball.
// CI builds before testing; a plain `pnpm test` on a fresh clone has no dist and skips this file.
const root = resolve(__dirname, '..');
const names = ['core', 'exporters', 'adapters', 'evals', 'cli'] as const;
const built = names.every((name) => existsSync(join(root, 'packages', name, 'dist')));

const ENTRY_FILES = ['js', 'cjs', 'd.ts', 'd.cts'];
/** The entry points each package must ship (the adapters have no root entry, only subpaths). */
const ENTRIES: Record<(typeof names)[number], string[]> = {
  core: ['index', 'instrumentation'],
  exporters: ['index'],
  adapters: [
    'openai',
    'anthropic',
    'tools',
    'rewrite',
    'retrieval',
    'prompts',
    'ai-sdk',
    'langchain',
    'guardrails',
    'mcp',
  ].map((subpath) => `${subpath}/index`),
  evals: ['index'],
  cli: ['index'],
};

function packedFiles(dir: string): string[] {
  const out = execFileSync('pnpm', ['pack', '--dry-run', '--json'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    shell: process.platform === 'win32',
  });
  const report = JSON.parse(out) as { files: { path: string }[] } | { files: { path: string }[] }[];
  return (Array.isArray(report) ? report[0]! : report).files.map((f) => f.path.replace(/\\/g, '/')).sort();
}

function filesUnder(dir: string, prefix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

/** Every file path named by an exports map (all conditions), `main`, `module` and `types`. */
function manifestTargets(pkg: any): string[] {
  const found: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') found.push(value.replace(/^\.\//, ''));
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(pkg.exports);
  for (const key of ['main', 'module', 'types']) walk(pkg[key]);
  return [...new Set(found)].sort();
}

describe.skipIf(!built).each(names)('@glassbox/%s tarball', (name) => {
  const dir = join(root, 'packages', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const files = built ? packedFiles(dir) : [];

  it('holds package.json, README.md, LICENSE and dist/, nothing else', () => {
    expect(files.filter((f) => !f.startsWith('dist/'))).toEqual(['LICENSE', 'README.md', 'package.json']);
    expect(files.filter((f) => f.startsWith('dist/'))).toEqual(filesUnder(join(dir, 'dist'), 'dist/').sort());
  });

  it('ships every entry point as ESM, CommonJS and types for both', () => {
    for (const entry of ENTRIES[name]) {
      for (const ext of ENTRY_FILES) expect(files).toContain(`dist/${entry}.${ext}`);
    }
    expect(files).toEqual(expect.arrayContaining(manifestTargets(pkg)));
  });

  it('holds no sources, tests, fixtures or build config', () => {
    const dist = files.filter((f) => f.startsWith('dist/'));
    // The CLI also ships the viewer's page (built into dist/web/ by its tsup config).
    const page = name === 'cli' ? ['dist/web/app.css', 'dist/web/index.html'] : [];
    expect(dist.filter((f) => !/\.(js|cjs|d\.ts|d\.cts|js\.map|cjs\.map)$/.test(f))).toEqual(page);
    expect(files.filter((f) => /(^|\/)(src|tests?|__tests__|__fixtures__|node_modules)\//.test(f))).toEqual(
      [],
    );
    expect(files.filter((f) => /\.(test|spec)\.|tsup\.config|tsconfig|\.tsbuildinfo$/.test(f))).toEqual([]);
  });

  // The sourcemaps are kept (stack traces under --enable-source-maps, debuggers); src/ is not shipped,
  // so each map must carry its sources' text itself. One exception: tsup's CommonJS code-splitting pass
  // (core) lists the script itself, by its absolute build path and without content, as an extra source.
  it('ships self-contained sourcemaps, each beside its script', () => {
    const maps = files.filter((f) => f.endsWith('.map'));
    for (const map of maps) {
      const script = map.slice(0, -'.map'.length);
      expect(files).toContain(script);
      const { sources, sourcesContent } = JSON.parse(readFileSync(join(dir, map), 'utf8'));
      expect(sourcesContent?.length, map).toBe(sources.length);
      const missing = (sources as string[]).filter(
        (source, i) => typeof sourcesContent[i] !== 'string' && resolve(source) !== join(dir, script),
      );
      expect(missing, map).toEqual([]);
    }
  });

  it('has a README, the Apache-2.0 text and the npm page fields', () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme.startsWith(`# ${pkg.name}\n`)).toBe(true);
    expect(readme).toMatch(new RegExp(`npm install (-g )?${pkg.name.replace('/', '\\/')}`));
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toContain('Version 2.0, January 2004');
    expect(pkg.license).toBe('Apache-2.0');
    expect(pkg.files).toEqual(['dist']);
    expect(pkg.repository).toMatchObject({ type: 'git', directory: `packages/${name}` });
    expect(pkg.repository.url).toMatch(/^git\+https:\/\/.+\.git$/);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs?.url).toMatch(/^https:\/\//);
    expect(pkg.keywords).toEqual(expect.arrayContaining(['opentelemetry', 'llm']));
  });
});
