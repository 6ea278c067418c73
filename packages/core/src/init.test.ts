import { InMemoryExporter } from '@glassbox/exporters';
import { parentId } from '@glassbox/test-harness';
import { trace as otelTrace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { ATTR, currentSpan, GlassboxConfigError, init, startSpan, trace, withSpan } from './index.js';
import { contentCaptureEnabled } from './instrumentation.js';

const handles: { shutdown(): Promise<void> }[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.shutdown();
});

function start(options: Parameters<typeof init>[0]) {
  const h = init({ logLevel: 'none', ...options });
  handles.push(h);
  return h;
}

describe('init: standalone mode', () => {
  it('registers a provider; batch mode exports on flush, with resource attributes', async () => {
    const exporter = new InMemoryExporter();
    const gb = start({
      exporters: [exporter],
      serviceName: 'svc-a',
      resourceAttributes: { 'deployment.environment': 'test' },
    });
    expect(gb.mode).toBe('standalone');
    trace(function work() {})();
    expect(exporter.spans()).toHaveLength(0);
    await gb.flush();
    const [s] = exporter.spans();
    expect(s?.name).toBe('work');
    expect(s?.resource.attributes['service.name']).toBe('svc-a');
    expect(s?.resource.attributes['deployment.environment']).toBe('test');
    expect(gb.stats()).toMatchObject({
      spansStarted: 1,
      spansEnded: 1,
      spansExported: 1,
      spansDropped: 0,
      exportErrors: 0,
    });
  });

  it('calling init twice replaces the configuration without duplicate exports', async () => {
    const first = new InMemoryExporter();
    const second = new InMemoryExporter();
    start({ exporters: [first], exportMode: 'immediate' });
    trace(function one() {})();
    const gb2 = start({ exporters: [second], exportMode: 'immediate' });
    trace(function two() {})();
    await gb2.flush();
    await new Promise((r) => setTimeout(r, 10));
    expect(first.spans().map((s) => s.name)).toEqual(['one']);
    expect(second.spans().map((s) => s.name)).toEqual(['two']);
  });

  it('shutdown flushes, is safe to call twice, and turns tracing into plain calls', async () => {
    const exporter = new InMemoryExporter();
    const gb = init({ exporters: [exporter], logLevel: 'none' });
    trace(function beforeShutdown() {})();
    await gb.shutdown();
    await gb.shutdown();
    expect(exporter.spans().map((s) => s.name)).toEqual(['beforeShutdown']);
    expect(trace((x: number) => x * 2)(4)).toBe(8);
  });

  it('an exporter that throws or fails never reaches the app; failures are counted', async () => {
    const throwing: SpanExporter = {
      export() {
        throw new Error('exporter bug');
      },
      shutdown: async () => {},
    };
    const failing: SpanExporter = {
      export(_spans, cb) {
        setTimeout(() => cb({ code: ExportResultCode.FAILED, error: new Error('503') }), 1);
      },
      shutdown: async () => {},
    };
    const gb = start({ exporters: [throwing, failing], exportMode: 'immediate' });
    const f = trace((x: number) => x + 1, { name: 'f' });
    for (let i = 0; i < 5; i++) expect(f(i)).toBe(i + 1);
    await gb.flush();
    const stats = gb.stats();
    expect(stats.spansEnded).toBe(5);
    expect(stats.exportErrors).toBeGreaterThanOrEqual(2);
    expect(stats.spansDropped).toBeGreaterThanOrEqual(5);
  });

  it('a full queue drops and counts spans instead of growing', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    const exported: ReadableSpan[] = [];
    const slow: SpanExporter = {
      export(spans, cb) {
        void blocked.then(() => {
          exported.push(...spans);
          cb({ code: ExportResultCode.SUCCESS });
        });
      },
      shutdown: async () => {},
    };
    const gb = start({
      exporters: [slow],
      batch: { maxQueueSize: 10, maxExportBatchSize: 5, scheduledDelayMs: 0 },
    });
    const f = trace(() => 1, { name: 'burst' });
    for (let i = 0; i < 100; i++) f();
    await new Promise((r) => setTimeout(r, 5));
    release();
    await gb.flush();
    const stats = gb.stats();
    expect(stats.spansDropped).toBeGreaterThan(0);
    expect(stats.spansExported + stats.spansDropped).toBe(100);
    expect(exported.length).toBe(stats.spansExported);
    expect(exported.length).toBeLessThanOrEqual(15);
  });

  it('sampleRatio 0 drops whole traces, children included, and the function still runs', async () => {
    const exporter = new InMemoryExporter();
    const gb = start({ exporters: [exporter], exportMode: 'immediate', sampleRatio: 0 });
    const child = trace(async () => 'child', { name: 'child' });
    const parent = trace(async () => child(), { name: 'parent' });
    expect(await parent()).toBe('child');
    await gb.flush();
    expect(exporter.spans()).toHaveLength(0);
  });

  it('sampleRatio 0.5 keeps or drops each trace whole', async () => {
    const exporter = new InMemoryExporter();
    const gb = start({ exporters: [exporter], exportMode: 'immediate', sampleRatio: 0.5 });
    const child = trace(() => 1, { name: 'c' });
    const parent = trace(() => child() + child(), { name: 'p' });
    for (let i = 0; i < 200; i++) parent();
    await gb.flush();
    const traces = exporter.traces();
    expect(traces.length).toBeGreaterThan(40);
    expect(traces.length).toBeLessThan(160);
    for (const t of traces) expect(t.spans.map((s) => s.name).sort()).toEqual(['c', 'c', 'p']);
  });

  it('enabled: false makes traced functions plain calls', async () => {
    const exporter = new InMemoryExporter();
    const gb = start({ exporters: [exporter], exportMode: 'immediate', enabled: false });
    const f = trace(function plain(this: unknown) {
      return otelTrace.getActiveSpan();
    });
    expect(f()).toBeUndefined();
    await gb.flush();
    expect(exporter.spans()).toHaveLength(0);
  });

  it('a per-function captureContent override holds for the whole subtree', async () => {
    const exporter = new InMemoryExporter();
    const gb = start({ exporters: [exporter], exportMode: 'immediate' });
    let insideFlag: boolean | undefined;
    const child = trace((q: string) => q.toUpperCase(), { name: 'childOfPrivate' });
    const privateStep = trace(
      (q: string) => {
        insideFlag = contentCaptureEnabled();
        currentSpan()?.setInputs({ leaked: q });
        return withSpan('blockInPrivate', () => child(q));
      },
      { name: 'privateStep', captureContent: false },
    );
    expect(privateStep('secret question')).toBe('SECRET QUESTION');
    expect(contentCaptureEnabled()).toBe(true);
    await gb.flush();
    expect(insideFlag).toBe(false);
    for (const s of exporter.spans()) {
      expect(s.attributes[ATTR.INPUTS]).toBeUndefined();
      expect(s.attributes[ATTR.OUTPUTS]).toBeUndefined();
    }
    expect(exporter.spans().map((s) => s.name)).toEqual(['childOfPrivate', 'blockInPrivate', 'privateStep']);
  });

  it('enabled: false turns withSpan and startSpan into no-ops too', async () => {
    const exporter = new InMemoryExporter();
    const gb = start({ exporters: [exporter], exportMode: 'immediate', enabled: false });
    expect(withSpan('x', (s) => (s.isRecording() ? 'recording' : 'plain'))).toBe('plain');
    const s = startSpan({ name: 'y' });
    s.setAttribute('a', 1).end();
    await gb.flush();
    expect(exporter.spans()).toHaveLength(0);
  });

  it('captureContent: false keeps names, timings and errors but no inputs or outputs', async () => {
    const exporter = new InMemoryExporter();
    const gb = start({ exporters: [exporter], exportMode: 'immediate', captureContent: false });
    const f = trace((prompt: string) => `echo ${prompt}`, { name: 'private' });
    f('my secret prompt');
    const g = trace(
      () => {
        throw new TypeError('x');
      },
      { name: 'privateError' },
    );
    expect(() => g()).toThrow(TypeError);
    await gb.flush();
    const [p, e] = exporter.spans();
    expect(p?.attributes[ATTR.INPUTS]).toBeUndefined();
    expect(p?.attributes[ATTR.OUTPUTS]).toBeUndefined();
    expect(e?.attributes[ATTR.ERROR_TYPE]).toBe('TypeError');
    const override = trace((q: string) => q, { name: 'optedIn', captureContent: true });
    override('public');
    await gb.flush();
    expect(exporter.findSpan('optedIn')?.attributes[ATTR.INPUTS]).toBe('{"q":"public"}');
    expect(parentId(p!)).toBeUndefined();
  });
});

