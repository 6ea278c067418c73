import { types } from 'node:util';
import { findThen } from '../find-then.js';

/**
 * What a traced function returned, found without running any of the application's code: no getter,
 * no Proxy trap, no `then` call. Every inspection is guarded; a value that resists inspection is
 * OPAQUE, and is handed back untouched.
 */
export const ResultKind = {
  /** Anything to record as it is. */
  VALUE: 0,
  /** A plain native promise (prototype Promise.prototype, no own `then` or `constructor`). */
  PROMISE: 1,
  /** A native promise of a subclass, or with its own `then` / `constructor` (an SDK's APIPromise). */
  PROMISE_OTHER: 2,
  /** A generator object (by its internal brand, not its tag). */
  GENERATOR: 3,
  /** An async generator object. */
  ASYNC_GENERATOR: 4,
  /** Not a promise but has a `then` (a lazy query builder): never awaited by us. */
  THENABLE: 5,
  /** Inspection threw (a hostile Proxy prototype, a throwing trap): returned as it is. */
  OPAQUE: 6,
} as const;
export type ResultKind = (typeof ResultKind)[keyof typeof ResultKind];

const getPrototypeOf = Object.getPrototypeOf;
const hasOwn = Object.prototype.hasOwnProperty;
const protoOf = Object.prototype.isPrototypeOf;
const PROMISE_PROTOTYPE = Promise.prototype;
const ASYNC_GENERATOR_PROTOTYPE: object = getPrototypeOf(getPrototypeOf((async function* () {})()));

/** Classifies an object or function result; never throws and never runs application code, except through a Proxy in its prototype chain. */
export function resultKind(value: object): ResultKind {
  try {
    if (types.isPromise(value)) {
      return getPrototypeOf(value) === PROMISE_PROTOTYPE &&
        !hasOwn.call(value, 'then') &&
        !hasOwn.call(value, 'constructor')
        ? ResultKind.PROMISE
        : ResultKind.PROMISE_OTHER;
    }
    // A Proxy is a value: asking it anything would run its traps.
    if (types.isProxy(value)) return ResultKind.VALUE;
    if (types.isGeneratorObject(value)) {
      return protoOf.call(ASYNC_GENERATOR_PROTOTYPE, value)
        ? ResultKind.ASYNC_GENERATOR
        : ResultKind.GENERATOR;
    }
    // `in` reads no getter; only a value that has a `then` somewhere is looked at closer.
    if (!('then' in value)) return ResultKind.VALUE;
    return findThen(value) === undefined ? ResultKind.VALUE : ResultKind.THENABLE;
  } catch {
    return ResultKind.OPAQUE;
  }
}

/** Whether a settled value is a generator or async generator object; never throws. */
export function isGeneratorObject(value: unknown): boolean {
  try {
    return typeof value === 'object' && value !== null && types.isGeneratorObject(value);
  } catch {
    return false;
  }
}
