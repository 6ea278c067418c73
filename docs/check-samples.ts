// Type-checks the TypeScript code samples of the docs against the real sources.
//
// Every ```ts (or ```typescript, ```tsx) block of README.md, docs/**/*.md and examples/**/README.md is
// compiled as its own module with the compiler options and `paths` of tsconfig.json, so
// `@glassbox/core` & co. resolve to packages/*/src. Third-party imports resolve as from the examples
// package first (the "user app": openai, express, zod, OpenTelemetry SDKs), then from any other
// workspace package that has the dependency installed.
//
// Marking blocks:
//   ```ts nocheck            a deliberately partial block (a fragment, pseudo-code): not compiled.
//   <!-- sample-context      declarations the block may use without showing them, e.g. a value
//   declare const vectorStore: { search(q: string, k: number): Promise<{ text: string }[]> };
//   -->                      defined by an earlier block; put it right above the fence (invisible on GitHub).
//
// Run: npx tsx docs/check-samples.ts   (the test docs/docs-samples.test.ts runs the same check in CI)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const LANGUAGES = new Set(['ts', 'typescript', 'tsx', 'mts', 'cts']);

/** One fenced TypeScript block of a markdown file. */
export interface Sample {
  /** The markdown file, relative to the repository root (`docs/api.md`). */
  file: string;
  /** 1-based line of the first code line (the line after the opening fence). */
  line: number;
  code: string;
  /** Declarations from a `<!-- sample-context ... -->` comment right above the fence. */
  context: string;
  /** True for ```ts nocheck blocks. */
  nocheck: boolean;
  /** The fence's language tag (`ts`, `typescript`, `tsx`...). */
  language: string;
}

/** A compiler error in a sample, located in the markdown file. */
export interface SampleProblem {
  file: string;
  line: number;
  column: number;
  code: number;
  message: string;
}

/** The fenced TypeScript blocks of one markdown text. */
export function extractSamples(markdown: string, file: string): Sample[] {
  const lines = markdown.split(/\r?\n/);
  const samples: Sample[] = [];
  let pendingContext: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const contextStart = raw.match(/^\s*<!--\s*sample-context\b(.*)$/);
    if (contextStart) {
      const body: string[] = [];
      let rest = contextStart[1]!;
      while (!rest.includes('-->') && i + 1 < lines.length) {
        body.push(rest);
        rest = lines[++i]!;
      }
      body.push(rest.slice(0, rest.indexOf('-->')));
      pendingContext = body.join('\n').trim();
      continue;
    }
    const open = raw.match(/^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/);
    if (!open) {
      // Only blank lines may stand between a context comment and its fence.
      if (raw.trim() !== '') pendingContext = undefined;
      continue;
    }
    const [, indent, fence, language, info] = open;
    const body: string[] = [];
    let j = i + 1;
    const close = new RegExp(`^\\s*${fence![0] === '`' ? '`' : '~'}{${fence!.length},}\\s*$`);
    for (; j < lines.length && !close.test(lines[j]!); j++) {
      const line = lines[j]!;
      body.push(line.startsWith(indent!) ? line.slice(indent!.length) : line.trimStart());
    }
    const lang = language!.toLowerCase();
    if (LANGUAGES.has(lang)) {
      samples.push({
        file,
        line: i + 2,
        code: body.join('\n'),
        context: pendingContext ?? '',
        nocheck: /(^|\s)nocheck(\s|$)/.test(info!),
        language: lang,
      });
    }
    pendingContext = undefined;
    i = j;
  }
  return samples;
}

/** README.md, docs/**\/*.md and examples/**\/README.md, relative to the repository root, sorted. */
export function markdownFiles(root = REPO_ROOT): string[] {
  const found: string[] = [];
  const walk = (dir: string, accept: (name: string) => boolean) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, accept);
      else if (accept(entry.name)) found.push(relative(root, path).split(sep).join('/'));
    }
  };
  if (existsSync(join(root, 'README.md'))) found.push('README.md');
  walk(join(root, 'docs'), (name) => name.endsWith('.md'));
  walk(join(root, 'examples'), (name) => name === 'README.md');
  // The packages' own READMEs are their npm pages: their samples must compile too.
  const packages = join(root, 'packages');
  if (existsSync(packages)) {
    for (const entry of readdirSync(packages, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(packages, entry.name, 'README.md'))) {
        found.push(`packages/${entry.name}/README.md`);
      }
    }
  }
  return found.sort();
}

