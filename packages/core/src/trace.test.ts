import { jsonAttr, parentId, setupGlassbox } from '@glassbox/test-harness';
import { trace as otelTrace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { ATTR, GlassboxConfigError, SpanType, trace } from './index.js';

const { exporter, spans, span } = setupGlassbox();

afterEach(() => exporter.reset());

describe('trace(fn): semantics preserved', () => {
  it('keeps a sync function sync, with the same value, name and length', async () => {
    function add(a: number, b: number) {
      return a + b;
    }
    const traced = trace(add);
    const result = traced(2, 3);
    expect(result).toBe(5);
    expect(traced.name).toBe('add');
    expect(traced.length).toBe(2);
    const s = await span('add');
    expect(s.ended).toBe(true);
    expect(s.status.code).toBe(SpanStatusCode.UNSET);
    expect(s.attributes[ATTR.SPAN_TYPE]).toBe('UNKNOWN');
    expect(jsonAttr(s, ATTR.INPUTS)).toEqual({ a: 2, b: 3 });
    expect(jsonAttr(s, ATTR.OUTPUTS)).toBe(5);
    expect(s.kind).toBe(SpanKind.INTERNAL);
  });

  it('resolves an async function to the same value and ends the span only when it settles', async () => {
    const value = { answer: 42 };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const traced = trace(async function slow(q: string) {
      await gate;
      return q ? value : undefined;
    });
    const promise = traced('q');
    expect(promise).toBeInstanceOf(Promise);
    await new Promise((r) => setTimeout(r, 5));
    expect(exporter.spans()).toHaveLength(0);
    release();
    expect(await promise).toBe(value);
    const s = await span('slow');
    expect(jsonAttr(s, ATTR.OUTPUTS)).toEqual({ answer: 42 });
    expect(jsonAttr(s, ATTR.INPUTS)).toEqual({ q: 'q' });
  });

  it('rethrows the very same error object and records it', async () => {
    class QuotaError extends Error {}
    const error = new QuotaError('over quota');
    const traced = trace(function failing() {
      throw error;
    });
    let caught: unknown;
    try {
      traced();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(error);
    const s = await span('failing');
    expect(s.status).toEqual({ code: SpanStatusCode.ERROR, message: 'over quota' });
    expect(s.attributes[ATTR.ERROR_TYPE]).toBe('QuotaError');
    expect(s.events.map((e) => e.name)).toContain('exception');
    expect(s.ended).toBe(true);
  });

  it('redacts secrets echoed in error messages and stacks, and still rethrows the original error', async () => {
    const key = `sk-proj-${'Zx9'.repeat(16)}`;
    const error = new Error(`401 Incorrect API key provided: ${key}`);
    const traced = trace(function unauthorized() {
      throw error;
    });
    expect(() => traced()).toThrow(error);
    expect(error.message).toContain(key);
    const s = await span('unauthorized');
    expect(JSON.stringify({ status: s.status, events: s.events })).not.toContain(key);
    expect(s.status.message).toContain('[REDACTED]');
  });

  it('rejects with the very same error object', async () => {
    const error = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    const traced = trace(async function rejecting() {
      throw error;
    });
    await expect(traced()).rejects.toBe(error);
    const s = await span('rejecting');
    expect(s.status.code).toBe(SpanStatusCode.ERROR);
    expect(s.attributes[ATTR.ERROR_TYPE]).toBe('ECONNREFUSED');
  });

  it('records a thrown non-Error value and rethrows it', async () => {
    const traced = trace(function throwsString() {
      throw 'plain string';
    });
    expect(() => traced()).toThrow('plain string');
    const s = await span('throwsString');
    expect(s.status.code).toBe(SpanStatusCode.ERROR);
    expect(s.attributes[ATTR.ERROR_TYPE]).toBe('_OTHER');
  });

  it('keeps `this`', async () => {
    const obj = {
      factor: 3,
      scale: trace(function scale(this: { factor: number }, x: number) {
        return this.factor * x;
      }),
    };
    expect(obj.scale(2)).toBe(6);
    expect((await span('scale')).ended).toBe(true);
  });

  it('returns a custom thenable itself, so its own methods still work', async () => {
    class ApiPromise<T> extends Promise<T> {
      withResponse() {
        return 'raw';
      }
    }
    const p = ApiPromise.resolve(7) as ApiPromise<number>;
    const traced = trace(function call() {
      return p;
    });
    const result = traced();
    expect(result).toBe(p);
    expect(result.withResponse()).toBe('raw');
    expect(await result).toBe(7);
    expect(jsonAttr(await span('call'), ATTR.OUTPUTS)).toBe(7);
  });

  it('supports `new` on a traced constructor function', async () => {
    function Point(this: any, x: number) {
      this.x = x;
    }
    const TracedPoint = trace(Point as any) as any;
    const p = new TracedPoint(4);
    expect(p).toBeInstanceOf(Point);
    expect(p.x).toBe(4);
  });

  it('keeps the function type', () => {
    const f = trace(async (a: string, b: number) => ({ a, b }));
    expectTypeOf(f).toEqualTypeOf<(a: string, b: number) => Promise<{ a: string; b: number }>>();
  });
});

describe('trace(fn): inputs and outputs', () => {
  it('records inputs as an array when parameter names are not plain', async () => {
    const traced = trace(function destructured({ q }: { q: string }, ...rest: number[]) {
      return q + rest.length;
    });
    traced({ q: 'x' }, 1, 2);
    expect(jsonAttr(await span('destructured'), ATTR.INPUTS)).toEqual([{ q: 'x' }, 1, 2]);
  });

  it('reads names of arrow functions and methods', async () => {
    const single = trace((query: string) => query, { name: 'single' });
    single('hi');
    const obj = trace(
      {
        method(a: number, b: number) {
          return a * b;
        },
      }.method,
      { name: 'method' },
    );
    obj(2, 3);
    expect(jsonAttr(await span('single'), ATTR.INPUTS)).toEqual({ query: 'hi' });
    expect(jsonAttr(await span('method'), ATTR.INPUTS)).toEqual({ a: 2, b: 3 });
  });

  it('honours captureInputs/captureOutputs switches and mappings', async () => {
    const off = trace((secret: string) => secret.length, {
      name: 'off',
      captureInputs: false,
      captureOutputs: false,
    });
    const mapped = trace((a: number, b: number) => ({ sum: a + b, big: 'x'.repeat(10) }), {
      name: 'mapped',
      captureInputs: (a, b) => ({ first: a, count: [a, b].length }),
      captureOutputs: (r) => r.sum,
    });
    off('hunter2');
    mapped(1, 2);
    const o = await span('off');
    expect(o.attributes[ATTR.INPUTS]).toBeUndefined();
    expect(o.attributes[ATTR.OUTPUTS]).toBeUndefined();
    const m = await span('mapped');
    expect(jsonAttr(m, ATTR.INPUTS)).toEqual({ first: 1, count: 2 });
    expect(jsonAttr(m, ATTR.OUTPUTS)).toBe(3);
  });

  it('a mapping that throws captures nothing and does not break the call', async () => {
    const traced = trace((x: number) => x + 1, {
      name: 'badMapping',
      captureInputs: () => {
        throw new Error('mapping bug');
      },
    });
    expect(traced(1)).toBe(2);
    expect((await span('badMapping')).attributes[ATTR.INPUTS]).toBeUndefined();
  });

  it('sets type, kind and attributes', async () => {
    const traced = trace(() => 1, {
      name: 'typed',
      type: SpanType.RETRIEVER,
      kind: SpanKind.CLIENT,
      attributes: { 'app.index': 'docs' },
    });
    traced();
    const s = await span('typed');
    expect(s.attributes[ATTR.SPAN_TYPE]).toBe('RETRIEVER');
    expect(s.attributes['app.index']).toBe('docs');
    expect(s.kind).toBe(SpanKind.CLIENT);
  });

  it('rejects bad options early with GlassboxConfigError naming the option', () => {
    expect(() => trace(() => 1, { type: 'LLMM' as any })).toThrow(GlassboxConfigError);
    expect(() => trace(() => 1, { type: 'LLMM' as any })).toThrow(/trace\.type/);
    expect(() => trace(() => 1, { nmae: 'x' } as any)).toThrow(/trace\.nmae.*unknown option/);
    expect(() => trace(() => 1, { captureInputs: 'yes' as any })).toThrow(/captureInputs/);
  });
});

describe('trace(fn): nesting and concurrency', () => {
  it('nests a child under its parent, sync and async', async () => {
    const child = trace(async function child(n: number) {
      await new Promise((r) => setTimeout(r, 1));
      return n * 2;
    });
    const syncChild = trace(function syncChild() {
      return otelTrace.getActiveSpan()?.spanContext().spanId;
    });
    const parent = trace(async function parent() {
      const a = await child(1);
      const activeInChild = syncChild();
      return { a, activeInChild };
    });
    const result = await parent();
    const all = await spans();
    const p = all.find((s) => s.name === 'parent')!;
    const c = all.find((s) => s.name === 'child')!;
    const sc = all.find((s) => s.name === 'syncChild')!;
    expect(parentId(c)).toBe(p.spanContext().spanId);
    expect(parentId(sc)).toBe(p.spanContext().spanId);
    expect(result.activeInChild).toBe(sc.spanContext().spanId);
    expect(c.spanContext().traceId).toBe(p.spanContext().traceId);
    expect(parentId(p)).toBeUndefined();
  });

  it('keeps 1,000 concurrent traced async calls on their own parent chains', async () => {
    const leaf = trace(async function leaf(id: number) {
      await new Promise((r) => setTimeout(r, Math.random() * 5));
      return id;
    });
    const mid = trace(async function mid(id: number) {
      await new Promise((r) => setImmediate(r));
      return leaf(id);
    });
    const root = trace(async function root(id: number) {
      return mid(id);
    });
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => root(i)));
    expect(results).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const all = await spans();
    expect(all).toHaveLength(3000);
    const byId = new Map(all.map((s) => [s.spanContext().spanId, s]));
    const leaves = all.filter((s) => s.name === 'leaf');
    for (const l of leaves) {
      const id = (jsonAttr(l, ATTR.INPUTS) as { id: number }).id;
      const m = byId.get(parentId(l)!)!;
      const r = byId.get(parentId(m)!)!;
      expect(m.name).toBe('mid');
      expect(r.name).toBe('root');
      expect((jsonAttr(m, ATTR.INPUTS) as { id: number }).id).toBe(id);
      expect((jsonAttr(r, ATTR.INPUTS) as { id: number }).id).toBe(id);
      expect(new Set([l, m, r].map((s) => s.spanContext().traceId)).size).toBe(1);
    }
    expect(new Set(leaves.map((s) => s.spanContext().traceId)).size).toBe(1000);
  });
});
