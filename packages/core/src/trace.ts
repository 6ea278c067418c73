import { types } from 'node:util';
import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  trace as otelTrace,
  SpanKind,
} from '@opentelemetry/api';
import { ATTR } from './attributes.js';
import { applyMapping, setJsonAttribute, setNamedInputs } from './internal/capture-attribute.js';
import { contentOverrideIn } from './internal/capture-override.js';
import { makeDecorator } from './internal/decorator.js';
import { parameterNames } from './internal/param-names.js';
import { currentRuntime, type Runtime } from './internal/runtime.js';
import { safeAttributes, safeName } from './internal/sanitize.js';
import { contentOn } from './internal/span-plan.js';
import { activeContext, adoptStarted, runInSpan } from './internal/span-runner.js';
import { getTracer, providerRegistered } from './internal/tracer.js';
import { validateTraceOptions } from './internal/validate-trace-options.js';
import { PLAN, type WrapperPlan } from './internal/wrapper-plan.js';
import { SpanType } from './span-type.js';
import type { TraceDecorator } from './trace-decorator.js';

export type { TraceDecorator };

type AnyFunction = (...args: any[]) => any;

/** Options of `trace`: how the span is named and typed, and what it captures. */
export interface TraceOptions<F extends AnyFunction = AnyFunction> {
  /** Span name; default the function's name (`Class.method` for decorated methods). */
  name?: string;
  /** The kind of step; default `'UNKNOWN'`. */
  type?: SpanType;
  /** Extra attributes set when the span starts (redacted and bounded like captured content). */
  attributes?: Attributes;
  /** OpenTelemetry span kind; default INTERNAL. */
  kind?: SpanKind;
  /** Record the arguments (default true), or a function mapping them to what is recorded. */
  captureInputs?: boolean | ((...args: Parameters<F>) => unknown);
  /** Record the result (default true), or a function mapping it to what is recorded. */
  captureOutputs?: boolean | ((result: Awaited<ReturnType<F>>) => unknown);
  /** Overrides the global `captureContent` switch for this function. */
  captureContent?: boolean;
}

/**
 * Wraps a function so every call is a span (`trace(fn, options)`), or makes a method decorator
 * (`@trace(options)`); the wrapped function behaves exactly like the original.
 */
export function trace<F extends AnyFunction>(fn: F, options?: TraceOptions<F>): F;
export function trace(options?: TraceOptions): TraceDecorator;
export function trace(fnOrOptions?: unknown, options?: TraceOptions): unknown {
  if (typeof fnOrOptions === 'function') {
    validateTraceOptions(options, 'trace');
    return wrapFunction(fnOrOptions as AnyFunction, options ?? {}, undefined);
  }
  validateTraceOptions(fnOrOptions, 'trace');
  return makeDecorator((fnOrOptions ?? {}) as TraceOptions, wrapFunction);
}