// Where third-party imports of a sample are looked up, in order: the examples package (the user's app),
// then the workspace packages that have SDKs and frameworks installed as dev dependencies.
const RESOLUTION_BASES = [
  'examples',
  'packages/adapters/src',
  'packages/exporters/src',
  'packages/core/src',
  'tools/fake-llm/src',
  'bench',
  'docs',
];

/** Compiles the samples (all in one program) and returns the errors, located in the markdown files. */
export function checkSamples(samples: Sample[], root = REPO_ROOT): SampleProblem[] {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, jsx: ts.JsxEmit.ReactJSX };

  // Virtual files under docs/.samples/: never written to disk.
  const virtualDir = join(root, 'docs', '.samples');
  const virtual = new Map<string, { sample: Sample; text: string; contextLines: number }>();
  for (const [n, sample] of samples.entries()) {
    if (sample.nocheck) continue;
    const slug = sample.file.replace(/[^\w]+/g, '_');
    const ext = sample.language === 'tsx' ? 'tsx' : 'ts';
    const path = join(virtualDir, `${slug}_L${sample.line}_${n}.${ext}`);
    const context = sample.context === '' ? '' : `${sample.context}\n`;
    // `export {}` keeps a block without imports a module, so blocks never clash with each other.
    const text = `${context}${sample.code}\nexport {};\n`;
    virtual.set(path, { sample, text, contextLines: context === '' ? 0 : context.split('\n').length - 1 });
  }
  if (virtual.size === 0) return [];

  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f)?.text ?? readFile.call(host, f);
  host.getSourceFile = (f, languageVersion, onError, shouldCreate) => {
    const v = virtual.get(f);
    return v
      ? ts.createSourceFile(f, v.text, languageVersion, true)
      : getSourceFile.call(host, f, languageVersion, onError, shouldCreate);
  };
  const cache = ts.createModuleResolutionCache(root, (f) => f, options);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, opts) =>
    literals.map((literal) => {
      const name = literal.text;
      const from = (file: string) => ts.resolveModuleName(name, file, opts, host, cache, redirected);
      const first = from(containingFile);
      if (first.resolvedModule || !virtual.has(containingFile)) return first;
      for (const base of RESOLUTION_BASES) {
        const retry = from(join(root, base, '__sample__.ts'));
        if (retry.resolvedModule) return retry;
      }
      return first;
    });

  const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
  const problems: SampleProblem[] = [];
  for (const [path, { sample, contextLines }] of virtual) {
    const source = program.getSourceFile(path)!;
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    for (const d of diagnostics) {
      const { line, character } = d.file
        ? d.file.getLineAndCharacterOfPosition(d.start ?? 0)
        : { line: 0, character: 0 };
      const inContext = line < contextLines;
      let message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (d.code === 2307) {
        message +=
          ' (not installed in the workspace: add it to examples/package.json, or mark the block `ts nocheck`)';
      }
      problems.push({
        file: sample.file,
        // Errors in the context comment are reported at the fence.
        line: inContext ? sample.line - 1 : sample.line + line - contextLines,
        column: inContext ? 1 : character + 1,
        code: d.code,
        message: inContext ? `in <!-- sample-context -->: ${message}` : message,
      });
    }
  }
  return problems;
}

/** `file:line:column TScode message`, the way editors link to it. */
export function formatProblem(p: SampleProblem): string {
  return `${p.file}:${p.line}:${p.column} TS${p.code} ${p.message}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const samples = markdownFiles().flatMap((file) =>
    extractSamples(readFileSync(join(REPO_ROOT, file), 'utf8'), file),
  );
  const problems = checkSamples(samples);
  for (const p of problems) console.log(formatProblem(p));
  const checked = samples.filter((s) => !s.nocheck).length;
  console.log(
    `${checked} samples checked, ${samples.length - checked} marked nocheck, ${problems.length} problem(s)`,
  );
  process.exitCode = problems.length > 0 ? 1 : 0;
}