describe('init: configuration errors name the option and its env var', () => {
  it('rejects unknown keys and bad values', () => {
    expect(() => init({ exportMod: 'batch' } as any)).toThrow(GlassboxConfigError);
    expect(() => init({ exportMod: 'batch' } as any)).toThrow(/exportMod.*unknown option/);
    expect(() => init({ sampleRatio: 2 })).toThrow(/sampleRatio.*OTEL_TRACES_SAMPLER/);
    expect(() => init({ exportMode: 'sometimes' as any })).toThrow(/exportMode.*GLASSBOX_EXPORT_MODE/);
    expect(() => init({ exporters: [{}] as any })).toThrow(/exporters\.0.*SpanExporter/);
    expect(() => init({ maxValueLength: 3 })).toThrow(/maxValueLength.*OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT/);
  });

  it('GlassboxConfigError.isInstance works across copies and carries issues as data', () => {
    try {
      init({ logLevel: 'loud' as any });
    } catch (error) {
      expect(GlassboxConfigError.isInstance(error)).toBe(true);
      expect((error as GlassboxConfigError).issues[0]).toMatchObject({
        option: 'logLevel',
        envVar: 'GLASSBOX_LOG_LEVEL',
      });
      return;
    }
    throw new Error('expected a throw');
  });
});
