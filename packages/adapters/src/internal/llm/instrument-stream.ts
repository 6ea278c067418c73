import type { LlmCall } from './llm-call.js';
import { isObj } from './parts.js';
import { defineHidden } from './patch.js';

/** Tells whether a value looks like an SDK `Stream`: async iterable with an abort `controller`. */
export function isSdkStream(value: unknown): boolean {
  return (
    isObj(value) &&
    typeof (value as any)[Symbol.asyncIterator] === 'function' &&
    isObj((value as any).controller) &&
    isObj((value as any).controller.signal)
  );
}

/**
 * Instruments an SDK `Stream` in place: the caller keeps the very same object (`for await`, `tee()`,
 * `toReadableStream()`, `controller` all work as before). The stream's iterator factory is wrapped, so
 * the span sees every item once, from the source, whichever consumer pulls it (a `tee()` branch, a
 * `ReadableStream`, the SDK's own stream helpers). The span ends when the source ends, errors, is
 * returned (`break`), when the request is aborted, or, for a stream nobody reads, by idle timeout or
 * garbage collection.
 */
export function instrumentStream(stream: object, call: LlmCall): void {
  const s = stream as Record<string | symbol, any>;
  const signal = s.controller.signal as AbortSignal;
  if (signal.aborted) call.abortSignalled();
  else signal.addEventListener('abort', () => call.abortSignalled(), { once: true });

  let started = false;
  const wrapFactory = (factory: (...args: unknown[]) => AsyncIterator<unknown>) =>
    function (this: unknown, ...args: unknown[]): AsyncIterator<unknown> {
      const inner = factory.apply(this, args);
      // A second iteration fails inside the SDK ("stream already consumed"); it is not this call's error.
      if (started || call.isEnded) return inner;
      started = true;
      const wrapped = wrapIterator(inner, call);
      // From here on the iterator, not the stream, is what the application holds (`for await` keeps
      // only the iterator; `tee()` branches keep it through their closures).
      call.watch(wrapped);
      return wrapped;
    };

  // `iterator` is the SDKs' (TypeScript-private) factory behind `[Symbol.asyncIterator]`, `tee()` and
  // `toReadableStream()`; when a future SDK drops it, the public async iterator method is wrapped instead.
  if (Object.hasOwn(s, 'iterator') && typeof s.iterator === 'function') {
    s.iterator = wrapFactory(s.iterator);
  } else {
    defineHidden(s, Symbol.asyncIterator, wrapFactory(s[Symbol.asyncIterator]));
  }
  call.watch(stream);
}

function wrapIterator(
  inner: AsyncIterator<unknown>,
  call: LlmCall,
): AsyncIterator<unknown> & AsyncIterable<unknown> {
  const settle = (pending: Promise<IteratorResult<unknown>>, stopped: boolean) =>
    pending.then(
      (result) => {
        call.pullEnded();
        if (stopped) call.complete('returned');
        else if (result.done) call.complete(call.endOfStream());
        else call.chunk(result.value);
        return result;
      },
      (error: unknown) => {
        call.pullEnded();
        call.fail(error, 'error');
        throw error;
      },
    );
  const pull = (fn: () => unknown, stopped: boolean): Promise<IteratorResult<unknown>> => {
    if (call.isEnded) return Promise.resolve(fn() as IteratorResult<unknown>);
    call.pullStarted();
    let pending: Promise<IteratorResult<unknown>>;
    try {
      pending = Promise.resolve(fn() as IteratorResult<unknown>);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return settle(pending, stopped);
  };
  return {
    next: (...args: [] | [unknown]) => pull(() => inner.next(...args), false),
    return: (value?: unknown) => {
      // The SDK aborts its request when the consumer leaves early; that abort is part of the stop.
      call.stop();
      return pull(() => (inner.return ? inner.return(value) : { done: true, value }), true);
    },
    throw: (error?: unknown) =>
      pull(() => {
        if (inner.throw) return inner.throw(error);
        throw error;
      }, false),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
