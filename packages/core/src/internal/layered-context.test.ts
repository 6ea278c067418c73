import { setupGlassbox } from '@glassbox/test-harness';
import {
  type Context,
  context,
  createContextKey,
  trace as otelTrace,
  propagation,
  ROOT_CONTEXT,
} from '@opentelemetry/api';
import { isTracingSuppressed, suppressTracing } from '@opentelemetry/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  currentSpan,
  SpanType,
  trace,
  traceHeaders,
  updateCurrentTrace,
  withRemoteParent,
  withTraceContext,
} from '../index.js';
import { contextWithSpan, LayeredContext } from './layered-context.js';

const { exporter, spans } = setupGlassbox();
afterEach(() => exporter.reset());

const span = otelTrace.wrapSpanContext({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: 1,
});
const other = otelTrace.wrapSpanContext({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'c7ad6b7169203332',
  traceFlags: 1,
});
const KEYS = Array.from({ length: 12 }, (_, i) => createContextKey(`glassbox.test.key-${i}`));
const [A, B, C] = KEYS as [symbol, symbol, symbol];

/** Every key's value in a context, to compare two contexts through the public interface only. */
function values(ctx: Context, keys: symbol[] = KEYS): unknown[] {
  return [otelTrace.getSpan(ctx), ...keys.map((k) => ctx.getValue(k))];
}

