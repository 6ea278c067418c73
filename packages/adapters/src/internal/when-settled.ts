import { types } from 'node:util';
import { findThen } from '@glassbox/core/instrumentation';

const promiseThen = Promise.prototype.then;
const noop = (): void => {};

/**
 * Runs `after` once the value is known and returns `result` itself (a promise keeps its identity, its
 * subclass and its extra methods, such as an SDK's `.withResponse()`), as core's `trace` does. A promise
 * is observed on the side, through its own `then`, by a chain that swallows: the caller's handlers alone
 * decide what happens to a rejection. A thenable that is not a promise (a lazy query builder) is never
 * `then`-ed by us, since that would run it once more: `after` does not run and `onUnobserved` says so.
 */
export function whenSettled(
  result: unknown,
  after: (value: unknown) => void,
  onUnobserved?: () => void,
): unknown {
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) {
    runAfter(after, result);
    return result;
  }
  if (types.isPromise(result)) {
    observePromise(result, after, onUnobserved);
    return result;
  }
  // A callable `then`, or one that cannot be read without running the application's code: a thenable.
  if (findThen(result) !== undefined) {
    onUnobserved?.();
    return result;
  }
  runAfter(after, result);
  return result;
}

function observePromise(
  promise: Promise<unknown>,
  after: (value: unknown) => void,
  onUnobserved?: () => void,
) {
  // A subclass (an SDK's APIPromise) may settle through its own `then` to another value than its native
  // state, so its own `then` is used; read by descriptor, so that no getter of the application runs.
  const then = findThen(promise);
  if (typeof then !== 'function') {
    onUnobserved?.();
    return;
  }
  try {
    const side = then.call(promise, (value: unknown) => runAfter(after, value), noop);
    // A subclass's `then` may hand back a chain that rejects on its own: it must not go unhandled.
    if (types.isPromise(side)) promiseThen.call(side, undefined, noop);
  } catch {
    onUnobserved?.();
  }
}

function runAfter(after: (value: unknown) => void, value: unknown): void {
  try {
    after(value);
  } catch {
    // Recording must never change what the caller receives (callers report their own failures).
  }
}
