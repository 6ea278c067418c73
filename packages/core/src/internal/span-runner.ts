import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  type Span,
  type SpanContext,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import { ATTR } from '../attributes.js';
import { applyMapping, setJsonAttribute } from './capture-attribute.js';
import { recordSpanError } from './errors.js';
import { instrumentGenerator, isGenerator } from './generator.js';
import { contextWithSpan } from './layered-context.js';
import { logger } from './logger.js';
import { CAPTURE_CONTENT_KEY, contentOverrideIn, state as stateRef } from './state.js';
import {
  createTraceScope,
  getTraceScope,
  hasTraceAttributes,
  NO_TRACE_ATTRIBUTES,
  TRACE_SCOPE_KEY,
  type TraceScope,
} from './trace-context.js';

/** Everything about a traced function that can be worked out once, at wrap time. */
export interface SpanPlan {
  name: string;
  spanOptions: { kind: SpanKind; attributes: Attributes };
  captureInputs: boolean | Function;
  captureOutputs: boolean | Function;
  /** Per-function override of the global content capture switch. */
  captureContent: boolean | undefined;
  /** Parameter names, `undefined` while not yet read, `null` when not reliably readable. */
  paramNames: string[] | null | undefined;
}

/** Starts a span under `parent` and returns it with the context in which it is active. */
export function startPlannedSpan(
  tracer: { startSpan: (name: string, options: any, ctx: Context) => Span },
  name: string,
  spanOptions: { kind: SpanKind; attributes?: Attributes; links?: any; startTime?: any },
  parent: Context,
  captureContent?: boolean,
): { span: Span; ctx: Context } {
  const span = tracer.startSpan(name, spanOptions, parent);
  return { span, ctx: activeContext(span, parent, captureContent) };
}

/**
 * Starts a span that is not made active (`startSpan`): no context is built for it, since none would be
 * used; a span started where `parent`'s trace has attributes still gets them.
 */
export function startDetachedSpan(
  tracer: { startSpan: (name: string, options: any, ctx: Context) => Span },
  name: string,
  spanOptions: { kind: SpanKind; attributes?: Attributes; links?: any; startTime?: any },
  parent: Context,
): Span {
  const span = tracer.startSpan(name, spanOptions, parent);
  if (span.isRecording()) applyTraceAttributes(span, getTraceScope(parent));
  return span;
}

/** Without our span processor (an app's own OpenTelemetry setup), a span gets its trace attributes here. */
function applyTraceAttributes(span: Span, scope: TraceScope | undefined): void {
  if (scope !== undefined && !stateRef.processorActive && hasTraceAttributes(scope)) {
    span.setAttributes(scope.flat);
  }
}

/**
 * The context in which `span`, just started under `parent`, is active: with its `captureContent`
 * override (which holds for the whole subtree: an LLM call inside a private step stays private) and,
 * for a local root, a trace scope of its own so that `updateCurrentTrace` can reach it.
 */
export function activeContext(span: Span, parent: Context, captureContent: boolean | undefined): Context {
  if (!span.isRecording()) return contextWithSpan(parent, span);
  const scope = getTraceScope(parent);
  applyTraceAttributes(span, scope);
  if (!isLocalRoot(span, parent)) {
    return captureContent === undefined
      ? contextWithSpan(parent, span)
      : contextWithSpan(parent, span, CAPTURE_CONTENT_KEY, captureContent);
  }
  const rootScope = createTraceScope(scope?.attrs ?? NO_TRACE_ATTRIBUTES, span);
  return captureContent === undefined
    ? contextWithSpan(parent, span, TRACE_SCOPE_KEY, rootScope)
    : contextWithSpan(parent, span, CAPTURE_CONTENT_KEY, captureContent, TRACE_SCOPE_KEY, rootScope);
}

/** Whether `span` starts a local trace: no parent, an invalid one, or a remote one (another process). */
function isLocalRoot(span: Span, parent: Context): boolean {
  // Spans of the OpenTelemetry SDK (2.x) carry the parent they were given, and only a valid one: reading
  // it saves validating the parent's ids a second time (two regular expressions per span).
  if ('parentSpanContext' in span) {
    const taken = (span as { parentSpanContext?: SpanContext }).parentSpanContext;
    return taken === undefined || Boolean(taken.isRemote);
  }
  const parentContext = trace.getSpan(parent)?.spanContext();
  return parentContext === undefined || Boolean(parentContext.isRemote) || !isSpanContextValid(parentContext);
}

