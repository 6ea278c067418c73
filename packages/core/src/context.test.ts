import { jsonAttr, parentId, setupGlassbox } from '@glassbox/test-harness';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ATTR,
  currentSpan,
  currentTraceId,
  GlassboxConfigError,
  logFeedback,
  SpanType,
  startSpan,
  trace,
  traceHeaders,
  updateCurrentTrace,
  withRemoteParent,
  withSpan,
  withTraceContext,
} from './index.js';

const { exporter, spans, span } = setupGlassbox();
afterEach(() => exporter.reset());

describe('withSpan and startSpan', () => {
  it('withSpan runs a sync block as the active span and returns its value', async () => {
    const value = withSpan({ name: 'block', type: SpanType.CHAIN }, (s) => {
      s.setInputs({ q: 1 }).setAttribute('app.count', 2).setAttribute('app.obj', { a: 1 });
      expect(currentSpan()?.spanId).toBe(s.spanId);
      return 'ok';
    });
    expect(value).toBe('ok');
    const b = await span('block');
    expect(b.attributes[ATTR.SPAN_TYPE]).toBe('CHAIN');
    expect(jsonAttr(b, ATTR.INPUTS)).toEqual({ q: 1 });
    expect(jsonAttr(b, ATTR.OUTPUTS)).toBe('ok');
    expect(b.attributes['app.count']).toBe(2);
    expect(jsonAttr(b, 'app.obj')).toEqual({ a: 1 });
  });

  it('withSpan awaits an async block, keeps explicit outputs, and records errors', async () => {
    await withSpan('asyncBlock', async (s) => {
      await new Promise((r) => setTimeout(r, 1));
      s.setOutputs('explicit');
      return 'returned';
    });
    const err = new Error('nope');
    await expect(withSpan('failingBlock', async () => Promise.reject(err))).rejects.toBe(err);
    expect(jsonAttr(await span('asyncBlock'), ATTR.OUTPUTS)).toBe('explicit');
    expect((await span('failingBlock')).status.code).toBe(SpanStatusCode.ERROR);
  });

  it('startSpan parents to the active span without becoming active; the caller ends it', async () => {
    await withSpan('outer', async (outer) => {
      const inner = startSpan({ name: 'manual', type: SpanType.TOOL });
      expect(currentSpan()?.spanId).toBe(outer.spanId);
      inner.addEvent('step', { n: 1 }).recordError(new Error('soft failure'));
      inner.end();
      const explicit = startSpan({ name: 'explicitParent', parent: inner });
      explicit.end();
    });
    const all = await spans();
    const outer = all.find((s) => s.name === 'outer')!;
    const manual = all.find((s) => s.name === 'manual')!;
    expect(parentId(manual)).toBe(outer.spanContext().spanId);
    expect(manual.events.map((e) => e.name)).toEqual(['step', 'exception']);
    expect(manual.status.code).toBe(SpanStatusCode.ERROR);
    expect(parentId(all.find((s) => s.name === 'explicitParent')!)).toBe(manual.spanContext().spanId);
  });

  it('validates span options', () => {
    expect(() => withSpan({ name: '' }, () => 1)).toThrow(GlassboxConfigError);
    expect(() => startSpan({ name: 'x', type: 'NOPE' as any })).toThrow(/startSpan\.type/);
  });
});

