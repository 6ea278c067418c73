import {
  type Context,
  context,
  isSpanContextValid,
  propagation,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ActiveSpan } from './active-span.js';
import { logger } from './internal/logger.js';
import { CAPTURE_CONTENT_KEY } from './internal/state.js';
import {
  createTraceScope,
  getTraceScope,
  mergeTraceAttributes,
  TRACE_SCOPE_KEY,
  type TraceAttributes,
  updateScope,
} from './internal/trace-context.js';

export type { TraceAttributes };

/** The active span, or undefined outside any span. */
export function currentSpan(): ActiveSpan | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined || !isSpanContextValid(span.spanContext())) return undefined;
  const override = context.active().getValue(CAPTURE_CONTENT_KEY);
  return new ActiveSpan(span, typeof override === 'boolean' ? override : undefined);
}

/** The active trace id (32 hex characters), or undefined outside any trace. */
export function currentTraceId(): string | undefined {
  return currentSpan()?.traceId;
}

/** Runs `fn` so that every span started inside carries these session, user, tag and metadata attributes. */
export function withTraceContext<T>(attributes: TraceAttributes, fn: () => T): T {
  const active = context.active();
  const outer = getTraceScope(active);
  const scope = createTraceScope(mergeTraceAttributes(outer?.attrs ?? {}, attributes), outer?.root);
  const span = trace.getSpan(active);
  // Already inside a span: it is part of the scope too, so it gets the attributes now.
  if (span?.isRecording()) span.setAttributes(createTraceScope(attributes, undefined).flat);
  return context.with(active.setValue(TRACE_SCOPE_KEY, scope), fn);
}

/**
 * Adds session, user, tag or metadata attributes from inside a running trace: to its root span, the
 * active span, and every span started after in this trace.
 */
export function updateCurrentTrace(attributes: TraceAttributes): void {
  const active = context.active();
  const scope = getTraceScope(active);
  if (scope === undefined) {
    logger.once(
      'warn',
      'updateCurrentTrace() was called outside a trace; nothing was updated',
      'update-outside',
    );
    return;
  }
  updateScope(scope, attributes);
  const flat = createTraceScope(attributes, undefined).flat;
  try {
    if (scope.root?.isRecording()) scope.root.setAttributes(flat);
    const span = trace.getSpan(active);
    if (span !== scope.root && span?.isRecording()) span.setAttributes(flat);
  } catch (error) {
    logger.once('warn', `updateCurrentTrace() failed: ${String(error)}`, 'update-failed');
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
    logger.once('warn', `could not read incoming trace headers: ${String(error)}`, 'headers');
  }
  return out;
}
