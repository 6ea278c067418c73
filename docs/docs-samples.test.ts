// Every ```ts block of README.md, docs/**/*.md, examples/**/README.md and packages/*/README.md must compile against the real
// sources. How blocks are found, marked (`ts nocheck`, `<!-- sample-context -->`) and compiled: see
// docs/check-samples.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkSamples,
  extractSamples,
  formatProblem,
  markdownFiles,
  REPO_ROOT,
  type Sample,
  type SampleProblem,
} from './check-samples.js';

const files = markdownFiles();
const samples: Sample[] = files.flatMap((file) =>
  extractSamples(readFileSync(join(REPO_ROOT, file), 'utf8'), file),
);
let problems: SampleProblem[] = [];

// One program for every sample: compiling them together is what keeps this fast.
beforeAll(() => {
  problems = checkSamples(samples);
}, 120_000);

describe('docs code samples type-check', () => {
  it('finds the docs and their samples', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/getting-started.md');
    expect(samples.filter((s) => s.file === 'README.md').length).toBeGreaterThan(0);
  });

  it.each(files)('%s', (file) => {
    expect(problems.filter((p) => p.file === file).map(formatProblem)).toEqual([]);
  });
});

describe('sample extraction', () => {
  const md = [
    '# Title',
    '```ts',
    "const a: number = 'not a number';",
    '```',
    '<!-- sample-context',
    'declare const store: { get(): string };',
    '-->',
    '',
    '```typescript',
    'store.get().toUpperCase();',
    '```',
    '```ts nocheck',
    'partial(',
    '```',
    '```sh',
    'echo not ts',
    '```',
    '1. In a list:',
    '   ```ts',
    '   const b = 1;',
    '   ```',
  ].join('\n');
  const extracted = extractSamples(md, 'x.md');

  it('reads ts/typescript blocks with their line, context and nocheck flag; skips other languages', () => {
    expect(extracted.map(({ line, nocheck, context }) => ({ line, nocheck, context }))).toEqual([
      { line: 3, nocheck: false, context: '' },
      { line: 10, nocheck: false, context: 'declare const store: { get(): string };' },
      { line: 13, nocheck: true, context: '' },
      { line: 20, nocheck: false, context: '' },
    ]);
    expect(extracted[3]!.code).toBe('const b = 1;');
  });

  it('reports errors at their markdown line, uses the context, and skips nocheck blocks', () => {
    const found = checkSamples(extracted);
    expect(found.map((p) => `${p.line}:${p.code}`)).toEqual(['3:2322']);
  }, 60_000);
});
