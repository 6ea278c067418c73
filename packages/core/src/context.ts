import {
  type Context,
  context,
  isSpanContextValid,
  propagation,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { contentOverrideIn } from './internal/capture-override.js';
import { currentRuntime } from './internal/runtime.js';
import {
  createTraceScope,
  flattenTraceAttributes,
  getTraceScope,
  mergeTraceAttributes,
  TRACE_SCOPE_KEY,
  updateScope,
} from './internal/trace-context.js';
import { SpanHandle } from './span-handle.js';
import type { TraceAttributes } from './trace-attributes.js';

/** The active span, or undefined outside any span. */
export function currentSpan(): SpanHandle | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined || !isSpanContextValid(span.spanContext())) return undefined;
  return new SpanHandle(span, contentOverrideIn());
}

/** The active trace id (32 hex characters), or undefined outside any trace. */
export function currentTraceId(): string | undefined {
  return currentSpan()?.traceId;
}

/** Runs `fn` so that every span started inside carries these session, user, tag and metadata attributes. */
export function withTraceContext<T>(attributes: TraceAttributes, fn: () => T): T {
  const active = context.active();
  let ctx = active;
  try {
    const runtime = currentRuntime();
    const given = attributes !== null && typeof attributes === 'object' ? attributes : {};
    const outer = getTraceScope(active);
    const scope = createTraceScope(mergeTraceAttributes(outer?.attrs ?? {}, given), outer?.root, runtime);
    const span = trace.getSpan(active);
    // Already inside a span: it is part of the scope too, so it gets the attributes now.
    if (span?.isRecording()) span.setAttributes(flattenTraceAttributes(given, runtime));
    ctx = active.setValue(TRACE_SCOPE_KEY, scope);
  } catch (error) {
    currentRuntime().logger.once('warn', `withTraceContext() failed: ${String(error)}`, 'trace-context');
  }
  return context.with(ctx, fn);
}

/**
 * Adds session, user, tag or metadata attributes from inside a running trace: to its root span, the
 * active span, and every span started after in this trace.
 */
export function updateCurrentTrace(attributes: TraceAttributes): void {
  const active = context.active();
  const scope = getTraceScope(active);
  const runtime = currentRuntime();
  if (scope === undefined) {
    runtime.logger.once(
      'warn',
      'updateCurrentTrace() was called outside a trace; nothing was updated',
      'update-outside',
    );
    return;
  }
  try {
    const given = attributes !== null && typeof attributes === 'object' ? attributes : {};
    updateScope(scope, given, runtime);
    const flat = flattenTraceAttributes(given, runtime);
    if (scope.root?.isRecording()) scope.root.setAttributes(flat);
    const span = trace.getSpan(active);
    if (span !== scope.root && span?.isRecording()) span.setAttributes(flat);
  } catch (error) {
    runtime.logger.once('warn', `updateCurrentTrace() failed: ${String(error)}`, 'update-failed');
  }
}

const w3c = new W3CTraceContextPropagator();

/** W3C `traceparent` / `tracestate` headers for an outgoing call, so the callee joins this trace. */
export function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const active = context.active();
  propagation.inject(active, headers);
  // With no global propagator (an app without any OpenTelemetry setup) still speak W3C trace context.
  if (headers.traceparent === undefined) w3c.inject(active, headers, { set: (c, k, v) => void (c[k] = v) });
  return headers;
}

type HeaderSource =
  | Record<string, string | string[] | undefined>
  | { get(name: string): string | null; forEach?: unknown };

const getter: TextMapGetter<Record<string, string | string[] | undefined>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key.toLowerCase()],
};

/** Runs `fn` as part of the trace described by incoming W3C headers (plain object or fetch `Headers`). */
export function withRemoteParent<T>(headers: HeaderSource | undefined | null, fn: () => T): T {
  const carrier = normalizeHeaders(headers);
  const active = context.active();
  let ctx: Context = propagation.extract(active, carrier, getter);
  if (trace.getSpanContext(ctx) === trace.getSpanContext(active)) ctx = w3c.extract(active, carrier, getter);
  // A new remote parent starts a new local trace: do not carry the caller's scope across.
  if (trace.getSpanContext(ctx) !== trace.getSpanContext(active)) ctx = ctx.deleteValue(TRACE_SCOPE_KEY);
  return context.with(ctx, fn);
}

function normalizeHeaders(
  headers: HeaderSource | undefined | null,
): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  if (!headers) return out;
  try {
    if (
      typeof (headers as { get?: unknown }).get === 'function' &&
      typeof (headers as any).forEach === 'function'
    ) {
      (headers as any).forEach((value: string, key: string) => {
        out[key.toLowerCase()] = value;
      });
      return out;
    }
    for (const [key, value] of Object.entries(headers))
      out[key.toLowerCase()] = value as string | string[] | undefined;
  } catch (error) {
    currentRuntime().logger.once(
      'warn',
      `could not read incoming trace headers: ${String(error)}`,
      'headers',
    );
  }
  return out;
}
