import {
  type Context,
  context,
  isSpanContextValid,
  type Span,
  type SpanContext,
  trace,
} from '@opentelemetry/api';
import { ATTR } from '../attributes.js';
import { findThen } from '../find-then.js';
import { CAPTURE_CONTENT_KEY } from './capture-override.js';
import { recordSpanError } from './errors.js';
import { instrumentGenerator } from './generator.js';
import { slot } from './global-slot.js';
import { contextWithSpan } from './layered-context.js';
import { PendingCall, settledPending, watchPending } from './pending-promises.js';
import { isGeneratorObject, ResultKind, resultKind } from './result-kind.js';
import type { Runtime } from './runtime.js';
import { captureOutput, type SpanPlan } from './span-plan.js';
import {
  applyTraceAttributes,
  createTraceScope,
  getTraceScope,
  NO_TRACE_ATTRIBUTES,
  TRACE_SCOPE_KEY,
} from './trace-context.js';

const promiseThen = Promise.prototype.then;

/**
 * Finishes starting a span of ours: returns the runtime it captures under (its Glassbox processor's,
 * else `fallback`) and gives it its trace attributes when no Glassbox processor did.
 */
export function adoptStarted(span: Span, parent: Context, fallback: Runtime): Runtime {
  if (slot.startingSpan === span) {
    const runtime = slot.startingRuntime ?? fallback;
    // Do not keep the span alive through the slot once it has been handed over.
    slot.startingSpan = undefined;
    slot.startingRuntime = undefined;
    return runtime;
  }
  if (span.isRecording()) applyTraceAttributes(span, parent);
  return fallback;
}

/**
 * The context in which `span`, just started under `parent`, is active: with its `captureContent`
 * override (which holds for the whole subtree: an LLM call inside a private step stays private) and,
 * for a local root, a trace scope of its own so that `updateCurrentTrace` can reach it.
 */
export function activeContext(
  span: Span,
  parent: Context,
  captureContent: boolean | undefined,
  runtime: Runtime,
): Context {
  if (!span.isRecording()) return contextWithSpan(parent, span);
  if (!isLocalRoot(span, parent)) {
    return captureContent === undefined
      ? contextWithSpan(parent, span)
      : contextWithSpan(parent, span, CAPTURE_CONTENT_KEY, captureContent);
  }
  const rootScope = createTraceScope(getTraceScope(parent)?.attrs ?? NO_TRACE_ATTRIBUTES, span, runtime);
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
 * Runs `fn` as the active span of `ctx` and ends the span when the result settles: at once for a plain
 * value, on settlement for a promise, at the end of iteration for a generator. Returns exactly what
 * `fn` returned (or throws what it threw). `derive`: `fn` is an async function, whose promise nobody
 * else holds, so the promise handed back may be the one derived from it (which keeps Node's
 * unhandled-rejection behaviour for the caller); otherwise a promise is handed back itself.
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
  runtime: Runtime,
  derive: boolean,
): unknown {
  let result: unknown;
  try {
    result = isConstruct
      ? context.with(ctx, () => Reflect.construct(fn, args, isConstruct))
      : context.with(ctx, fn as (...a: unknown[]) => unknown, thisArg, ...args);
  } catch (error) {
    recordSpanError(span, error, runtime);
    span.end();
    throw error;
  }
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) {
    captureOutput(plan, span, runtime, content, thisArg, result);
    span.end();
    return result;
  }
  return settle(plan, span, ctx, result, thisArg, content, runtime, derive);
}

function settle(
  plan: SpanPlan,
  span: Span,
  ctx: Context,
  result: object,
  thisArg: unknown,
  content: boolean | undefined,
  runtime: Runtime,
  derive: boolean,
): unknown {
  switch (resultKind(result)) {
    case ResultKind.PROMISE:
      return observePromise(plan, span, ctx, result as Promise<unknown>, thisArg, content, runtime, derive);
    case ResultKind.PROMISE_OTHER:
      return observeOtherPromise(plan, span, ctx, result, thisArg, content, runtime);
    case ResultKind.GENERATOR:
      return instrumentGenerator(result as Generator, false, span, ctx, plan, runtime, thisArg, content);
    case ResultKind.ASYNC_GENERATOR:
      return instrumentGenerator(result as AsyncGenerator, true, span, ctx, plan, runtime, thisArg, content);
    case ResultKind.THENABLE:
      return endUnawaited(span, result, 'thenable');
    case ResultKind.OPAQUE:
      return endUnawaited(span, result, 'uninspectable');
    default:
      captureOutput(plan, span, runtime, content, thisArg, result);
      span.end();
      return result;
  }
}