describe('trace context', () => {
  it('currentSpan and currentTraceId are undefined outside a span', () => {
    expect(currentSpan()).toBeUndefined();
    expect(currentTraceId()).toBeUndefined();
  });

  it('withTraceContext puts session, user, tags and metadata on every span inside', async () => {
    const child = trace(async function child() {
      return currentTraceId();
    });
    const root = trace(async function root() {
      return child();
    });
    await withTraceContext(
      { sessionId: 's-1', userId: 'u-1', tags: ['beta'], metadata: { plan: 'pro', n: 2 } },
      () => root(),
    );
    for (const s of await spans()) {
      expect(s.attributes[ATTR.SESSION_ID]).toBe('s-1');
      expect(s.attributes[ATTR.USER_ID]).toBe('u-1');
      expect(s.attributes[ATTR.TRACE_TAGS]).toEqual(['beta']);
      expect(s.attributes[`${ATTR.TRACE_METADATA_PREFIX}plan`]).toBe('pro');
      expect(s.attributes[`${ATTR.TRACE_METADATA_PREFIX}n`]).toBe('2');
    }
  });

  it('updateCurrentTrace reaches the root span and later spans, not earlier siblings', async () => {
    const early = trace(function early() {});
    const late = trace(function late() {});
    const root = trace(async function root() {
      early();
      const inner = trace(async function inner() {
        await new Promise((r) => setTimeout(r, 1));
        updateCurrentTrace({ userId: 'u-9', tags: ['vip'] });
      });
      await inner();
      late();
    });
    await root();
    const all = await spans();
    const get = (n: string) => all.find((s) => s.name === n)!;
    expect(get('root').attributes[ATTR.USER_ID]).toBe('u-9');
    expect(get('inner').attributes[ATTR.USER_ID]).toBe('u-9');
    expect(get('late').attributes[ATTR.USER_ID]).toBe('u-9');
    expect(get('late').attributes[ATTR.TRACE_TAGS]).toEqual(['vip']);
    expect(get('early').attributes[ATTR.USER_ID]).toBeUndefined();
  });

  it('updateCurrentTrace outside a trace is a harmless no-op', () => {
    expect(() => updateCurrentTrace({ userId: 'x' })).not.toThrow();
  });

  it('traceHeaders and withRemoteParent carry one trace across a hop', async () => {
    let headers: Record<string, string> = {};
    const client = trace(function client() {
      headers = traceHeaders();
    });
    client();
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const server = trace(function server() {
      return currentTraceId();
    });
    // Node lower-cases incoming header names; a fetch Headers object works too.
    const traceId = withRemoteParent(new Headers({ Traceparent: headers.traceparent! }), () => server());
    const all = await spans();
    const c = all.find((s) => s.name === 'client')!;
    const sv = all.find((s) => s.name === 'server')!;
    expect(traceId).toBe(c.spanContext().traceId);
    expect(sv.spanContext().traceId).toBe(c.spanContext().traceId);
    expect(parentId(sv)).toBe(c.spanContext().spanId);
    expect(sv.parentSpanContext?.isRemote).toBe(true);
  });

  it('withRemoteParent without headers just runs the function', () => {
    expect(withRemoteParent(undefined, () => 5)).toBe(5);
    expect(withRemoteParent({ traceparent: 'garbage' }, () => currentTraceId())).toBeUndefined();
  });
});

describe('logFeedback', () => {
  it('exports a feedback span linked to (and inside the trace of) its target', async () => {
    const answer = trace(function answer() {
      return { traceId: currentSpan()!.traceId, spanId: currentSpan()!.spanId };
    });
    const target = answer();
    const ids = logFeedback({
      ...target,
      name: 'helpful',
      value: 0.5,
      rationale: 'partly right',
      source: 'human',
    });
    const f = await span('feedback helpful');
    expect(ids.traceId).toBe(target.traceId);
    expect(f.links[0]?.context.spanId).toBe(target.spanId);
    expect(f.links[0]?.context.traceId).toBe(target.traceId);
    expect(parentId(f)).toBe(target.spanId);
    expect(f.attributes[ATTR.FEEDBACK_VALUE]).toBe(0.5);
    expect(f.attributes[ATTR.FEEDBACK_SOURCE]).toBe('human');
    expect(f.attributes[ATTR.FEEDBACK_RATIONALE]).toBe('partly right');
    expect(f.attributes[ATTR.SPAN_TYPE]).toBe('EVALUATOR');
  });

  it('rejects malformed feedback with the field named', () => {
    expect(() => logFeedback({ traceId: 'xyz', name: 'n', value: 1, source: 'human' })).toThrow(
      /logFeedback\.traceId/,
    );
    expect(() =>
      logFeedback({ traceId: 'a'.repeat(32), name: 'n', value: 1, source: 'robot' as any }),
    ).toThrow(/logFeedback\.source/);
  });
});
