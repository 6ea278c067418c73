import { InMemoryExporter } from '@glassbox/exporters';
import { context, trace as otelTrace, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { ATTR, createSpanProcessor, trace, withSpan } from './index.js';
import { captureSettings, contentCaptureEnabled } from './instrumentation.js';

// An app's own OpenTelemetry setup with two Glassbox processors of different rules, and no init().
const privateExporter = new InMemoryExporter();
const strictExporter = new InMemoryExporter();
const privateProcessor = createSpanProcessor({
  exporters: [privateExporter],
  exportMode: 'immediate',
  captureContent: false,
  logLevel: 'none',
});
const strictProcessor = createSpanProcessor({
  exporters: [strictExporter],
  exportMode: 'immediate',
  redact: { keys: ['customer_id'] },
  logLevel: 'none',
});
const provider = new BasicTracerProvider({ spanProcessors: [privateProcessor, strictProcessor] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
otelTrace.setGlobalTracerProvider(provider);

afterAll(async () => {
  await provider.shutdown();
  otelTrace.disable();
  context.disable();
  propagation.disable();
});

describe('createSpanProcessor() has a runtime of its own', () => {
  it('changes no process-wide setting', () => {
    expect(contentCaptureEnabled()).toBe(true);
    expect(captureSettings().redactor?.isSecretKey('customer_id')).toBe(false);
  });

  it('its capture rules hold for the spans of ours it sees (captureContent: false: no content)', async () => {
    const answer = trace((question: string) => `re: ${question}`, { name: 'answer' });
    expect(answer('my diagnosis')).toBe('re: my diagnosis');
    await withSpan('block', (span) => {
      span.setInputs({ secret: 'plan' });
      return 'out';
    });
    for (const exporter of [privateExporter, strictExporter]) {
      const spans = exporter.spans().filter((s) => s.name === 'answer' || s.name === 'block');
      expect(spans).toHaveLength(2);
      for (const s of spans) {
        expect(s.attributes[ATTR.INPUTS]).toBeUndefined();
        expect(s.attributes[ATTR.OUTPUTS]).toBeUndefined();
      }
    }
  });

  it('two processors redact what they export by their own rules', () => {
    const span = otelTrace.getTracer('db').startSpan('SELECT', {
      attributes: { customer_id: 'c-42', 'db.system': 'postgresql' },
    });
    span.end();
    const viaPrivate = privateExporter.spans().find((s) => s.name === 'SELECT')!;
    const viaStrict = strictExporter.spans().find((s) => s.name === 'SELECT')!;
    expect(viaPrivate.attributes.customer_id).toBe('c-42');
    expect(viaStrict.attributes.customer_id).toBe('[REDACTED]');
    expect(viaStrict.attributes['db.system']).toBe('postgresql');
    // The app's own span object is never modified.
    expect((span as unknown as { attributes: Record<string, unknown> }).attributes.customer_id).toBe('c-42');
  });

  it('each processor counts in its own stats', () => {
    const a = (privateProcessor as unknown as { runtime: { stats: { spansEnded: number } } }).runtime.stats;
    const b = (strictProcessor as unknown as { runtime: { stats: { spansEnded: number } } }).runtime.stats;
    expect(a.spansEnded).toBeGreaterThan(0);
    expect(a.spansEnded).toBe(b.spansEnded);
    expect(a).not.toBe(b);
  });
});