/**
 * A lazy thenable (a query builder that runs when `then` is called) or a value that resists inspection:
 * calling `then` ourselves would run it, so the span ends now and says why it did not wait.
 */
function endUnawaited(span: Span, result: object, reason: string): object {
  span.setAttribute(ATTR.END_REASON, reason);
  span.end();
  return result;
}

function observePromise(
  plan: SpanPlan,
  span: Span,
  ctx: Context,
  promise: Promise<unknown>,
  thisArg: unknown,
  content: boolean | undefined,
  runtime: Runtime,
  derive: boolean,
): unknown {
  const call = watchPending(new PendingCall(plan, span, ctx, thisArg, content, runtime, promise));
  if (derive) {
    return promiseThen.call(
      promise,
      (value: unknown) => fulfilled(call, value),
      (error: unknown) => {
        rejected(call, error);
        throw error;
      },
    );
  }
  // Handed back itself (same object, its own properties kept); observed on the side, where nothing can
  // reject: the caller's own handlers decide what happens to a rejection.
  promiseThen.call(
    promise,
    (value: unknown) => fulfilled(call, value),
    (error: unknown) => rejected(call, error),
  );
  return promise;
}

/** A subclass promise (an SDK's APIPromise): its own `then`, read without getters, observes it on the side. */
function observeOtherPromise(
  plan: SpanPlan,
  span: Span,
  ctx: Context,
  promise: object,
  thisArg: unknown,
  content: boolean | undefined,
  runtime: Runtime,
): unknown {
  let then: Function | null | undefined;
  try {
    then = findThen(promise);
  } catch {
    then = undefined;
  }
  if (typeof then !== 'function') return endUnawaited(span, promise, 'thenable');
  const call = watchPending(new PendingCall(plan, span, ctx, thisArg, content, runtime, promise));
  try {
    then.call(
      promise,
      (value: unknown) => void fulfilled(call, value),
      (error: unknown) => rejected(call, error),
    );
  } catch (error) {
    if (settledPending(call)) {
      runtime.logger.once('warn', `could not observe a promise result: ${String(error)}`, 'thenable');
      endUnawaited(span, promise, 'uninspectable');
    }
  }
  return promise;
}

function fulfilled(call: PendingCall, value: unknown): unknown {
  try {
    if (settledPending(call)) {
      finishValue(call.plan, call.span, call.ctx, value, call.thisArg, call.content, call.runtime);
    }
  } catch {
    // Recording must never change what the caller receives.
  }
  return value;
}

function rejected(call: PendingCall, error: unknown): void {
  if (settledPending(call)) failSpan(call.span, error, call.runtime);
}

/** Records a settled value: a generator keeps the span open until it is iterated; anything else ends it. */
function finishValue(
  plan: SpanPlan,
  span: Span,
  ctx: Context,
  value: unknown,
  thisArg: unknown,
  content: boolean | undefined,
  runtime: Runtime,
): void {
  if (isGeneratorObject(value)) {
    // A function that resolves to a generator: the span lives on until the iteration ends.
    const kind = resultKind(value as object);
    instrumentGenerator(
      value as Generator,
      kind === ResultKind.ASYNC_GENERATOR,
      span,
      ctx,
      plan,
      runtime,
      thisArg,
      content,
    );
    return;
  }
  captureOutput(plan, span, runtime, content, thisArg, value);
  span.end();
}

function failSpan(span: Span, error: unknown, runtime: Runtime): void {
  recordSpanError(span, error, runtime);
  span.end();
}
