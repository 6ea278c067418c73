import { parentId } from '@glassbox/test-harness';
import { context, trace as otelTrace, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { ATTR, init, startSpan, trace, updateCurrentTrace, withSpan, withTraceContext } from './index.js';

// An app whose OpenTelemetry setup does not include createSpanProcessor(): Glassbox's own calls must
// still carry the trace attributes (session, user, tags) that its processor would otherwise add.
const appExporter = new InMemorySpanExporter();
const appProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appExporter)] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
otelTrace.setGlobalTracerProvider(appProvider);

afterAll(async () => {
  await appProvider.shutdown();
  otelTrace.disable();
  context.disable();
  propagation.disable();
});

describe('attached mode without the Glassbox span processor', () => {
  it('trace, withSpan and startSpan spans get the trace attributes themselves', async () => {
    expect(init({ logLevel: 'none' }).mode).toBe('attached');
    const step = trace(function step() {
      return 1;
    });
    await withTraceContext({ sessionId: 'sess-9', userId: 'u-9', tags: ['beta'] }, async () => {
      step();
      await withSpan({ name: 'block' }, async () => {
        const manual = startSpan({ name: 'manual' });
        manual.end();
      });
    });
    const spans = appExporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['block', 'manual', 'step']);
    for (const span of spans) {
      expect(span.attributes[ATTR.SESSION_ID]).toBe('sess-9');
      expect(span.attributes[ATTR.USER_ID]).toBe('u-9');
    }
    const block = spans.find((s) => s.name === 'block')!;
    expect(parentId(spans.find((s) => s.name === 'manual')!)).toBe(block.spanContext().spanId);
  });

  it('a span started by startSpan after updateCurrentTrace carries the update', () => {
    appExporter.reset();
    withSpan({ name: 'root' }, () => {
      updateCurrentTrace({ userId: 'later' });
      startSpan({ name: 'after' }).end();
    });
    const after = appExporter.getFinishedSpans().find((s) => s.name === 'after')!;
    expect(after.attributes[ATTR.USER_ID]).toBe('later');
  });
});
