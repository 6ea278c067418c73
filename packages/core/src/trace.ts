import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  trace as otelTrace,
  SpanKind,
} from '@opentelemetry/api';
import { ATTR } from './attributes.js';
import { GlassboxConfigError } from './errors.js';
import { applyMapping, setJsonAttribute, setNamedInputs } from './internal/capture-attribute.js';
import { parameterNames } from './internal/param-names.js';
import {
  activeContext,
  contentOn,
  contentOverride,
  runInSpan,
  type SpanPlan,
} from './internal/span-runner.js';
import { getTracer, providerRegistered, state } from './internal/state.js';
import { validateTraceOptions } from './internal/validate-trace-options.js';
import { SpanType } from './span-type.js';

type AnyFunction = (...args: any[]) => any;

/** Options of `trace`: how the span is named and typed, and what it captures. */
export interface TraceOptions<F extends AnyFunction = AnyFunction> {
  /** Span name; default the function's name (`Class.method` for decorated methods). */
  name?: string;
  /** The kind of step; default `'UNKNOWN'`. */
  type?: SpanType;
  /** Extra attributes set when the span starts. */
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

/** A method decorator for both TypeScript 5 standard decorators and `experimentalDecorators`. */
export interface TraceDecorator {
  <T extends AnyFunction>(value: T, context: ClassMethodDecoratorContext): T;
  (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
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
  return makeDecorator((fnOrOptions ?? {}) as TraceOptions);
}

function makeDecorator(options: TraceOptions): TraceDecorator {
  return function decorator(value: any, ctxOrKey: any, descriptor?: PropertyDescriptor): any {
    if (descriptor !== undefined && (typeof ctxOrKey === 'string' || typeof ctxOrKey === 'symbol')) {
      // experimentalDecorators: (prototype or constructor, key, descriptor).
      const method = descriptor.value;
      if (typeof method !== 'function') {
        throw new GlassboxConfigError({
          option: 'trace',
          message: `@trace() applies to methods; ${String(ctxOrKey)} is not one`,
        });
      }
      const owner = typeof value === 'function' ? value.name : value?.constructor?.name;
      const name = options.name ?? (owner ? `${owner}.${String(ctxOrKey)}` : String(ctxOrKey));
      descriptor.value = wrapFunction(method, options, name);
      return descriptor;
    }
    if (ctxOrKey && typeof ctxOrKey === 'object' && 'kind' in ctxOrKey) {
      // TypeScript 5 / TC39 standard decorators: (method, context).
      const ctx = ctxOrKey as ClassMethodDecoratorContext;
      if (ctx.kind !== 'method' || typeof value !== 'function') {
        throw new GlassboxConfigError({
          option: 'trace',
          message: `@trace() applies to methods, not to a ${ctx.kind}`,
        });
      }
      const methodName = String(ctx.name);
      const wrapped = wrapFunction(value, options, options.name ?? methodName);
      if (options.name === undefined) {
        const plan = planOf(wrapped);
        // The class is only known once an instance (or, for statics, the class) exists; name the span then.
        ctx.addInitializer(function (this: unknown) {
          if (plan.nameResolved) return;
          const owner = ctx.static ? (this as Function).name : (this as object)?.constructor?.name;
          if (owner) plan.name = `${owner}.${methodName}`;
          plan.nameResolved = true;
        });
      }
      return wrapped;
    }
    throw new GlassboxConfigError({
      option: 'trace',
      message: 'unsupported decorator usage; use @trace() on a class method',
    });
  } as TraceDecorator;
}

interface WrapperPlan extends SpanPlan {
  nameResolved?: boolean;
  /**
   * The parameter names are distinct, and none is `__proto__` or `toJSON` (which would make `named` a
   * different object): inputs are then written without building `named`.
   */
  namedDirectly?: boolean;
}

const PLAN = Symbol('glassbox.plan');

function planOf(fn: Function): WrapperPlan {
  return (fn as any)[PLAN];
}

function wrapFunction(fn: AnyFunction, options: TraceOptions, defaultName: string | undefined): AnyFunction {
  const attributes: Attributes = {
    ...(options.attributes ?? {}),
    [ATTR.SPAN_TYPE]: options.type ?? SpanType.UNKNOWN,
  };
  const plan: WrapperPlan = {
    name: options.name ?? defaultName ?? (fn.name || 'anonymous'),
    spanOptions: { kind: options.kind ?? SpanKind.INTERNAL, attributes },
    captureInputs: options.captureInputs ?? true,
    captureOutputs: options.captureOutputs ?? true,
    captureContent: options.captureContent,
    paramNames: undefined,
  };

  const traced = function (this: unknown): unknown {
    const isConstruct = new.target as Function | undefined;
    // Nothing would be recorded: tracing off, no provider registered at all, or (sampleRatio 0) a new
    // root that the sampler would drop. A plain call, without making a span nobody records (and
    // without copying the arguments into an array).
    const parent = state.enabled && providerRegistered() ? context.active() : undefined;
    if (parent === undefined || (state.dropNewTraces && otelTrace.getSpan(parent) === undefined)) {
      // biome-ignore lint/complexity/noArguments: passed on as they are, no array per call.
      return isConstruct ? Reflect.construct(fn, arguments, isConstruct) : fn.apply(this, arguments as never);
    }
    // biome-ignore lint/complexity/noArguments: spread once into the rest array of tracedCall.
    return tracedCall(this, isConstruct, parent, ...arguments);
  };

  // A traced call that makes a span (kept apart so that the plain-call paths above copy nothing).
  const tracedCall = (
    self: unknown,
    isConstruct: Function | undefined,
    parent: Context,
    ...args: unknown[]
  ): unknown => {
    const span = getTracer().startSpan(plan.name, plan.spanOptions, parent);
    const ctx = activeContext(span, parent, plan.captureContent);
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
    const content = contentOverride(plan, parent);
    if (plan.captureInputs !== false && contentOn(content)) captureInputs(plan, fn, self, args, span);
    return runInSpan(plan, span, ctx, fn, self, args, isConstruct, content);
  };

  Object.defineProperty(traced, PLAN, { value: plan });
  copyFunctionIdentity(traced, fn);
  return traced as AnyFunction;
}

function captureInputs(plan: WrapperPlan, fn: Function, thisArg: unknown, args: unknown[], span: any): void {
  if (typeof plan.captureInputs === 'function') {
    const mapped = applyMapping(plan.captureInputs, thisArg, args);
    if (mapped.ok) setJsonAttribute(span, ATTR.INPUTS, mapped.value);
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
    setNamedInputs(span, names, args, args.length);
  } else if (names !== null && args.length <= names.length) {
    const named: Record<string, unknown> = {};
    for (let i = 0; i < args.length; i++) named[names[i]!] = args[i];
    setJsonAttribute(span, ATTR.INPUTS, named);
  } else {
    setJsonAttribute(span, ATTR.INPUTS, args);
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