describe('contextWithSpan', () => {
  it('holds what trace.setSpan(...).setValue(...) holds, over any base', () => {
    const base = ROOT_CONTEXT.setValue(A, 'a').setValue(B, 'b');
    const layered = contextWithSpan(base, span, C, 'c', A, 'a2');
    const reference = otelTrace.setSpan(base, span).setValue(C, 'c').setValue(A, 'a2');
    expect(layered).toBeInstanceOf(LayeredContext);
    expect(values(layered)).toEqual(values(reference));
    expect(otelTrace.getSpan(contextWithSpan(base, span))).toBe(span);
  });

  it('is immutable: setValue and deleteValue return new contexts and leave the original as it was', () => {
    const base = ROOT_CONTEXT.setValue(A, 'a');
    const layered = contextWithSpan(base, span, B, 'b');
    const set = layered.setValue(A, 'changed').setValue(C, 'c');
    const deleted = layered.deleteValue(A).deleteValue(B);
    expect(values(layered)).toEqual(values(otelTrace.setSpan(base, span).setValue(B, 'b')));
    expect([set.getValue(A), set.getValue(B), set.getValue(C)]).toEqual(['changed', 'b', 'c']);
    // A deleted key hides the base's value too, as the API's own contexts do.
    expect([deleted.getValue(A), deleted.getValue(B)]).toEqual([undefined, undefined]);
    expect(otelTrace.getSpan(otelTrace.deleteSpan(layered))).toBeUndefined();
    expect(otelTrace.getSpan(layered)).toBe(span);
  });

  it('replaces the span of a layered parent instead of stacking layers', () => {
    const parent = contextWithSpan(ROOT_CONTEXT.setValue(A, 'a'), span, B, 'b');
    const child = contextWithSpan(parent, other);
    expect(otelTrace.getSpan(child)).toBe(other);
    expect([child.getValue(A), child.getValue(B)]).toEqual(['a', 'b']);
    expect((child as LayeredContext).base).toBe((parent as LayeredContext).base);
    expect((child as LayeredContext).entries).toHaveLength(4);
  });

  it('folds into the base context past a few keys, with the same values', () => {
    let layered: Context = contextWithSpan(ROOT_CONTEXT, span);
    let reference: Context = otelTrace.setSpan(ROOT_CONTEXT, span);
    for (const [i, key] of KEYS.entries()) {
      layered = i % 5 === 4 ? layered.deleteValue(KEYS[i - 1]!) : layered.setValue(key, i);
      reference = i % 5 === 4 ? reference.deleteValue(KEYS[i - 1]!) : reference.setValue(key, i);
      expect(values(layered)).toEqual(values(reference));
    }
    expect(layered).not.toBeInstanceOf(LayeredContext);
  });

  it('extends a layer made by another copy of this module rather than stacking on it', () => {
    const foreignCopy = new LayeredContext(ROOT_CONTEXT, [A, 'a']);
    Object.setPrototypeOf(foreignCopy, { ...Object.getPrototypeOf(foreignCopy) });
    Object.defineProperty(Object.getPrototypeOf(foreignCopy), Symbol.for('glassbox.layered-context.v1'), {
      value: true,
    });
    const child = contextWithSpan(foreignCopy, span) as LayeredContext;
    expect(child.base).toBe(ROOT_CONTEXT);
    expect([child.getValue(A), otelTrace.getSpan(child)]).toEqual(['a', span]);
  });

  it('works with the OpenTelemetry helpers that read and write contexts', () => {
    const layered = contextWithSpan(ROOT_CONTEXT, span);
    expect(isTracingSuppressed(layered)).toBe(false);
    expect(isTracingSuppressed(suppressTracing(layered))).toBe(true);
    const withBaggage = propagation.setBaggage(layered, propagation.createBaggage({ k: { value: 'v' } }));
    const carrier: Record<string, string> = {};
    propagation.inject(withBaggage, carrier);
    expect(carrier.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(carrier.baggage).toBe('k=v');
    expect(context.with(layered, () => otelTrace.getActiveSpan())).toBe(span);
  });
});

describe('traced calls over layered contexts', () => {
  it('keep trace scopes, overrides, remote parents and nesting as before', async () => {
    let headers: Record<string, string> = {};
    const leaf = trace(function leaf(tag: string) {
      updateCurrentTrace({ tags: [tag] });
      return currentSpan()?.spanId;
    });
    const inner = trace(async function inner() {
      headers = traceHeaders();
      return withRemoteParent(headers, () => leaf('remote'));
    });
    const root = trace(async function root() {
      const first = await inner();
      updateCurrentTrace({ userId: 'u-1' });
      const second = trace(() => leaf('local'), { name: 'private', captureContent: false })();
      return [first, second];
    });
    await withTraceContext({ sessionId: 's-1' }, () => root());
    const all = await spans();
    const byName = (name: string) => all.filter((s) => s.name === name);
    const [r] = byName('root');
    const [i] = byName('inner');
    const leaves = byName('leaf');
    expect(leaves).toHaveLength(2);
    // The leaf under the remote parent is the local root of a new scope: it sees neither the session
    // (withRemoteParent drops the caller's scope) nor the later user id, and its own update stays there.
    const remoteLeaf = leaves.find((s) => s.parentSpanContext?.isRemote)!;
    expect(remoteLeaf.parentSpanContext?.spanId).toBe(i!.spanContext().spanId);
    expect(remoteLeaf.attributes['session.id']).toBeUndefined();
    expect(remoteLeaf.attributes['glassbox.trace.tags']).toEqual(['remote']);
    expect(r!.attributes['glassbox.trace.tags']).toEqual(['local']);
    // The other leaf, started after updateCurrentTrace in the root's trace, carries both.
    const localLeaf = leaves.find((s) => !s.parentSpanContext?.isRemote)!;
    expect(localLeaf.attributes['session.id']).toBe('s-1');
    expect(localLeaf.attributes['user.id']).toBe('u-1');
    expect(localLeaf.attributes['glassbox.trace.tags']).toEqual(['local']);
    expect(byName('private')[0]!.attributes['glassbox.trace.tags']).toBeUndefined();
    expect(r!.attributes['user.id']).toBe('u-1');
    expect(r!.attributes['glassbox.span.type']).toBe(SpanType.UNKNOWN);
    // captureContent: false holds in the subtree.
    expect(localLeaf.attributes['glassbox.outputs']).toBeUndefined();
    expect(remoteLeaf.attributes['glassbox.outputs']).toBeDefined();
  });
});
