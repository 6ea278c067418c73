import type { Attributes } from '@opentelemetry/api';
import type { Runtime } from './runtime.js';
import type { SpanPlan } from './span-plan.js';

/** A traced function's plan: what `SpanPlan` holds, plus what `trace` works out lazily. */
export interface WrapperPlan extends SpanPlan {
  /** The name and attributes as given; `name`/`spanOptions` hold their safe forms for `safeFor`. */
  rawName: string;
  rawAttributes: Attributes;
  /** The runtime whose rules made `name` and `spanOptions.attributes` safe. */
  safeFor: Runtime | undefined;
  nameResolved?: boolean;
  /** `fn` is an async function: the promise it returns is fresh, so a derived one may stand for it. */
  isAsync: boolean;
  /**
   * The parameter names are distinct, and none is `__proto__` or `toJSON` (which would make `named` a
   * different object): inputs are then written without building `named`.
   */
  namedDirectly?: boolean;
}

/** Where a function made by `trace` keeps its plan. */
export const PLAN = Symbol('glassbox.plan');

/** The plan of a function made by `trace` (the decorator names spans through it). */
export function planOf(fn: Function): WrapperPlan {
  return (fn as any)[PLAN];
}

/** Renames a traced function's spans (the decorator learns the class name only once an instance exists). */
export function renamePlan(plan: WrapperPlan, name: string): void {
  plan.rawName = name;
  plan.safeFor = undefined;
}