function wrapFunction(fn: AnyFunction, options: TraceOptions, defaultName: string | undefined): AnyFunction {
  const rawAttributes: Attributes = Object.assign({}, options.attributes);
  rawAttributes[ATTR.SPAN_TYPE] = options.type ?? SpanType.UNKNOWN;
  const rawName = options.name ?? defaultName ?? (fn.name || 'anonymous');
  const plan: WrapperPlan = {
    name: rawName,
    rawName,
    rawAttributes,
    safeFor: undefined,
    spanOptions: { kind: options.kind ?? SpanKind.INTERNAL, attributes: rawAttributes },
    captureInputs: options.captureInputs ?? true,
    captureOutputs: options.captureOutputs ?? true,
    captureContent: options.captureContent,
    paramNames: undefined,
    isAsync: types.isAsyncFunction(fn),
  };

  const traced = function (this: unknown): unknown {
    const isConstruct = new.target as Function | undefined;
    // Nothing would be recorded: tracing off, no provider registered at all, or (sampleRatio 0) a new
    // root that the sampler would drop. A plain call, without making a span nobody records (and
    // without copying the arguments into an array).
    const runtime = currentRuntime();
    const parent = runtime.enabled && providerRegistered() ? context.active() : undefined;
    if (parent === undefined || (runtime.dropNewTraces && otelTrace.getSpan(parent) === undefined)) {
      // biome-ignore lint/complexity/noArguments: passed on as they are, no array per call.
      return isConstruct ? Reflect.construct(fn, arguments, isConstruct) : fn.apply(this, arguments as never);
    }
    // biome-ignore lint/complexity/noArguments: spread once into the rest array of tracedCall.
    return tracedCall(this, isConstruct, parent, runtime, ...arguments);
  };

  // A traced call that makes a span (kept apart so that the plain-call paths above copy nothing).
  const tracedCall = (
    self: unknown,
    isConstruct: Function | undefined,
    parent: Context,
    current: Runtime,
    ...args: unknown[]
  ): unknown => {
    if (plan.safeFor !== current) makeSafe(plan, current);
    const span = getTracer().startSpan(plan.name, plan.spanOptions, parent);
    const runtime = adoptStarted(span, parent, current);
    const ctx = activeContext(span, parent, plan.captureContent, runtime);
    if (!span.isRecording()) {
      // No provider, or the trace is sampled out: no capture work. A sampled-out span still becomes the
      // active span, so its children are dropped too and whole traces are kept or dropped together.
      if (!isSpanContextValid(span.spanContext())) {
        return isConstruct ? Reflect.construct(fn, args, isConstruct) : fn.apply(self, args);
      }
      return isConstruct
        ? context.with(ctx, () => Reflect.construct(fn, args, isConstruct))
        : context.with(ctx, fn, self, ...args);
    }
    const content = plan.captureContent ?? contentOverrideIn(parent);
    if (plan.captureInputs !== false && contentOn(content, runtime)) {
      captureInputs(plan, fn, self, args, span, runtime);
    }
    return runInSpan(plan, span, ctx, fn, self, args, isConstruct, content, runtime, plan.isAsync);
  };

  Object.defineProperty(traced, PLAN, { value: plan });
  copyFunctionIdentity(traced, fn);
  return traced as AnyFunction;
}

// The name and the attributes option leave with every span: redacted and bounded like captured content,
// once per runtime (rules change at `init`), not once per call.
function makeSafe(plan: WrapperPlan, runtime: Runtime): void {
  plan.name = safeName(plan.rawName, runtime);
  plan.spanOptions = { kind: plan.spanOptions.kind, attributes: safeAttributes(plan.rawAttributes, runtime) };
  plan.safeFor = runtime;
}

function captureInputs(
  plan: WrapperPlan,
  fn: Function,
  thisArg: unknown,
  args: unknown[],
  span: any,
  runtime: Runtime,
): void {
  if (typeof plan.captureInputs === 'function') {
    const mapped = applyMapping(plan.captureInputs, thisArg, args, runtime);
    if (mapped.ok) setJsonAttribute(span, ATTR.INPUTS, mapped.value, runtime);
    return;
  }
  if (args.length === 0) return;
  if (plan.paramNames === undefined) {
    const found = parameterNames(fn) ?? null;
    plan.namedDirectly =
      found !== null &&
      new Set(found).size === found.length &&
      !found.includes('__proto__') &&
      !found.includes('toJSON');
    plan.paramNames = found;
  }
  const names = plan.paramNames;
  if (names !== null && args.length <= names.length && plan.namedDirectly === true) {
    setNamedInputs(span, names, args, args.length, runtime);
  } else if (names !== null && args.length <= names.length) {
    const named: Record<string, unknown> = {};
    for (let i = 0; i < args.length; i++) named[names[i]!] = args[i];
    setJsonAttribute(span, ATTR.INPUTS, named, runtime);
  } else {
    setJsonAttribute(span, ATTR.INPUTS, args, runtime);
  }
}

// Callers and frameworks read `name` and `length` (arity-based dispatch, DI containers, logs).
function copyFunctionIdentity(target: Function, source: Function): void {
  try {
    Object.defineProperty(target, 'name', { value: source.name, configurable: true });
    Object.defineProperty(target, 'length', { value: source.length, configurable: true });
    if (source.prototype !== undefined) (target as any).prototype = source.prototype;
  } catch {
    // Non-configurable oddities: keep the wrapper working regardless.
  }
}
