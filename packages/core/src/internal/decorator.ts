import { GlassboxConfigError } from '../errors.js';
import type { TraceDecorator } from '../trace-decorator.js';
import { planOf, renamePlan } from './wrapper-plan.js';

type AnyFunction = (...args: any[]) => any;

/** Makes `@trace(options)`: both decorator protocols, through the one `trace` wrapper. */
export function makeDecorator<O extends { name?: string }>(
  options: O,
  wrap: (fn: AnyFunction, options: O, defaultName: string | undefined) => AnyFunction,
): TraceDecorator {
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
      descriptor.value = wrap(method, options, name);
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
      const wrapped = wrap(value, options, options.name ?? methodName);
      if (options.name === undefined) {
        const plan = planOf(wrapped);
        // The class is only known once an instance (or, for statics, the class) exists; name the span then.
        ctx.addInitializer(function (this: unknown) {
          if (plan.nameResolved) return;
          const owner = ctx.static ? (this as Function).name : (this as object)?.constructor?.name;
          if (owner) renamePlan(plan, `${owner}.${methodName}`);
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
