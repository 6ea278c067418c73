import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  type Span,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import { ATTR } from '../attributes.js';
import { applyMapping, setJsonAttribute } from './capture-attribute.js';
import { recordSpanError } from './errors.js';
import { instrumentGenerator, isAsyncGenerator, isSyncGenerator } from './generator.js';
import { logger } from './logger.js';
import { CAPTURE_CONTENT_KEY, contentEnabledIn, state as stateRef } from './state.js';
import { createTraceScope, getTraceScope, TRACE_SCOPE_KEY } from './trace-context.js';

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
  let ctx = trace.setSpan(parent, span);
  if (!span.isRecording()) return { span, ctx };
  // A per-span override holds for the whole subtree (an LLM call inside a private step stays private).
  if (captureContent !== undefined) ctx = ctx.setValue(CAPTURE_CONTENT_KEY, captureContent);
  const scope = getTraceScope(parent);
  // Without our span processor (an app's own OpenTelemetry setup), apply trace attributes ourselves.
  if (scope !== undefined && !processorActive()) span.setAttributes(scope.flat);
  const parentSpan = trace.getSpan(parent);
  const parentContext = parentSpan?.spanContext();
  if (parentContext === undefined || parentContext.isRemote || !isSpanContextValid(parentContext)) {
    // A local root: give its trace a scope of its own, so `updateCurrentTrace` can reach this span.
    ctx = ctx.setValue(TRACE_SCOPE_KEY, createTraceScope(scope?.attrs ?? {}, span));
  }
  return { span, ctx };
}

/** Whether content (inputs/outputs) is captured for this plan in this context. */
export function contentOn(plan: SpanPlan, ctx: Context): boolean {
  return plan.captureContent ?? contentEnabledIn(ctx);
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
  return settle(plan, span, ctx, result, thisArg);
}

function processorActive(): boolean {
  return stateRef.processorActive;
}

function settle(plan: SpanPlan, span: Span, ctx: Context, result: unknown, thisArg: unknown): unknown {
  if (result !== null && (typeof result === 'object' || typeof result === 'function')) {
    let then: unknown;
    try {
      then = (result as { then?: unknown }).then;
    } catch {
      then = undefined;
    }
    if (typeof then === 'function')
      return settleThenable(plan, span, ctx, result as PromiseLike<unknown>, then, thisArg);
    if (isAsyncGenerator(result) || isSyncGenerator(result)) {
      return instrumentGenerator(result as any, span, ctx, plan, thisArg);
    }
  }
  captureOutput(plan, span, ctx, result, thisArg);
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
): unknown {
  const onFulfilled = (value: unknown) => {
    if (value !== null && typeof value === 'object' && (isAsyncGenerator(value) || isSyncGenerator(value))) {
      // A function that resolves to a generator: the span lives on until the iteration ends.
      return instrumentGenerator(value as any, span, ctx, plan, thisArg);
    }
    captureOutput(plan, span, ctx, value, thisArg);
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

/** Records the outputs of a finished call under the plan's capture rules. */
export function captureOutput(
  plan: SpanPlan,
  span: Span,
  ctx: Context,
  value: unknown,
  thisArg: unknown,
): void {
  if (plan.captureOutputs === false || !contentOn(plan, ctx) || !span.isRecording()) return;
  if (typeof plan.captureOutputs === 'function') {
    const mapped = applyMapping(plan.captureOutputs, thisArg, [value]);
    if (mapped.ok) setJsonAttribute(span, ATTR.OUTPUTS, mapped.value);
    return;
  }
  if (value === undefined) return;
  setJsonAttribute(span, ATTR.OUTPUTS, value);
}

export { SpanKind };
