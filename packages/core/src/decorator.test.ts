import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { jsonAttr, parentId, setupGlassbox } from '@glassbox/test-harness';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import * as core from './index.js';
import { ATTR } from './index.js';

const { exporter, spans } = setupGlassbox();
afterEach(() => exporter.reset());

// A user's file, compiled by the real TypeScript compiler in both decorator modes.
const SOURCE = `
import { trace, SpanType } from '@glassbox/core';

export class Retriever {
  constructor(private readonly index: string) {}

  @trace({ type: SpanType.RETRIEVER })
  async search(query: string, k: number): Promise<string[]> {
    return [this.index, query, String(k), await this.rerank(query)];
  }

  @trace({ name: 'rerank step', type: SpanType.RERANKER })
  async rerank(query: string): Promise<string> {
    return query.toUpperCase();
  }

  @trace()
  static version(): number {
    return 2;
  }

  @trace()
  *chunks(n: number): Generator<number> {
    for (let i = 0; i < n; i++) yield i;
  }

  @trace()
  fail(): never {
    throw new RangeError('out of range');
  }
}
`;

const root = resolve(__dirname, '../../..');

function compile(experimentalDecorators: boolean): string {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    experimentalDecorators,
    skipLibCheck: true,
    types: ['node'],
    baseUrl: root,
    paths: { '@glassbox/core': ['packages/core/src/index.ts'] },
    noEmit: false,
    outDir: join(tmpdir(), 'glassbox-decorator-out'),
  };
  // Type-check the user's file against our real declarations first: the decorator type must fit both modes.
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-decorator-'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'retriever.ts');
  writeFileSync(file, SOURCE);
  const program = ts.createProgram([file], options);
  const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(file));
  const messages = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(messages).toEqual([]);
  return ts.transpileModule(SOURCE, {
    compilerOptions: {
      ...options,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
    },
  }).outputText;
}

function load(js: string): any {
  const module = { exports: {} as any };
  const require = (id: string) => {
    if (id === '@glassbox/core') return core;
    throw new Error(`unexpected require ${id}`);
  };
  new Function('require', 'module', 'exports', js)(require, module, module.exports);
  return module.exports;
}

describe.each([
  ['TypeScript 5 standard decorators', false],
  ['experimentalDecorators', true],
])('@trace() with %s', (_label, experimental) => {
  const { Retriever } = load(compile(experimental));

  it('traces methods, keeps `this`, names spans Class.method and nests calls', async () => {
    const r = new Retriever('docs');
    expect(await r.search('q', 3)).toEqual(['docs', 'q', '3', 'Q']);
    const all = await spans();
    const search = all.find((s) => s.name === 'Retriever.search')!;
    const rerank = all.find((s) => s.name === 'rerank step')!;
    expect(search.attributes[ATTR.SPAN_TYPE]).toBe('RETRIEVER');
    expect(jsonAttr(search, ATTR.INPUTS)).toEqual({ query: 'q', k: 3 });
    expect(rerank.attributes[ATTR.SPAN_TYPE]).toBe('RERANKER');
    expect(parentId(rerank)).toBe(search.spanContext().spanId);
  });

  it('traces static methods and generator methods', async () => {
    expect(Retriever.version()).toBe(2);
    expect([...new Retriever('x').chunks(2)]).toEqual([0, 1]);
    const names = (await spans()).map((s) => s.name);
    expect(names).toContain('Retriever.version');
    expect(names).toContain('Retriever.chunks');
  });

  it('rethrows the same error from a decorated method', async () => {
    const r = new Retriever('x');
    expect(() => r.fail()).toThrow(RangeError);
    const s = (await spans()).find((x) => x.name === 'Retriever.fail')!;
    expect(s.attributes[ATTR.ERROR_TYPE]).toBe('RangeError');
    expect(Retriever.prototype.search.name).toBe('search');
  });
});

describe('@trace() misuse', () => {
  it('throws a GlassboxConfigError when applied to something that is not a method', () => {
    const decorator = core.trace();
    expect(() => (decorator as any)(undefined, { kind: 'field', name: 'x' })).toThrow(
      core.GlassboxConfigError,
    );
    expect(() => (decorator as any)({}, 'x', { get: () => 1 })).toThrow(/applies to methods/);
  });
});
