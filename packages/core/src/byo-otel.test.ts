import { InMemoryExporter } from '@glassbox/exporters';
import { jsonAttr, parentId } from '@glassbox/test-harness';
import { context, trace as otelTrace, propagation, SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { ATTR, createSpanProcessor, init, trace, withTraceContext } from './index.js';

// The app's own OpenTelemetry setup, registered before Glassbox (as NodeSDK or Sentry would be).
const appExporter = new InMemorySpanExporter();
const glassboxExporter = new InMemoryExporter();
const ourProcessor = createSpanProcessor({
  exporters: [glassboxExporter],
  exportMode: 'immediate',
  logLevel: 'none',
});
const appProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(appExporter), ourProcessor],
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
otelTrace.setGlobalTracerProvider(appProvider);

afterAll(async () => {
  await appProvider.shutdown();
  otelTrace.disable();
  context.disable();
  propagation.disable();
});

describe('bring-your-own OpenTelemetry', () => {
  it('init does not replace an app provider and reports attached mode', () => {
    const gb = init({ logLevel: 'none' });
    expect(gb.mode).toBe('attached');
    const delegate = (otelTrace.getTracerProvider() as any).getDelegate();
    expect(delegate).toBe(appProvider);
  });

  it('our spans nest under the app span (an HTTP server span) and reach both pipelines', async () => {
    const tracer = otelTrace.getTracer('http');
    const handler = trace(async function handler(q: string) {
      return q.length;
    });
    await tracer.startActiveSpan('GET /ask', { kind: SpanKind.SERVER }, async (http) => {
      await withTraceContext({ sessionId: 'sess' }, () => handler('hello'));
      http.end();
    });
    await appProvider.forceFlush();
    const appSpans = appExporter.getFinishedSpans();
    const http = appSpans.find((s) => s.name === 'GET /ask')!;
    const ours = appSpans.find((s) => s.name === 'handler')!;
    expect(parentId(ours)).toBe(http.spanContext().spanId);
    expect(ours.attributes[ATTR.SESSION_ID]).toBe('sess');
    expect(jsonAttr(ours, ATTR.INPUTS)).toEqual({ q: 'hello' });
    // createSpanProcessor's exporter sees the same spans, the app's HTTP span included.
    expect(glassboxExporter.spans().map((s) => s.name)).toEqual(['handler', 'GET /ask']);
  });

  it("an attached init() handle reports the counters of createSpanProcessor's processor", () => {
    const stats = init({ logLevel: 'none' }).stats();
    expect(stats.spansStarted).toBeGreaterThanOrEqual(2);
    expect(stats.spansEnded).toBe(stats.spansStarted);
    expect(stats.spansExported).toBe(glassboxExporter.spans().length);
  });

  it('createSpanProcessor applies trace context attributes to other libraries spans too', async () => {
    const tracer = otelTrace.getTracer('db');
    await withTraceContext({ userId: 'u-7' }, async () => {
      tracer.startSpan('SELECT').end();
    });
    const select = glassboxExporter.spans().find((s) => s.name === 'SELECT')!;
    expect(select.attributes[ATTR.USER_ID]).toBe('u-7');
  });

  it('redacts secrets in other libraries spans on their way to our exporters, without touching the app span', async () => {
    const key = `sk-proj-${'a1B2c3D4'.repeat(6)}`;
    const span = otelTrace.getTracer('http').startSpan('POST /v1/chat', {
      attributes: {
        'http.request.header.authorization': `Bearer ${key}`,
        'url.full': `https://api.example.com/v1/chat?key=${key}`,
        'http.response.status_code': 200,
      },
    });
    span.addEvent('retry', { note: `sent with ${key}` });
    span.end();
    const exported = glassboxExporter.spans().find((s) => s.name === 'POST /v1/chat')!;
    expect(JSON.stringify(exported.attributes)).not.toContain(key);
    expect(JSON.stringify(exported.events)).not.toContain(key);
    expect(exported.attributes['http.request.header.authorization']).toBe('[REDACTED]');
    expect(exported.attributes['url.full']).toBe('https://api.example.com/v1/chat?key=[REDACTED]');
    expect(exported.attributes['http.response.status_code']).toBe(200);
    expect(exported.spanContext().spanId).toBe(span.spanContext().spanId);
    // The app's own pipeline received the original span object, unmodified.
    const original = appExporter.getFinishedSpans().find((s) => s.name === 'POST /v1/chat')!;
    expect(original.attributes['url.full']).toContain(key);
  });
});