/**
 * The capture override of a call: the plan's own `captureContent`, else the one in force where the call
 * started (read once per call); `undefined` defers to the global switch, read when the capture happens.
 */
export function contentOverride(plan: SpanPlan, parent: Context): boolean | undefined {
  return plan.captureContent ?? contentOverrideIn(parent);
}

/** Whether content (inputs/outputs) is captured under a call's override. */
export function contentOn(override: boolean | undefined): boolean {
  return override ?? stateRef.capture.captureContent;
}

/**
 * Runs `fn` as the active span of `ctx` and ends the span when the result settles: at once for a plain
 * value, on settlement for a thenable, at the end of iteration for a generator. Returns exactly what
 * `fn` returned (or throws what it threw).
 */
export function runInSpan(
  plan: SpanPlan,
  span: Span,
  ctx: Context,
  fn: Function,
  thisArg: unknown,
  args: unknown[],
  isConstruct: Function | undefined,
  content: boolean | undefined,
): unknown {
  let result: unknown;
  try {
    result = isConstruct
      ? context.with(ctx, () => Reflect.construct(fn, args, isConstruct))
      : context.with(ctx, fn as (...a: unknown[]) => unknown, thisArg, ...args);
  } catch (error) {
    recordSpanError(span, error);
    span.end();
    throw error;
  }
  return settle(plan, span, ctx, result, thisArg, content);
}

function settle(
  plan: SpanPlan,
  span: Span,
  ctx: Context,
  result: unknown,
  thisArg: unknown,
  content: boolean | undefined,
): unknown {
  if (result !== null && (typeof result === 'object' || typeof result === 'function')) {
    let then: unknown;
    try {
      then = (result as { then?: unknown }).then;
    } catch {
      then = undefined;
    }
    if (typeof then === 'function')
      return settleThenable(plan, span, ctx, result as PromiseLike<unknown>, then, thisArg, content);
    if (isGenerator(result)) return instrumentGenerator(result as any, span, ctx, plan, thisArg, content);
  }
  captureOutput(plan, span, content, result, thisArg);
  span.end();
  return result;
}

function settleThenable(
  plan: SpanPlan,
  span: Span,
  ctx: Context,
  thenable: PromiseLike<unknown>,
  then: Function,
  thisArg: unknown,
  content: boolean | undefined,
): unknown {
  const onFulfilled = (value: unknown) => {
    if (value !== null && typeof value === 'object' && isGenerator(value)) {
      // A function that resolves to a generator: the span lives on until the iteration ends.
      return instrumentGenerator(value as any, span, ctx, plan, thisArg, content);
    }
    captureOutput(plan, span, content, value, thisArg);
    span.end();
    return value;
  };
  if (thenable instanceof Promise && thenable.constructor === Promise) {
    // A native promise (every async function): return the derived promise, which settles to the very
    // same value or error and keeps Node's unhandled-rejection behaviour for the caller.
    return thenable.then(onFulfilled, (error: unknown) => {
      recordSpanError(span, error);
      span.end();
      throw error;
    });
  }
  // A custom thenable (an SDK's APIPromise, a Promise subclass): hand back the object itself so its own
  // methods keep working, and observe its settlement on the side.
  try {
    then.call(
      thenable,
      (value: unknown) => {
        onFulfilled(value);
      },
      (error: unknown) => {
        recordSpanError(span, error);
        span.end();
      },
    );
  } catch (error) {
    logger.once('warn', `could not observe a thenable result: ${String(error)}`, 'thenable');
    span.end();
  }
  return thenable;
}

/** Records the outputs of a finished call under the plan's capture rules and the call's override. */
export function captureOutput(
  plan: SpanPlan,
  span: Span,
  content: boolean | undefined,
  value: unknown,
  thisArg: unknown,
): void {
  if (plan.captureOutputs === false || !contentOn(content) || !span.isRecording()) return;
  if (typeof plan.captureOutputs === 'function') {
    const mapped = applyMapping(plan.captureOutputs, thisArg, [value]);
    if (mapped.ok) setJsonAttribute(span, ATTR.OUTPUTS, mapped.value);
    return;
  }
  if (value === undefined) return;
  setJsonAttribute(span, ATTR.OUTPUTS, value);
}

export { SpanKind };
